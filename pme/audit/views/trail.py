"""The privacy officer's pages over the trail: search, who accessed a person, yearly report, signals.

Every page that shows events records its own event first (fail closed through `audited_read`).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from pme.audit import reads
from pme.audit.access import audited_read, privacy_officer_required
from pme.audit.forms import EventSearchForm, PersonReportForm, SignalsForm, YearForm
from pme.audit.selectors import EventCriteria
from pme.audit.services import nam_hash
from pme.audit.views.common import csv_response, recall, remember


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
        form = EventSearchForm(request.POST, actions=reads.recorded_actions())
        if not form.is_valid():
            return render(request, "audit/events.html", {"form": form}, status=400)
        token = remember(request, "events", _criteria(form))
        return redirect(f"{reverse('audit:events')}?q={token}")
    token, saved = recall(request, "events")
    if token and saved is None:
        messages.warning(request, _("This search has expired. Search again."))
    criteria = saved or EventCriteria()
    page = reads.search_trail(actor=request.user, criteria=criteria, page=request.GET.get("page") or 1)
    form = EventSearchForm(
        initial={
            "username": criteria.username,
            "action": criteria.action,
            "date_from": criteria.date_from,
            "date_to": criteria.date_to,
        },
        actions=reads.recorded_actions(),
    )
    context = {"form": form, "criteria": criteria, "page": page, "token": token if saved else ""}
    return render(request, "audit/events.html", context)


@never_cache
@require_safe
@privacy_officer_required
@audited_read
def events_csv(request: HttpRequest) -> HttpResponseBase:
    token, criteria = recall(request, "events")
    if token and criteria is None:
        messages.warning(request, _("This search has expired. Search again."))
        return redirect("audit:events")
    rows = reads.export_events(actor=request.user, criteria=criteria or EventCriteria())
    return csv_response("audit-events", reads.event_header(), rows)


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
    page = reads.person_report(actor=request.user, criteria=criteria, page=request.GET.get("page") or 1)
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
    rows = reads.export_events(actor=request.user, criteria=criteria, person=True)
    return csv_response("who-accessed", reads.event_header(), rows)


def _year_form(request: HttpRequest) -> YearForm:
    data = request.GET if "year" in request.GET else {"year": timezone.localdate().year}
    return YearForm(data)


@never_cache
@require_safe
@privacy_officer_required
@audited_read
def yearly_report(request: HttpRequest) -> HttpResponseBase:
    """The yearly report of accesses (health-information act, s. 103): counts by action and role."""
    form = _year_form(request)
    if not form.is_valid():
        return render(request, "audit/yearly_report.html", {"form": form}, status=400)
    report = reads.yearly_report(actor=request.user, year=form.cleaned_data["year"])
    context = {
        "form": form,
        "year": report.year,
        "rows": report.rows,
        "total": report.total,
        "persons": report.persons,
    }
    return render(request, "audit/yearly_report.html", context)


@never_cache
@require_safe
@privacy_officer_required
@audited_read
def yearly_report_csv(request: HttpRequest) -> HttpResponseBase:
    form = _year_form(request)
    if not form.is_valid():
        return render(request, "audit/yearly_report.html", {"form": form}, status=400)
    report = reads.yearly_report(actor=request.user, year=form.cleaned_data["year"], export=True)
    header = [_("Action code"), _("Action"), _("Role"), _("Outcome"), _("Events")]
    lines = ([r["action"], r["sentence"], r["role"], r["outcome"], r["count"]] for r in report.rows)
    return csv_response(f"access-report-{report.year}", header, lines)


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
    found = reads.view_signals(
        actor=request.user, start=form.cleaned_data["date_from"], end=form.cleaned_data["date_to"]
    )
    context = {
        "form": form,
        "bursts": found.bursts,
        "off_hours": found.off_hours,
        "denials_found": found.denials,
        **reads.signal_settings(),
    }
    return render(request, "audit/signals.html", context)
