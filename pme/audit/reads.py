"""The privacy officer's doors: every read of the trail and of the incident register, each recorded in
the trail itself (the officer's reads are accesses to personal information too), refusals included.

The pages are the privacy officer's only: anyone else is refused with 403 (and the refusal recorded);
an unknown incident is the recorded 404. Each door runs in one transaction with its event, so a trail
that cannot be written gives nothing (fail closed: `AuditUnavailable`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.utils.translation import gettext as _

from pme.audit.actions import describe_action
from pme.audit.codes import AuditCode
from pme.audit.denials import Unseen, door
from pme.audit.models import AuditEvent, ConfidentialityIncident, IncidentVersion, Outcome
from pme.audit.selectors import (
    BurstSignal,
    DenialSignal,
    EventCriteria,
    OffHoursSignal,
    distinct_persons,
    incidents,
    role_labels,
    search_events,
    unusual_access,
    unusual_denials,
    yearly_counts,
)
from pme.audit.services import HashedNAM, record
from pme.core.timeutils import REGIE_TZ

# The value of accounts.Role.PRIVACY_OFFICER. The audit app sits below accounts in the layers, so it
# names the role by its stored value; tests/test_audit_roles.py keeps the two equal.
PRIVACY_OFFICER = "privacy_officer"
PER_PAGE = 50


def is_privacy_officer(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) == PRIVACY_OFFICER


def require_privacy_officer(user: Any, *, page: str, method: str = "GET") -> None:
    """Anyone else is refused with 403, and the refusal is recorded."""
    if is_privacy_officer(user):
        return
    with transaction.atomic():
        record(
            AuditCode.AUDIT_PAGE_DENIED,
            actor=user,
            outcome=Outcome.DENIED,
            details={"page": page, "method": method},
        )
    raise PermissionDenied


def _insured(criteria: EventCriteria) -> HashedNAM | None:
    return HashedNAM(criteria.nam_hash, criteria.nam_masked) if criteria.nam_hash else None


def _page(criteria: EventCriteria, number: int | str) -> Page:
    found = Paginator(search_events(criteria).select_related("on_behalf_of"), PER_PAGE).get_page(number)
    found.object_list = list(found.object_list)
    return found


@door
def search_trail(*, actor: Any, criteria: EventCriteria, page: int | str = 1) -> Page:
    require_privacy_officer(actor, page="audit:events")
    with transaction.atomic():
        found = _page(criteria, page)
        record(
            AuditCode.AUDIT_EVENTS_SEARCHED,
            actor=actor,
            nam=_insured(criteria),
            result_count=found.paginator.count,
            details={"criteria": criteria.summary(), "page": found.number},
        )
        return found


@door
def person_report(*, actor: Any, criteria: EventCriteria, page: int | str = 1) -> Page:
    """Who accessed this person's information: what, who, in which role, on whose behalf, when."""
    require_privacy_officer(actor, page="audit:person_report")
    with transaction.atomic():
        found = _page(criteria, page)
        record(
            AuditCode.PERSON_REPORT_VIEWED,
            actor=actor,
            nam=_insured(criteria),
            result_count=found.paginator.count,
            details={"criteria": criteria.summary(), "page": found.number},
        )
        return found


EVENT_HEADER = (
    "Number",
    "Date and time",
    "Action code",
    "Action",
    "Username",
    "Role",
    "On behalf of",
    "Outcome",
    "Object",
    "Insured person",
    "Results",
    "Client address",
)


def event_header() -> list[str]:
    return [
        _("Number"),
        _("Date and time"),
        _("Action code"),
        _("Action"),
        _("Username"),
        _("Role"),
        _("On behalf of"),
        _("Outcome"),
        _("Object"),
        _("Insured person"),
        _("Results"),
        _("Client address"),
    ]


def _event_rows(criteria: EventCriteria, through_seq: int) -> Iterator[list[object]]:
    roles = role_labels()
    outcomes = dict(Outcome.choices)
    events = search_events(criteria).filter(seq__lt=through_seq).select_related("on_behalf_of")
    for event in events.iterator(chunk_size=2000):
        yield [
            event.seq,
            event.created_at.astimezone(REGIE_TZ).isoformat(timespec="seconds"),
            event.action,
            describe_action(event.action),
            event.actor_username,
            roles.get(event.actor_role, event.actor_role),
            event.on_behalf_of.get_username() if event.on_behalf_of else "",
            outcomes.get(event.outcome, event.outcome),
            f"{event.object_type} {event.object_id}".strip(),
            event.nam_masked,
            "" if event.result_count is None else event.result_count,
            event.client_ip or "",
        ]


