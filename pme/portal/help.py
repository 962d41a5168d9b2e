"""The user guide's table of contents. Each section is a pair of templates, help/fr/<slug>.html and
help/en/<slug>.html, written as prose by people, not assembled from translation strings."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from pme.core.help import HelpSection

HELP_SECTIONS: tuple[HelpSection, ...] = (
    HelpSection("getting-started", _("Getting started"), _("Logging in, languages, what each role can do.")),
    HelpSection("prescribers", _("For prescribers"), _("Requests, decisions, giving access to assistants.")),
    HelpSection(
        "assistants",
        _("For administrative assistants"),
        _("Getting access and viewing the requests of your prescribers."),
    ),
    HelpSection("pharmacists", _("For pharmacists"), _("Looking up the status of a request.")),
    HelpSection(
        "regie-staff", _("For Régie staff"), _("Reviewers, access administrators, privacy officers.")
    ),
    HelpSection("requirements", _("Minimum configuration"), _("Supported browsers; JavaScript is optional.")),
    HelpSection("contact", _("Assistance"), _("Phone numbers and e-mail of the assistance centre.")),
)


def all_sections() -> tuple[HelpSection, ...]:
    """The portal's sections, then those each installed PME app declares in its own `help.py`
    (a module-level `HELP_SECTIONS` tuple of HelpSection; templates in that app's
    `templates/help/<lang>/<slug>.html`), so that apps add to the guide without editing this file."""
    sections = list(HELP_SECTIONS)
    for config in apps.get_app_configs():
        if not config.name.startswith("pme.") or config.name == "pme.portal":
            continue
        try:
            module = import_module(f"{config.name}.help")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.help":
                raise
            continue
        sections[-2:-2] = list(getattr(module, "HELP_SECTIONS", ()))  # before requirements and contact
    return tuple(sections)


def section_by_slug(slug: str) -> HelpSection | None:
    return next((s for s in all_sections() if s.slug == slug), None)
