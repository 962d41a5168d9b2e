"""Dates in the Régie's time zone (America/Montreal), whatever the server's."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

REGIE_TZ = ZoneInfo("America/Montreal")


def now() -> dt.datetime:
    return timezone.now()


def local_today() -> dt.date:
    return timezone.now().astimezone(REGIE_TZ).date()


def start_of_local_day(day: dt.date) -> dt.datetime:
    """The aware instant at which `day` begins in Montréal (DST-safe)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=REGIE_TZ)


def window_start(days: int) -> dt.datetime:
    """Start of a window of `days` whole local days ending today (today counts as day 0, so day `days` is
    included): `window_start(90)` is midnight, Montréal time, 90 calendar days ago."""
    return start_of_local_day(local_today() - dt.timedelta(days=days))


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, clamped to the month's end (31 January + 1 month = 28/29 February)."""
    import calendar

    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))
