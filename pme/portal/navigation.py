"""What each role may open, in menu order. A menu item appears only for the roles listed with it;
the view behind it still checks access itself (the menu is a convenience, not a control)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pme.accounts.models import Role
from pme.consultation.labels import PANORAMA_TITLE, STATUS_LOOKUP_TITLE


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str] | None  # None: everyone, logged in or not


MENU: tuple[MenuItem, ...] = (
    MenuItem(_("Home"), "portal:home", None),
    MenuItem(_("My requests"), "authorizations:list", frozenset({Role.PRESCRIBER, Role.COLLABORATOR})),
    MenuItem(_("Exception drugs"), "catalogue:list", None),
    MenuItem(PANORAMA_TITLE, "consultation:panorama", frozenset({Role.PRESCRIBER, Role.COLLABORATOR})),
    MenuItem(STATUS_LOOKUP_TITLE, "consultation:status_lookup", frozenset({Role.PHARMACIST})),
    MenuItem(_("Audit trail"), "audit:events", frozenset({Role.PRIVACY_OFFICER})),
    MenuItem(_("My assistants"), "accounts:collaborators", frozenset({Role.PRESCRIBER})),
    MenuItem(_("My prescribers"), "accounts:my_prescribers", frozenset({Role.COLLABORATOR})),
    MenuItem(_("Review queue"), "review:queue", frozenset({Role.REVIEWER})),
    MenuItem(_("Review metrics"), "review:metrics", frozenset({Role.REVIEWER})),
    MenuItem(_("Access requests"), "accounts:regie_queue", frozenset({Role.ACCESS_ADMIN})),
    MenuItem(_("Accounts"), "accounts:regie_accounts", frozenset({Role.ACCESS_ADMIN})),
    MenuItem(_("Security"), "accounts:security", frozenset(Role.values)),
    MenuItem(_("Help"), "portal:help", None),
)


# The items of each role, with their addresses, per language and script prefix: the same for every page
# (reversing fourteen URL names on every page cost more than the rest of the menu).
_RESOLVED: dict[tuple[str | None, str | None, str], tuple[tuple[str | Promise, str, str], ...]] = {}


def _items(role: str | None) -> tuple[tuple[str | Promise, str, str], ...]:
    key = (role, get_language(), get_script_prefix())
    found = _RESOLVED.get(key)
    if found is None:
        resolved = []
        for item in MENU:
            if item.roles is not None and role not in item.roles:
                continue
            try:
                resolved.append((item.label, item.url_name, reverse(item.url_name)))
            except NoReverseMatch:
                continue  # the app behind this item is not installed yet
        found = _RESOLVED[key] = tuple(resolved)
    return found


def menu_for(user: object, current_path: str) -> list[dict[str, Any]]:
    role = getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None
    items = _items(role)
    home = next((url for _label, name, url in items if name == "portal:home"), "")
    return [
        {
            "label": label,
            "url": url,
            "current": current_path == url or (url != home and current_path.startswith(url)),
        }
        for label, _name, url in items
    ]


def forget_addresses() -> None:
    _RESOLVED.clear()
