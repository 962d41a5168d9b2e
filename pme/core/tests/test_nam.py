"""NAM validation: every real date is accepted (29 February, women's months), everything else refused."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pme.core.nam import NAM, InvalidNAM, checksum_warning, name_letters

letters = st.text(alphabet=string.ascii_uppercase, min_size=4, max_size=4)
admin_digits = st.integers(min_value=0, max_value=99)


def build(prefix: str, year: int, month: int, day: int, tail: int) -> str:
    return f"{prefix}{year % 100:02d}{month:02d}{day:02d}{tail:02d}"


@given(
    letters,
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.booleans(),
    admin_digits,
)
def test_every_real_birth_date_is_accepted(prefix, birth, female, tail):
    month = birth.month + (50 if female else 0)
    nam = NAM.parse(build(prefix, birth.year, month, birth.day, tail))
    assert nam.birth_month == birth.month
    assert nam.birth_day == birth.day
    assert nam.female_month_marker is female
    assert nam.matches_birth_date(birth.year, birth.month, birth.day)


@given(
    letters,
    st.integers(0, 99),
    st.integers(0, 99).filter(lambda m: not (1 <= m <= 12 or 51 <= m <= 62)),
    st.integers(1, 28),
    admin_digits,
)
def test_impossible_months_are_refused(prefix, yy, month, day, tail):
    with pytest.raises(InvalidNAM) as info:
        NAM.parse(f"{prefix}{yy:02d}{month:02d}{day:02d}{tail:02d}")
    assert info.value.code == "month"


@given(
    letters,
    st.integers(0, 99),
    st.sampled_from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
    st.booleans(),
    st.integers(0, 99),
    admin_digits,
)
def test_days_that_do_not_exist_are_refused(prefix, yy, month, female, day, tail):
    longest = max(
        (dt.date(c + yy + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day for c in (1900, 2000)
    )
    code = f"{prefix}{yy:02d}{month + (50 if female else 0):02d}{day:02d}{tail:02d}"
    if 1 <= day <= longest:
        assert NAM.parse(code)
    else:
        with pytest.raises(InvalidNAM):
            NAM.parse(code)


@pytest.mark.parametrize("raw", ["TREM 8503 1512", "trem85031512", " Trem-8503-1512 ", "TREM\t850315 12"])
def test_spaces_dashes_and_case_are_accepted(raw):
    assert NAM.parse(raw).value == "TREM85031512"


@pytest.mark.parametrize(
    "raw", ["", "TRE85031512", "TREM8503151", "TREM850315123", "T1EM85031512", "ÉREM85031512"]
)
def test_bad_format_is_refused(raw):
    with pytest.raises(InvalidNAM) as info:
        NAM.parse(raw)
    assert info.value.code == "format"


def test_29_february_exists_only_in_leap_years_of_either_century():
    assert NAM.parse("TREM00022912")  # 2000 (and 1900 is not leap, but 2000 is)
    assert NAM.parse("TREM04522912")  # 2004, a woman
    with pytest.raises(InvalidNAM):
        NAM.parse("TREM01022912")  # neither 1901 nor 2001


def test_masked_and_formatted_forms():
    nam = NAM.parse("TREM85031512")
    assert nam.formatted() == "TREM 8503 1512"
    assert nam.masked() == "TREM ···· ··12"


@pytest.mark.parametrize(("prefix", "year"), [("TREM8503151", 1985), ("GAGL9052010", 1990)])
def test_the_checksum_accepts_exactly_one_last_digit(prefix, year):
    """A mod-10 check: of the ten possible last digits, exactly one gives no warning, and every NAM still
    parses (the checksum only ever warns, it never rejects)."""
    warnings = [checksum_warning(NAM.parse(f"{prefix}{digit}"), year) for digit in range(10)]
    assert warnings.count(False) == 1


@pytest.mark.parametrize(
    ("surname", "first_name", "letters"),
    [
        ("Tremblay", "Julie", "TREJ"),
        ("Bélanger", "Émile", "BELE"),
        ("Ng", "Anne", "NGXA"),
        ("D'Arcy", "Luc", "DARL"),
    ],
)
def test_the_letters_of_a_nam_come_from_the_names_without_accents(surname, first_name, letters):
    assert name_letters(surname, first_name) == letters
