"""Reads of the audit trail for the privacy officer's pages: searches, reports and signals."""

from __future__ import annotations

import datetime as dt
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet
from django.utils.translation import pgettext_lazy

from pme.audit.models import AuditEvent, ConfidentialityIncident
from pme.core.timeutils import REGIE_TZ, start_of_local_day


@dataclass(frozen=True)
class EventCriteria:
    """A search of the trail. The insured person is only ever a keyed hash (and its masked form)."""

    username: str = ""
    nam_hash: str = ""
    nam_masked: str = ""
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def to_session(self) -> dict[str, str]:
        return {
            "username": self.username,
            "nam_hash": self.nam_hash,
            "nam_masked": self.nam_masked,
            "action": self.action,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }

    @classmethod
    def from_session(cls, data: dict[str, str]) -> EventCriteria:
        def day(value: str) -> dt.date | None:
            return dt.date.fromisoformat(value) if value else None

        return cls(
            username=data.get("username", ""),
            nam_hash=data.get("nam_hash", ""),
            nam_masked=data.get("nam_masked", ""),
            action=data.get("action", ""),
            date_from=day(data.get("date_from", "")),
            date_to=day(data.get("date_to", "")),
        )

    def summary(self) -> dict[str, Any]:
        """What the search was, for the event's details: no NAM, not even its hash."""
        return {
            "username": self.username,
            "insured_person": bool(self.nam_hash),
            "action": self.action,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
        }


def search_events(criteria: EventCriteria) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor", "on_behalf_of").order_by("-seq")
    if criteria.username:
        events = events.filter(actor_username__iexact=criteria.username)
    if criteria.nam_hash:
        events = events.filter(nam_hash=criteria.nam_hash)
    if criteria.action:
        events = events.filter(action=criteria.action)
    if criteria.date_from:
        events = events.filter(created_at__gte=start_of_local_day(criteria.date_from))
    if criteria.date_to:
        events = events.filter(created_at__lt=start_of_local_day(criteria.date_to + dt.timedelta(days=1)))
    return events


def recorded_actions() -> list[str]:
    """Action codes present in the trail (a small set: the index on `action` answers this)."""
    return sorted(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())


# The trail names roles in an inclusive form (it reads the same for every person in the role), keyed by
# the role codes of accounts.Role (the audit app sits below accounts; test_audit_roles keeps them equal).
INCLUSIVE_ROLES = {
    "prescriber": pgettext_lazy("role in the trail", "Prescriber"),
    "collaborator": pgettext_lazy("role in the trail", "Administrative assistant"),
    "pharmacist": pgettext_lazy("role in the trail", "Pharmacist"),
    "reviewer": pgettext_lazy("role in the trail", "Régie reviewer"),
    "access_admin": pgettext_lazy("role in the trail", "Access administrator"),
    "privacy_officer": pgettext_lazy("role in the trail", "Privacy officer"),
}


def role_labels() -> dict[str, str]:
    """Role code -> its name in the trail, in the active language (inclusive in French)."""
    field = get_user_model()._meta.get_field("role")
    names = {str(code): str(label) for code, label in field.flatchoices}
    return {code: str(INCLUSIVE_ROLES.get(code, name)) for code, name in names.items()}


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    return start_of_local_day(dt.date(year, 1, 1)), start_of_local_day(dt.date(year + 1, 1, 1))


def yearly_counts(year: int) -> list[dict[str, Any]]:
    """Events of a calendar year (Montréal time) counted by action, role and outcome."""
    start, end = year_bounds(year)
    return list(
        AuditEvent.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values("action", "actor_role", "outcome")
        .annotate(count=Count("seq"))
        .order_by("action", "actor_role", "outcome")
    )


def distinct_persons(year: int) -> int:
    start, end = year_bounds(year)
    return (
        AuditEvent.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(nam_hash="")
        .order_by()
        .values("nam_hash")
        .distinct()
        .count()
    )


@dataclass
class BurstSignal:
    """One user looked up at least the threshold of distinct insured persons within the window."""

    username: str
    role: str
    start: dt.datetime
    end: dt.datetime
    persons: int


@dataclass
class OffHoursSignal:
    """Look-ups of insured persons by one user outside working hours (evenings, nights, weekends)."""

    username: str
    role: str
    count: int
    first: dt.datetime
    last: dt.datetime


def is_off_hours(moment: dt.datetime) -> bool:
    local = moment.astimezone(REGIE_TZ)
    start, end = settings.AUDIT_WORKDAY_START_HOUR, settings.AUDIT_WORKDAY_END_HOUR
    return local.weekday() >= 5 or not start <= local.hour < end


