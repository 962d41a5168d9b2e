"""The privacy officer's pages over the trail: search, who accessed a person, yearly report, signals.

Every page that shows events records its own event first (fail closed through `audited_read`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from pme.audit.access import audited_read, privacy_officer_required
from pme.audit.actions import describe_action
from pme.audit.codes import AuditCode
from pme.audit.forms import EventSearchForm, PersonReportForm, SignalsForm, YearForm
from pme.audit.models import AuditEvent, Outcome
from pme.audit.selectors import (
    EventCriteria,
    distinct_persons,
    recorded_actions,
    role_labels,
    search_events,
    unusual_access,
    yearly_counts,
)
from pme.audit.services import HashedNAM, nam_hash, record
from pme.audit.views.common import csv_response, paginate, recall, remember
from pme.core.timeutils import REGIE_TZ


def _insured(criteria: EventCriteria) -> HashedNAM | None:
    return HashedNAM(criteria.nam_hash, criteria.nam_masked) if criteria.nam_hash else None


def _criteria(form: EventSearchForm | PersonReportForm) -> EventCriteria:
    data = form.cleaned_data
    nam = data.get("nam")
    return EventCriteria(
        username=(data.get("username") or "").strip(),
        nam_hash=nam_hash(nam) if nam else "",
        nam_masked=nam.masked() if nam else "",
        action=data.get("action") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@privacy_officer_required
@audited_read
def events(request: HttpRequest) -> HttpResponseBase:
    if request.method == "POST":
        form = EventSearchForm(request.POST, actions=recorded_actions())
        if not form.is_valid():
            return render(request, "audit/events.html", {"form": form}, status=400)
        token = remember(request, "events", _criteria(form))
        return redirect(f"{reverse('audit:events')}?q={token}")
    token, saved = recall(request, "events")
    if token and saved is None:
        messages.warning(request, _("This search has expired. Search again."))
    criteria = saved or EventCriteria()
    page = paginate(request, search_events(criteria))
    record(
        AuditCode.AUDIT_EVENTS_SEARCHED,
        actor=request.user,
        nam=_insured(criteria),
        result_count=page.paginator.count,
        request=request,
        details={"criteria": criteria.summary(), "page": page.number},
    )
    form = EventSearchForm(
        initial={
            "username": criteria.username,
            "action": criteria.action,
            "date_from": criteria.date_from,
            "date_to": criteria.date_to,
        },
        actions=recorded_actions(),
    )
    context = {"form": form, "criteria": criteria, "page": page, "token": token if saved else ""}
    return render(request, "audit/events.html", context)


def _event_rows(events: QuerySet[AuditEvent]) -> Iterator[list[object]]:
    roles = role_labels()
    outcomes = dict(Outcome.choices)
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


def _event_header() -> list[str]:
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


def _export(
    request: HttpRequest, action: AuditCode, criteria: EventCriteria, filename: str
) -> HttpResponseBase:
    found = search_events(criteria)
    event = record(
        action,
        actor=request.user,
        nam=_insured(criteria),
        result_count=found.count(),
        request=request,
        details={"criteria": criteria.summary()},
    )
    return csv_response(filename, _event_header(), _event_rows(found.filter(seq__lt=event.seq)))


@never_cache
@require_safe
@privacy_officer_required
@audited_read
def events_csv(request: HttpRequest) -> HttpResponseBase:
    token, criteria = recall(request, "events")
    if token and criteria is None:
        messages.warning(request, _("This search has expired. Search again."))
        return redirect("audit:events")
    return _export(request, AuditCode.AUDIT_EVENTS_EXPORTED, criteria or EventCriteria(), "audit-events")


@never_cache
@require_http_methods(["GET", "POST"])
@privacy_officer_required
@audited_read
def person_report(request: HttpRequest) -> HttpResponseBase:
    """Who accessed this person's information: what, who, in which role, on whose behalf, when."""
    if request.method == "POST":
        form = PersonReportForm(request.POST)
        if not form.is_valid():
            return render(request, "audit/person_report.html", {"form": form}, status=400)
        token = remember(request, "person", _criteria(form))
        return redirect(f"{reverse('audit:person_report')}?q={token}")
    token, criteria = recall(request, "person")
    if criteria is None:
        if token:
            messages.warning(request, _("This search has expired. Search again."))
        return render(request, "audit/person_report.html", {"form": PersonReportForm()})
    page = paginate(request, search_events(criteria))
    record(
        AuditCode.PERSON_REPORT_VIEWED,
        actor=request.user,
        nam=_insured(criteria),
        result_count=page.paginator.count,
        request=request,
        details={"criteria": criteria.summary(), "page": page.number},
    )
    form = PersonReportForm(initial={"date_from": criteria.date_from, "date_to": criteria.date_to})
    context = {"form": form, "criteria": criteria, "page": page, "token": token}
    return render(request, "audit/person_report.html", context)


