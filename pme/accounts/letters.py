"""Printable bilingual letters (PDF): the username for the prescriber, the temporary password for the
person. French first, then English, as the Régie's paper letters were; letterhead, assistance contacts
and signature from pme/core/letters.py."""

from __future__ import annotations

from datetime import datetime

from django.utils import translation
from django.utils.translation import gettext as _

from pme.core.dates import long_date
from pme.core.letters import Letter, contact_sentence, place_and_date
from pme.core.timeutils import REGIE_TZ, local_today

LANGUAGES = ("fr", "en")


def _day(moment: datetime) -> str:
    return long_date(moment.astimezone(REGIE_TZ).date())


def _signature() -> list[str]:
    return [_("Access administration"), _("Online services for professionals"), _("For the Régie")]


def username_letter(*, person_name: str, username: str, prescriber_name: str, issued_at: datetime) -> bytes:
    letter = Letter("PME – nom d'utilisateur / username")
    for position, language in enumerate(LANGUAGES):
        if position:
            letter.separator()
        with translation.override(language):
            letter.heading(_("Username for the PME online service"))
            letter.paragraph(place_and_date(issued_at.astimezone(REGIE_TZ).date(), language))
            letter.paragraph(_("To: %(prescriber)s") % {"prescriber": prescriber_name})
            letter.paragraph(
                _("The Régie approved the access request for %(person)s.") % {"person": person_name}
            )
            letter.paragraph(_("Their username is:"))
            letter.emphasis(username)
            letter.paragraph(
                _("Give this username to the person yourself. Their temporary password is sent")
                + " "
                + _("to them separately; never ask for it and never share it.")
            )
            letter.paragraph(contact_sentence())
            letter.signature(_signature())
    return letter.finish()


def temporary_password_letter(*, person_name: str, password: str, expires_at: datetime) -> bytes:
    letter = Letter("PME – mot de passe temporaire / temporary password")
    for position, language in enumerate(LANGUAGES):
        if position:
            letter.separator()
        with translation.override(language):
            letter.heading(_("Temporary password for the PME online service"))
            letter.paragraph(place_and_date(local_today(), language))
            letter.paragraph(_("To: %(person)s") % {"person": person_name})
            letter.paragraph(_("Your temporary password is:"))
            letter.emphasis(password)
            letter.paragraph(
                _("It works once, until %(date)s, and only lets you choose your own password.")
                % {"date": _day(expires_at)}
            )
            letter.paragraph(_("Your username is given to you by the prescriber who asked for your access."))
            letter.paragraph(
                _("Keep this letter in a safe place, then destroy it. Never share your password.")
            )
            letter.paragraph(contact_sentence())
            letter.signature(_signature())
    return letter.finish()
