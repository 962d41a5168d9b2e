"""Authorization periods: the one computation of a period's last day, for the instant decision, the
reviewer's form and the requested period."""

from __future__ import annotations

import datetime as dt

from pme.core.timeutils import add_months


def period_end(start: dt.date, amount: int, unit: str) -> dt.date:
    """Last day of a period of `amount` units ("days", "weeks", "months") starting on `start`, inclusive."""
    if unit == "months":
        end = add_months(start, amount)
    else:
        end = start + dt.timedelta(days=amount * (7 if unit == "weeks" else 1))
    return end - dt.timedelta(days=1)


def requested_end(auth_request: object) -> dt.date | None:
    """The last day of the period the prescriber asked for, when they gave a start and a duration."""
    start = getattr(auth_request, "requested_start", None)
    amount = getattr(auth_request, "requested_duration", None)
    if start is None or not amount:
        return None
    return period_end(start, amount, getattr(auth_request, "requested_duration_unit", "months"))
