"""The printed letters' common layout (reportlab): our own letterhead, the assistance contacts, page
numbers, the place and date line, and the signature block. Decision letters (pme/review/letters.py) and
the accounts' username and temporary-password letters (pme/accounts/letters.py) are written with it.

The look is the service's own (the "PME" mark of the pages), never an official logo or coat of arms.
The assistance numbers are those of the help's contact page (tests/test_letters.py keeps them equal).
Text is set in DejaVu Sans when the system has it (every character of both languages, ≥ and µ
included), in Helvetica otherwise.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from django.utils.translation import gettext as _
from reportlab.lib.colors import Color, white
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pme.core.dates import long_date

# The Centre d'assistance aux professionnels, as on the help's contact page (help/<lang>/contact.html).
ASSISTANCE_PHONES = (("418 643-8210", "Québec"), ("514 873-3480", "Montréal"), ("1 800 463-4776", ""))
ASSISTANCE_EMAIL = "sel.professionnels@ramq.gouv.qc.ca"
PLACE = {"fr": "Québec", "en": "Québec City"}

INK = Color(0.10, 0.16, 0.29)  # the pages' dark blue (static/css/pme.css, --ink)
ACCENT = Color(0.0, 0.36, 0.62)
MARGIN = 2.2 * cm
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _fonts() -> tuple[str, str, str]:
    """(regular, bold, monospace bold) font names, registered once."""
    regular, bold, mono = (
        FONT_DIR / "DejaVuSans.ttf",
        FONT_DIR / "DejaVuSans-Bold.ttf",
        FONT_DIR / "DejaVuSansMono-Bold.ttf",
    )
    if not (regular.exists() and bold.exists() and mono.exists()):
        return "Helvetica", "Helvetica-Bold", "Courier-Bold"
    if "PME-Regular" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("PME-Regular", str(regular)))
        pdfmetrics.registerFont(TTFont("PME-Bold", str(bold)))
        pdfmetrics.registerFont(TTFont("PME-Mono", str(mono)))
    return "PME-Regular", "PME-Bold", "PME-Mono"


def place_and_date(day: dt.date, language: str) -> str:
    """ "Québec, le 1er décembre 2026" / "Québec City, 1 December 2026"."""
    written = long_date(day, language)
    return f"{PLACE['fr']}, le {written}" if language == "fr" else f"{PLACE['en']}, {written}"


class Letter:
    """A letter being written: blocks of text flowing over pages that all carry the letterhead and the
    footer. Call `finish()` for the PDF bytes."""

    def __init__(self, title: str) -> None:
        self.regular, self.bold, self.mono = _fonts()
        self.buffer = io.BytesIO()
        self.pdf = canvas.Canvas(self.buffer, pagesize=LETTER, pageCompression=1)
        self.pdf.setTitle(title)
        self.pdf.setAuthor("PME")
        self.width, self.height = LETTER
        self.text_width = self.width - 2 * MARGIN
        self.page = 0
        self._new_page()

    # --- page furniture ------------------------------------------------------------------------------
    def _new_page(self) -> None:
        if self.page:
            self._footer()
            self.pdf.showPage()
        self.page += 1
        self._letterhead()
        self.y = self.height - 4.0 * cm

    def _letterhead(self) -> None:
        pdf, top = self.pdf, self.height - 1.4 * cm
        pdf.setFillColor(INK)
        pdf.roundRect(MARGIN, top - 1.0 * cm, 1.9 * cm, 1.0 * cm, 0.15 * cm, stroke=0, fill=1)
        pdf.setFillColor(white)
        pdf.setFont(self.bold, 15)
        pdf.drawCentredString(MARGIN + 0.95 * cm, top - 0.68 * cm, "PME")
        pdf.setFillColor(INK)
        pdf.setFont(self.bold, 11.5)
        pdf.drawString(MARGIN + 2.3 * cm, top - 0.38 * cm, "Patient et médicaments d'exception")
        pdf.setFont(self.regular, 9.5)
        pdf.drawString(MARGIN + 2.3 * cm, top - 0.85 * cm, "Exceptional patient and drugs")
        pdf.setFont(self.regular, 8.5)
        right = self.width - MARGIN
        pdf.drawRightString(right, top - 0.38 * cm, "Service en ligne d'autorisation de paiement")
        pdf.drawRightString(right, top - 0.85 * cm, "Online payment authorization service")
        pdf.setStrokeColor(ACCENT)
        pdf.setLineWidth(1.2)
        pdf.line(MARGIN, top - 1.35 * cm, right, top - 1.35 * cm)
        pdf.setFillColor(Color(0, 0, 0))

    def _footer(self) -> None:
        pdf = self.pdf
        pdf.setStrokeColor(ACCENT)
        pdf.setLineWidth(0.6)
        pdf.line(MARGIN, 2.0 * cm, self.width - MARGIN, 2.0 * cm)
        phones = " · ".join(
            f"{number}{f' ({where})' if where else ''}" for number, where in ASSISTANCE_PHONES
        )
        pdf.setFillColor(INK)
        pdf.setFont(self.bold, 8)
        pdf.drawString(
            MARGIN, 1.55 * cm, "Centre d'assistance aux professionnels / Assistance centre for professionals"
        )
        pdf.setFont(self.regular, 8)
        pdf.drawString(MARGIN, 1.15 * cm, f"{phones} · {ASSISTANCE_EMAIL}")
        pdf.drawRightString(self.width - MARGIN, 1.15 * cm, f"{self.page}")
        pdf.setFillColor(Color(0, 0, 0))

    def need(self, space: float) -> None:
        if self.y - space < 2.6 * cm:
            self._new_page()

    # --- content ------------------------------------------------------------------------------------
    def heading(self, text: str) -> None:
        self.need(1.6 * cm)
        self.pdf.setFont(self.bold, 13.5)
        self.pdf.setFillColor(INK)
        for row in simpleSplit(text, self.bold, 13.5, self.text_width):
            self.pdf.drawString(MARGIN, self.y, row)
            self.y -= 0.6 * cm
        self.pdf.setFillColor(Color(0, 0, 0))
        self.y -= 0.3 * cm

    def paragraph(self, text: str, *, size: float = 10.5, bold: bool = False, indent: float = 0) -> None:
        font = self.bold if bold else self.regular
        for row in simpleSplit(text, font, size, self.text_width - indent):
            self.need(0.55 * cm)
            self.pdf.setFont(font, size)
            self.pdf.drawString(MARGIN + indent, self.y, row)
            self.y -= size * 0.047 * cm
        self.y -= 0.18 * cm

    def emphasis(self, text: str) -> None:
        """A value to copy by hand (a username, a temporary password), large and monospaced."""
        self.need(1.2 * cm)
        self.pdf.setFont(self.mono, 16)
        self.pdf.drawString(MARGIN + 1.0 * cm, self.y - 0.1 * cm, text)
        self.y -= 1.0 * cm

    def space(self, amount: float = 0.4 * cm) -> None:
        self.y -= amount

    def signature(self, lines: Sequence[str]) -> None:
        self.need(2.2 * cm)
        self.y -= 0.5 * cm
        self.pdf.setStrokeColor(Color(0.5, 0.5, 0.5))
        self.pdf.setLineWidth(0.5)
        self.pdf.line(MARGIN, self.y + 0.1 * cm, MARGIN + 6.5 * cm, self.y + 0.1 * cm)
        self.y -= 0.4 * cm
        for number, line in enumerate(lines):
            self.paragraph(line, size=10, bold=number == 0)
            self.y += 0.12 * cm

    def separator(self) -> None:
        """Between the two languages of a bilingual letter."""
        self.need(2.0 * cm)
        self.y -= 0.4 * cm
        self.pdf.setStrokeColor(Color(0.75, 0.75, 0.75))
        self.pdf.setDash(3, 3)
        self.pdf.line(MARGIN, self.y, self.width - MARGIN, self.y)
        self.pdf.setDash()
        self.y -= 0.9 * cm

    def finish(self) -> bytes:
        self._footer()
        self.pdf.showPage()
        self.pdf.save()
        return self.buffer.getvalue()


def contact_sentence() -> str:
    """One sentence pointing to the assistance centre, in the active language."""
    return _(
        "Questions about this letter: Centre d'assistance aux professionnels, %(phones)s (press 1 for the "
        "online services)."
    ) % {"phones": ", ".join(number for number, _where in ASSISTANCE_PHONES)}
