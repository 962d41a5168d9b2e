"""The catalogue's section of the user guide (discovered by pme.portal.help)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class HelpSection:  # same fields as pme.portal.help.HelpSection (the portal is above us: no import)
    slug: str
    title: str | Promise
    summary: str | Promise


HELP_SECTIONS: tuple[HelpSection, ...] = (
    HelpSection(
        "exception-drugs",
        _("Finding an exception drug"),
        _("Searching the list, exception codes, criteria and authorization periods."),
    ),
)