def unusual_access(date_from: dt.date, date_to: dt.date) -> tuple[list[BurstSignal], list[OffHoursSignal]]:
    """Signals over the look-ups (events naming an insured person) made by users between two days.

    One pass over the events in (user, time) order with a sliding window per user; memory stays bounded
    by the window, whatever the period.
    """
    threshold = settings.AUDIT_SIGNAL_DISTINCT_PERSONS
    window = dt.timedelta(minutes=settings.AUDIT_SIGNAL_WINDOW_MINUTES)
    rows = (
        AuditEvent.objects.filter(
            created_at__gte=start_of_local_day(date_from),
            created_at__lt=start_of_local_day(date_to + dt.timedelta(days=1)),
            actor__isnull=False,
        )
        .exclude(nam_hash="")
        .order_by("actor_id", "created_at", "seq")
        .values_list("actor_id", "actor_username", "actor_role", "created_at", "nam_hash")
    )
    bursts: list[BurstSignal] = []
    off_hours: dict[int, OffHoursSignal] = {}
    current_actor: int | None = None
    recent: deque[tuple[dt.datetime, str]] = deque()
    persons: Counter[str] = Counter()
    open_burst: BurstSignal | None = None
    for actor_id, username, role, moment, hashed in rows.iterator(chunk_size=5000):
        if actor_id != current_actor:
            current_actor, open_burst = actor_id, None
            recent.clear()
            persons.clear()
        recent.append((moment, hashed))
        persons[hashed] += 1
        while moment - recent[0][0] > window:
            _old, old_hash = recent.popleft()
            persons[old_hash] -= 1
            if not persons[old_hash]:
                del persons[old_hash]
        if len(persons) >= threshold:
            window_start = recent[0][0]
            if open_burst is not None and window_start <= open_burst.end:
                open_burst.end = moment
                open_burst.persons = max(open_burst.persons, len(persons))
            else:
                open_burst = BurstSignal(username, role, window_start, moment, len(persons))
                bursts.append(open_burst)
        if is_off_hours(moment):
            signal = off_hours.get(actor_id)
            if signal is None:
                off_hours[actor_id] = OffHoursSignal(username, role, 1, moment, moment)
            else:
                signal.count += 1
                signal.last = moment
    bursts.sort(key=lambda b: b.start, reverse=True)
    return bursts, sorted(off_hours.values(), key=lambda s: (-s.count, s.username))


@dataclass
class DenialSignal:
    """One user was refused at least the threshold of reads (unknown or not theirs) within the window:
    someone may be probing ids."""

    username: str
    role: str
    start: dt.datetime
    end: dt.datetime
    denials: int
    channels: list[str]


def unusual_denials(date_from: dt.date, date_to: dt.date) -> list[DenialSignal]:
    """Bursts of `access.denied` events by one user: at least AUDIT_SIGNAL_DENIALS within
    AUDIT_SIGNAL_WINDOW_MINUTES. One pass in (user, time) order, as for the look-ups."""
    threshold = settings.AUDIT_SIGNAL_DENIALS
    window = dt.timedelta(minutes=settings.AUDIT_SIGNAL_WINDOW_MINUTES)
    rows = (
        AuditEvent.objects.filter(
            action="access.denied",
            created_at__gte=start_of_local_day(date_from),
            created_at__lt=start_of_local_day(date_to + dt.timedelta(days=1)),
            actor__isnull=False,
        )
        .order_by("actor_id", "created_at", "seq")
        .values_list("actor_id", "actor_username", "actor_role", "created_at", "details")
    )
    signals: list[DenialSignal] = []
    current_actor: int | None = None
    recent: deque[dt.datetime] = deque()
    open_signal: DenialSignal | None = None
    for actor_id, username, role, moment, details in rows.iterator(chunk_size=5000):
        if actor_id != current_actor:
            current_actor, open_signal = actor_id, None
            recent.clear()
        recent.append(moment)
        while moment - recent[0] > window:
            recent.popleft()
        channel = str((details or {}).get("channel", ""))
        if open_signal is not None and recent[0] <= open_signal.end:
            open_signal.end = moment
            open_signal.denials += 1
            if channel and channel not in open_signal.channels:
                open_signal.channels.append(channel)
        elif len(recent) >= threshold:
            open_signal = DenialSignal(
                username, role, recent[0], moment, len(recent), [channel] if channel else []
            )
            signals.append(open_signal)
    signals.sort(key=lambda s: s.start, reverse=True)
    return signals


def incidents() -> QuerySet[ConfidentialityIncident]:
    return ConfidentialityIncident.objects.select_related("updated_by").order_by("-discovered_on", "-id")
