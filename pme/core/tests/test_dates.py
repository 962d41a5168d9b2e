"""Dates and numbers as the pages, e-mails and letters write them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pme.core.dates import long_date, long_datetime, number, short_month


@pytest.mark.parametrize(
    ("day", "fr", "en"),
    [
        (dt.date(2026, 12, 1), "1er décembre 2026", "1 December 2026"),
        (dt.date(2027, 1, 2), "2 janvier 2027", "2 January 2027"),
        (dt.date(2026, 7, 31), "31 juillet 2026", "31 July 2026"),
    ],
)
def test_long_dates(day, fr, en):
    assert long_date(day, "fr") == fr
    assert long_date(day, "en") == en


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_day_of_a_year_is_written_as_django_writes_it_with_the_first_as_an_ordinal(language):
    """The month names are read once per language; each day still reads as Django's "j F Y" would."""
    from django.utils import formats, translation

    for offset in range(366):
        day = dt.date(2028, 1, 1) + dt.timedelta(days=offset)
        with translation.override(language):
            expected = formats.date_format(day, "j F Y")
        if language == "fr" and day.day == 1:
            expected = "1er" + expected[1:]
        assert long_date(day, language) == expected
    with translation.override("en"):
        assert long_date(dt.date(2028, 3, 1)) == "1 March 2028"
    with translation.override("fr"):
        assert long_date(dt.date(2028, 3, 1)) == "1er mars 2028"


def test_an_instant_is_dated_in_montreal():
    late_evening = dt.datetime(2026, 12, 2, 3, 30, tzinfo=dt.UTC)  # 22:30 on 1 December in Montréal
    assert long_date(late_evening, "fr") == "1er décembre 2026"
    assert long_datetime(late_evening, "fr") == "1er décembre 2026, 22:30"
    assert long_datetime(late_evening, "en", seconds=True) == "1 December 2026, 22:30:00"


@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [
        (149000, "149\u202f000", "149,000"),
        (Decimal("1234.5"), "1\u202f234,5", "1,234.5"),
        (7, "7", "7"),
        ("149.000", "149", "149"),  # an answer as stored; "149.000" on a French page reads 149 thousand
        ("1.8", "1,8", "1.8"),
        ("Oui", "Oui", "Oui"),
    ],
)
def test_numbers_in_the_language_format(value, fr, en):
    assert number(value, language="fr") == fr
    assert number(value, language="en") == en


def test_month_labels_are_short():
    assert short_month(dt.date(2026, 2, 1), "fr") == "févr. 2026"
    assert short_month(dt.date(2026, 9, 1), "en") == "Sept. 2026"
    assert (
        max(len(short_month(dt.date(2026, m, 1), lang)) for m in range(1, 13) for lang in ("fr", "en")) <= 10
    )
