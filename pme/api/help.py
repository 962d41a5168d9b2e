"""The integrators' section of the user guide (templates in templates/help/<lang>/)."""

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
        "api",
        _("API and FHIR for software"),
        _("Personal API tokens, the JSON API, the FHIR interface, errors and limits."),
    ),
)
