"""Sections of the user guide for Régie reviewers (templates in templates/help/<lang>/)."""

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
