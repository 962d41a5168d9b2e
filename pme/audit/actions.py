"""Action codes are stored; these sentences show them in the reader's language.

Other apps add their own sentences without editing this file: a module `pme/<app>/audit_actions.py`
with a module-level `ACTIONS: dict[str, str]` (values through gettext_lazy). A code that no app
describes is shown as it is stored.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, str | Promise] = {
    # Codes of other apps that the issues name; those apps may add theirs in their own audit_actions.py.
    "user.created": _("Created a user account"),
    "insured.searched": _("Searched for an insured person"),
    "request.viewed": _("Viewed a payment authorization request"),
    "access_request.approved": _("Approved an access request"),
    "audit.access.denied": _("Was refused a privacy officer page"),
    "audit.events.searched": _("Searched the audit trail"),
    "audit.events.exported": _("Exported audit events (CSV)"),
    "audit.person_report.viewed": _("Viewed who accessed an insured person's information"),
    "audit.person_report.exported": _("Exported who accessed an insured person's information (CSV)"),
    "audit.yearly_report.viewed": _("Viewed the yearly access report"),
    "audit.yearly_report.exported": _("Exported the yearly access report (CSV)"),
    "audit.signals.viewed": _("Viewed the unusual-access signals"),
    "incident.listed": _("Viewed the confidentiality-incident register"),
    "incident.viewed": _("Viewed a confidentiality incident"),
    "incident.created": _("Registered a confidentiality incident"),
    "incident.updated": _("Updated a confidentiality incident"),
    "retention.applied": _("Removed information past its retention period"),
}


@cache
def all_actions() -> dict[str, str | Promise]:
    found = dict(ACTIONS)
    for config in apps.get_app_configs():
        if not config.name.startswith("pme.") or config.name == "pme.audit":
            continue
        try:
            module = import_module(f"{config.name}.audit_actions")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.audit_actions":
                raise
            continue
        found.update(getattr(module, "ACTIONS", {}))
    return found


def describe_action(code: str) -> str:
    """The sentence for `code` in the active language, or the code itself when none is known."""
    sentence = all_actions().get(code)
    return str(sentence) if sentence is not None else code
