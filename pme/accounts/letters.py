"""Printable bilingual letters (PDF): the username for the prescriber, the temporary password for the
person. French first, then English, on one page, as the Régie's paper letters were."""

from __future__ import annotations

import io
from datetime import datetime

from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

from pme.core.timeutils import REGIE_TZ

LANGUAGES = ("fr", "en")


def _date(moment: datetime) -> str:
    return formats.date_format(moment.astimezone(REGIE_TZ).date(), "DATE_FORMAT")


def _pdf(title: str, blocks: list[tuple[str, list[str]]]) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LETTER, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor("PME")
    _width, height = LETTER
    y = height - 2.5 * cm
    for heading, lines in blocks:
        pdf.setFont("Helvetica-Bold", 14)
        pdf.drawString(2.5 * cm, y, heading)
        y -= 0.9 * cm
        for line in lines:
            if line.startswith("**"):
                pdf.setFont("Courier-Bold", 16)
                pdf.drawString(3.5 * cm, y, line[2:])
                y -= 0.9 * cm
            else:
                pdf.setFont("Helvetica", 11)
                pdf.drawString(2.5 * cm, y, line)
                y -= 0.6 * cm
        y -= 1.0 * cm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def username_letter(*, person_name: str, username: str, prescriber_name: str, issued_at: datetime) -> bytes:
    blocks = []
    for language in LANGUAGES:
        with translation.override(language):
            blocks.append(
                (
                    _("Username for the PME online service"),
                    [
                        _("Date: %(date)s") % {"date": _date(issued_at)},
                        _("To: %(prescriber)s") % {"prescriber": prescriber_name},
                        _("The Régie approved the access request for %(person)s.") % {"person": person_name},
                        _("Their username is:"),
                        f"**{username}",
                        _("Give this username to the person yourself. Their temporary password is sent"),
                        _("to them separately; never ask for it and never share it."),
                    ],
                )
            )
    return _pdf("PME – username / nom d'utilisateur", blocks)


def temporary_password_letter(*, person_name: str, password: str, expires_at: datetime) -> bytes:
    blocks = []
    for language in LANGUAGES:
        with translation.override(language):
            blocks.append(
                (
                    _("Temporary password for the PME online service"),
                    [
                        _("To: %(person)s") % {"person": person_name},
                        _("Your temporary password is:"),
                        f"**{password}",
                        _("It works once, until %(date)s, and only lets you choose your own password.")
                        % {"date": _date(expires_at)},
                        _("Your username is given to you by the prescriber who asked for your access."),
                        _("Keep this letter in a safe place, then destroy it. Never share your password."),
                    ],
                )
            )
    return _pdf("PME – mot de passe temporaire / temporary password", blocks)
