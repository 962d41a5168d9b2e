"""Sections of the user guide about access for assistants (templates in templates/help/<lang>/)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class HelpSection:  # same fields as pme.portal.help.HelpSection (the portal is above us in the layers)
    slug: str
    title: str | Promise
    summary: str | Promise


HELP_SECTIONS: tuple[HelpSection, ...] = (
    HelpSection(
        "access-for-assistants",
        _("Access for an assistant"),
        _("Asking for access, what the assistant receives, removing an assistant."),
    ),
    HelpSection(
        "account-security",
        _("Passwords and second factor"),
        _("Temporary password, choosing a password, one-time codes, forgotten password."),
    ),
)
