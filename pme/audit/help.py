"""The audit trail's sections of the user guide (collected by pme.portal.help without an import of it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    slug: str
    title: str | Promise
    summary: str | Promise


HELP_SECTIONS: tuple[Section, ...] = (
    Section(
        "privacy-officer",
        _("For the privacy officer"),
        _("Audit trail, who accessed a person, yearly report, unusual access, incident register."),
    ),
)
