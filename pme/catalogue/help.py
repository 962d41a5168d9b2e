"""The catalogue's section of the user guide (discovered by pme.portal.help)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pme.core.help import HelpSection

HELP_SECTIONS: tuple[HelpSection, ...] = (
    HelpSection(
        "exception-drugs",
        _("Finding an exception drug"),
        _("Searching the list, exception codes, criteria and authorization periods."),
    ),
)
