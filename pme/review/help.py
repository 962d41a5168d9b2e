"""Sections of the user guide for Régie reviewers (templates in templates/help/<lang>/)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pme.core.help import HelpSection

HELP_SECTIONS: tuple[HelpSection, ...] = (
    HelpSection(
        "reviewing-requests",
        _("Reviewing requests"),
        _("The queue, taking a request, accepting, refusing, asking for information, reviews."),
    ),
    HelpSection(
        "review-metrics",
        _("Review metrics"),
        _("What the figures of the metrics page count, and the CSV export."),
    ),
)
