"""Sections of the user guide about access for assistants (templates in templates/help/<lang>/)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pme.core.help import HelpSection

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
