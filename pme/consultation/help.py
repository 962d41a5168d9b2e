"""Sections of the user guide about the look-ups (templates in templates/help/<lang>/)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pme.consultation.labels import PANORAMA_TITLE, STATUS_LOOKUP_TITLE
from pme.core.help import HelpSection

HELP_SECTIONS: tuple[HelpSection, ...] = (
    HelpSection(
        "requests-by-insured-person",
        PANORAMA_TITLE,
        _("For assistants and prescribers: the requests of the last 90 days for one insured person."),
    ),
    HelpSection(
        "request-status-lookup",
        STATUS_LOOKUP_TITLE,
        _("For pharmacists: the status of the requests valid or sent in the last 12 months."),
    ),
)
