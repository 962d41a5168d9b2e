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
    HelpSection(
        "pharmacy-coverage",
        _("Coverage check for pharmacy software"),
        _("Is this drug covered for this person today, and how much: JSON and FHIR examples."),
    ),
    HelpSection(
        "cds-hooks",
        _("Advice in the clinic's medical record (CDS Hooks)"),
        _("Exception codes, authorizations in force and pre-filled requests while prescribing."),
    ),
    HelpSection(
        "fhir-questionnaires",
        _("The criteria as FHIR questionnaires"),
        _("Read the questions of an indication, answer them in the record, send the request."),
    ),
)
