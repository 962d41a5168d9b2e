"""Dates and numbers written out the way the pages, the e-mails and the letters show them.

"1er décembre 2026" in French (the first of the month is an ordinal, as the Office québécois de la
langue française writes it), "1 December 2026" in English; times in 24 hours ("14:05") in both.
Numbers group thousands with a narrow no-break space in French and a comma in English: "149 000" and
"149,000", never "149.000".
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from django.utils import formats, translation

from pme.core.timeutils import REGIE_TZ

NARROW_NBSP = "\u202f"
FRENCH_MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "fr")[:2]


def long_date(value: dt.date | dt.datetime | None, language: str | None = None) -> str:
    """`value` as "1er décembre 2026" / "1 December 2026" ("" for None). An instant is read in the
    Régie's time zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(REGIE_TZ).date() if value.tzinfo else value.date()
    code = _language(language)
    day = "1er" if code == "fr" and value.day == 1 else str(value.day)
    return f"{day} {month_name(value.month, code)} {value.year}"


@functools.lru_cache(maxsize=64)
def month_name(month: int, language: str) -> str:
    """ "décembre" / "December": Django's month name (format "F") in `language`, read once per language
    (a queue page writes 25 dates; the catalogues of translations do not change while the process runs)."""
    with translation.override(language):
        return formats.date_format(dt.date(2000, month, 1), "F")


def long_datetime(value: dt.datetime | None, language: str | None = None, *, seconds: bool = False) -> str:
    """ "1er décembre 2026, 14:05" (Montréal time); with `seconds`, "14:05:09" (the audit trail)."""
    if value is None or value == "":
        return ""
    local = value.astimezone(REGIE_TZ) if value.tzinfo else value
    return (
        f"{long_date(local.date(), language)}, {local:%H:%M:%S}"
        if seconds
        else f"{long_date(local.date(), language)}, {local:%H:%M}"
    )


def short_month(value: dt.date, language: str | None = None) -> str:
    """A month label short enough for a chart axis: "déc. 2026" / "Dec. 2026"."""
    if _language(language) == "fr":  # the Office québécois de la langue française's abbreviations
        return f"{FRENCH_MONTHS[value.month - 1]} {value:%Y}"
    with translation.override(_language(language)):
        return formats.date_format(value, "N Y")


def number(
    value: int | float | Decimal | str | None, decimals: int | None = None, language: str | None = None
) -> str:
    """A number in the language's format: "149 000", "1 234,5" / "149,000", "1,234.5". A string that is a
    number (an answer typed in a form: "1.8", "149.000") is written the same way, with its own decimals
    ("1,8", "149"); any other string comes back as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except ArithmeticError:
            return value
        if not parsed.is_finite():
            return value
        normalized = parsed.normalize()
        places = -normalized.as_tuple().exponent  # type: ignore[operator]
        value, decimals = normalized, (max(int(places), 0) if decimals is None else decimals)
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = f"{float(value):,.{decimals}f}"
    if _language(language) == "fr":
        return text.replace(",", NARROW_NBSP).replace(".", ",")
    return text
