"""The health insurance number (NAM): parsing, validation, masking.

Format `AAAA YYMMDD NN`: 3 letters of the surname, 1 of the first name, birth year (2 digits), birth month
(+50 for women), birth day, 2 administrative digits. The Régie publishes no check digit; the community
checksum is offered only as a warning (`checksum_warning`), never to reject.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass

_COMPACT = re.compile(r"^[A-Z]{4}[0-9]{8}$")
_SEPARATORS = re.compile(r"[\s\-]+")


class InvalidNAM(ValueError):
    """Raised with a `code` that forms translate: format, month or day."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class NAM:
    value: str  # always the 12-character compact form, upper case

    @classmethod
    def parse(cls, raw: str) -> NAM:
        compact = _SEPARATORS.sub("", raw or "").upper()
        if not _COMPACT.match(compact):
            raise InvalidNAM("format")
        month = int(compact[6:8])
        real_month = month - 50 if month > 50 else month
        if not 1 <= real_month <= 12:
            raise InvalidNAM("month")
        day = int(compact[8:10])
        # The century is unknown, so 29 February is allowed when it exists in either candidate year.
        yy = int(compact[4:6])
        max_day = max(calendar.monthrange(century + yy, real_month)[1] for century in (1900, 2000))
        if not 1 <= day <= max_day:
            raise InvalidNAM("day")
        return cls(compact)

    @property
    def birth_month(self) -> int:
        month = int(self.value[6:8])
        return month - 50 if month > 50 else month

    @property
    def birth_day(self) -> int:
        return int(self.value[8:10])

    @property
    def birth_year_2(self) -> int:
        return int(self.value[4:6])

    @property
    def female_month_marker(self) -> bool:
        return int(self.value[6:8]) > 50

    def formatted(self) -> str:
        """`TREM 8503 1512`, the way it is printed on the card."""
        return f"{self.value[:4]} {self.value[4:8]} {self.value[8:]}"

    def masked(self) -> str:
        """Display form for logs and audit pages: `TREM ···· ··12`."""
        return f"{self.value[:4]} ···· ··{self.value[10:]}"

    def matches_birth_date(self, year: int, month: int, day: int) -> bool:
        return self.birth_year_2 == year % 100 and self.birth_month == month and self.birth_day == day

    def __str__(self) -> str:
        return self.formatted()


def name_letters(surname: str, first_name: str) -> str:
    """The NAM's first four characters: the first three letters of the surname (X for each one missing),
    then the first letter of the first name, without accents ("Bélanger", "Émile" → "BELE")."""

    def letters(text: str) -> str:
        plain = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
        return "".join(c for c in plain.upper() if c.isalpha())

    return letters(surname)[:3].ljust(3, "X") + letters(first_name)[:1]


_WEIGHTS = (7, 1, 1, 3, 9, 7, 3, 9, 5, 3, 1, 3, 5, 7, 6, 9, 1)


def _letter_value(letter: str) -> int:
    value = ord(letter) - ord("A") + 1
    return value + 1 if letter > "R" else value


def checksum_warning(nam: NAM, birth_year: int) -> bool:
    """True when the community-known checksum does not match: a hint of a typo, never a rejection."""
    month = int(nam.value[6:8])
    adjusted_month = month - 50 if month > 50 else month
    # Each letter counts as two digits (A=01 ... with +1 after R), then year, MMDD and the 11th character.
    letters = "".join(f"{_letter_value(c):02d}" for c in nam.value[:4])
    values = [
        int(c) for c in f"{letters}{birth_year:04d}{adjusted_month:02d}{nam.value[8:10]}{nam.value[10]}"
    ]
    total = sum(w * v for w, v in zip(_WEIGHTS, values, strict=True))
    if month > 50:
        total += 4
    return total % 10 != int(nam.value[11])