@never_cache
@require_safe
@privacy_officer_required
@audited_read
def person_report_csv(request: HttpRequest) -> HttpResponseBase:
    _token, criteria = recall(request, "person")
    if criteria is None:
        messages.warning(request, _("Enter the health insurance number first."))
        return redirect("audit:person_report")
    return _export(request, AuditCode.PERSON_REPORT_EXPORTED, criteria, "who-accessed")


def _year_form(request: HttpRequest) -> YearForm:
    data = request.GET if "year" in request.GET else {"year": timezone.localdate().year}
    return YearForm(data)


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


@never_cache
@require_safe
@privacy_officer_required
@audited_read
def yearly_report(request: HttpRequest) -> HttpResponseBase:
    """The yearly report of accesses (health-information act, s. 103): counts by action and role."""
    form = _year_form(request)
    if not form.is_valid():
        return render(request, "audit/yearly_report.html", {"form": form}, status=400)
    year = form.cleaned_data["year"]
    rows = _year_rows(year)
    total = sum(row["count"] for row in rows)
    persons = distinct_persons(year)
    record(
        AuditCode.YEARLY_REPORT_VIEWED,
        actor=request.user,
        result_count=total,
        request=request,
        details={"year": year},
    )
    context = {"form": form, "year": year, "rows": rows, "total": total, "persons": persons}
    return render(request, "audit/yearly_report.html", context)


@never_cache
@require_safe
@privacy_officer_required
@audited_read
def yearly_report_csv(request: HttpRequest) -> HttpResponseBase:
    form = _year_form(request)
    if not form.is_valid():
        return render(request, "audit/yearly_report.html", {"form": form}, status=400)
    year = form.cleaned_data["year"]
    rows = _year_rows(year)
    record(
        AuditCode.YEARLY_REPORT_EXPORTED,
        actor=request.user,
        result_count=sum(row["count"] for row in rows),
        request=request,
        details={"year": year},
    )
    header = [_("Action code"), _("Action"), _("Role"), _("Outcome"), _("Events")]
    lines = ([r["action"], r["sentence"], r["role"], r["outcome"], r["count"]] for r in rows)
    return csv_response(f"access-report-{year}", header, lines)


@never_cache
@require_safe
@privacy_officer_required
@audited_read
def signals(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    data = request.GET if request.GET else {"date_from": today - dt.timedelta(days=30), "date_to": today}
    form = SignalsForm(data)
    if not form.is_valid():
        return render(request, "audit/signals.html", {"form": form}, status=400)
    start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    bursts, off_hours = unusual_access(start, end)
    record(
        AuditCode.SIGNALS_VIEWED,
        actor=request.user,
        result_count=len(bursts) + len(off_hours),
        request=request,
        details={"from": start.isoformat(), "to": end.isoformat()},
    )
    roles = role_labels()
    for burst in bursts:
        burst.role = roles.get(burst.role, burst.role)
    for late in off_hours:
        late.role = roles.get(late.role, late.role)
    context = {
        "form": form,
        "bursts": bursts,
        "off_hours": off_hours,
        "threshold": settings.AUDIT_SIGNAL_DISTINCT_PERSONS,
        "window": settings.AUDIT_SIGNAL_WINDOW_MINUTES,
        "work_start": settings.AUDIT_WORKDAY_START_HOUR,
        "work_end": settings.AUDIT_WORKDAY_END_HOUR,
    }
    return render(request, "audit/signals.html", context)
