"""The decision clock: how long a request has waited for the Régie, and how long is left to its target.

The clock starts when the request is sent (or, for a review of a refusal, when the review is asked) and
pauses while the request is *À préciser* (the Régie waits for the prescriber, not the other way round).
Targets come from settings (72 h urgent, 7 days standard by default).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from django.conf import settings

from pme.authorizations.lifecycle import Action, Status
from pme.authorizations.models import AuthorizationRequest, Urgency


class ClockEntry(Protocol):
    """What the clock reads of a timeline entry (a TimelineEntry, or a `Moment` of a page's rows)."""

    @property
    def pk(self) -> int | None: ...
    @property
    def at(self) -> dt.datetime: ...
    @property
    def action(self) -> str: ...
    @property
    def from_status(self) -> str: ...
    @property
    def to_status(self) -> str: ...


class Moment(NamedTuple):
    """A timeline entry as the clock reads it, without a model instance (a queue page reads ~100)."""

    pk: int
    at: dt.datetime
    action: str
    from_status: str
    to_status: str


MOMENT_FIELDS = ("pk", "at", "action", "from_status", "to_status")


def target_for(urgency: str) -> dt.timedelta:
    hours = (
        settings.PME_REVIEW_TARGET_URGENT_HOURS
        if urgency == Urgency.URGENT
        else settings.PME_REVIEW_TARGET_STANDARD_HOURS
    )
    return dt.timedelta(hours=hours)


@dataclass(frozen=True)
class ClockReading:
    started_at: dt.datetime
    elapsed: dt.timedelta  # time waiting for the Régie, pauses excluded
    target: dt.timedelta
    paused: bool  # waiting for the prescriber now

    @property
    def left(self) -> dt.timedelta:
        return self.target - self.elapsed

    @property
    def late(self) -> bool:
        return self.left < dt.timedelta(0)

    @property
    def hours_left(self) -> int:
        """Whole hours left before the target (0 when late)."""
        return max(int(self.left.total_seconds() // 3600), 0)

    @property
    def hours_late(self) -> int:
        """Hours past the target, counting a started hour (0 when on time)."""
        return max(math.ceil(-self.left.total_seconds() / 3600), 0)


def clock_start(auth_request: AuthorizationRequest, entries: Iterable[ClockEntry]) -> dt.datetime:
    start = auth_request.submitted_at
    for entry in entries:
        if entry.action == Action.ASK_REVIEW and (start is None or entry.at > start):
            start = entry.at
    assert start is not None, "the clock of a draft is never read"
    return start


def read_clock(
    auth_request: AuthorizationRequest, entries: Iterable[ClockEntry], *, at: dt.datetime
) -> ClockReading:
    """The clock of `auth_request` at the instant `at`, from its timeline entries (any order)."""
    ordered = sorted(entries, key=lambda e: (e.at, e.pk or 0))
    start = clock_start(auth_request, ordered)
    paused_total = dt.timedelta(0)
    pause_began: dt.datetime | None = None
    for entry in ordered:
        if entry.at < start or entry.at > at:
            continue
        if entry.to_status == Status.INFORMATION_REQUESTED and pause_began is None:
            pause_began = entry.at
        elif entry.from_status == Status.INFORMATION_REQUESTED and pause_began is not None:
            paused_total += entry.at - pause_began
            pause_began = None
    paused_now = pause_began is not None
    if pause_began is not None:
        paused_total += at - pause_began
    elapsed = max(at - start - paused_total, dt.timedelta(0))
    return ClockReading(
        started_at=start, elapsed=elapsed, target=target_for(auth_request.urgency), paused=paused_now
    )
