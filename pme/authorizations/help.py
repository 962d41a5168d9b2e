"""Sections of the user guide about payment authorization requests."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pme.core.help import HelpSection

HELP_SECTIONS: tuple[HelpSection, ...] = (
    HelpSection(
        "requests",
        _("Payment authorization requests"),
        _("Filling, saving, sending; instant decisions; attachments."),
    ),
    HelpSection(
        "request-follow-up",
        _("Following a request"),
        _("Statuses, answering a request for information, review, withdrawal, renewal, reminders."),
    ),
)
