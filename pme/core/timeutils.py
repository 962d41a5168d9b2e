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