@door
def export_events(*, actor: Any, criteria: EventCriteria, person: bool = False) -> Iterator[list[object]]:
    """The events of a search (or of a person's report) as CSV rows, up to the export's own event."""
    require_privacy_officer(actor, page="audit:person_report_csv" if person else "audit:events_csv")
    code = AuditCode.PERSON_REPORT_EXPORTED if person else AuditCode.AUDIT_EVENTS_EXPORTED
    with transaction.atomic():
        event = record(
            code,
            actor=actor,
            nam=_insured(criteria),
            result_count=search_events(criteria).count(),
            details={"criteria": criteria.summary()},
        )
    return _event_rows(criteria, event.seq)


@dataclass(frozen=True)
class YearlyReport:
    year: int
    rows: list[dict[str, Any]]
    persons: int

    @property
    def total(self) -> int:
        return sum(row["count"] for row in self.rows)


def _year_rows(year: int) -> list[dict[str, Any]]:
    roles = role_labels()
    outcomes = dict(Outcome.choices)
    return [
        {
            "action": row["action"],
            "sentence": describe_action(row["action"]),
            "role": roles.get(row["actor_role"], row["actor_role"]) or _("System"),
            "outcome": outcomes.get(row["outcome"], row["outcome"]),
            "count": row["count"],
        }
        for row in yearly_counts(year)
    ]


@door
def yearly_report(*, actor: Any, year: int, export: bool = False) -> YearlyReport:
    """The yearly report of accesses (health-information act, s. 103): counts by action and role."""
    require_privacy_officer(actor, page="audit:yearly_report_csv" if export else "audit:yearly_report")
    with transaction.atomic():
        report = YearlyReport(year, _year_rows(year), 0 if export else distinct_persons(year))
        record(
            AuditCode.YEARLY_REPORT_EXPORTED if export else AuditCode.YEARLY_REPORT_VIEWED,
            actor=actor,
            result_count=report.total,
            details={"year": year},
        )
        return report


@dataclass(frozen=True)
class Signals:
    bursts: list[BurstSignal]
    off_hours: list[OffHoursSignal]
    denials: list[DenialSignal]

    @property
    def count(self) -> int:
        return len(self.bursts) + len(self.off_hours) + len(self.denials)


@door
def view_signals(*, actor: Any, start: dt.date, end: dt.date) -> Signals:
    """Unusual accesses in the period: many persons in a short time, off hours, many refusals."""
    require_privacy_officer(actor, page="audit:signals")
    with transaction.atomic():
        bursts, off_hours = unusual_access(start, end)
        denials = unusual_denials(start, end)
        record(
            AuditCode.SIGNALS_VIEWED,
            actor=actor,
            result_count=len(bursts) + len(off_hours) + len(denials),
            details={"from": start.isoformat(), "to": end.isoformat()},
        )
        roles = role_labels()
        for signals in (bursts, off_hours, denials):
            for signal in signals:
                signal.role = roles.get(signal.role, signal.role)
        return Signals(bursts, off_hours, denials)


def signal_settings() -> dict[str, Any]:
    return {
        "threshold": settings.AUDIT_SIGNAL_DISTINCT_PERSONS,
        "window": settings.AUDIT_SIGNAL_WINDOW_MINUTES,
        "denials": settings.AUDIT_SIGNAL_DENIALS,
        "work_start": settings.AUDIT_WORKDAY_START_HOUR,
        "work_end": settings.AUDIT_WORKDAY_END_HOUR,
    }


# ---- The confidentiality-incident register --------------------------------------------------------------


@door
def list_incidents(*, actor: Any, page: int | str = 1) -> Page:
    require_privacy_officer(actor, page="audit:incidents")
    with transaction.atomic():
        found = Paginator(incidents(), PER_PAGE).get_page(page)
        found.object_list = list(found.object_list)
        record(AuditCode.INCIDENTS_LISTED, actor=actor, result_count=found.paginator.count)
        return found


@dataclass(frozen=True)
class IncidentFile:
    incident: ConfidentialityIncident
    versions: list[IncidentVersion]


@door
def open_incident(*, actor: Any, incident_id: int, purpose: str = "view") -> IncidentFile:
    """One incident and its versions (purpose: view, or edit for the form). Anyone but the privacy
    officer, and unknown ids, get the recorded 404."""
    with transaction.atomic():
        found = None
        if is_privacy_officer(actor):
            found = (
                ConfidentialityIncident.objects.select_related("created_by", "updated_by")
                .filter(pk=incident_id)
                .first()
            )
        if found is None:
            exists = ConfidentialityIncident.objects.filter(pk=incident_id).exists()
            raise Unseen(
                actor=actor, object_type="audit.confidentialityincident", object_id=incident_id, exists=exists
            )
        versions = list(found.versions.select_related("recorded_by").order_by("-version"))
        details = {"for": "edit"} if purpose == "edit" else None
        record(AuditCode.INCIDENT_VIEWED, actor=actor, target=found, details=details)
        return IncidentFile(found, versions)


def recorded_actions() -> list[str]:
    """Action codes present in the trail, for the search form (codes, no personal information)."""
    return sorted(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())
