"""Review pages: thin views over access.py, selectors.py and services.py."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pme.accounts.http import AuthenticatedRequest
from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.authorizations.lifecycle import STATUS_MEANING, Status
from pme.authorizations.models import AuthorizationRequest
from pme.review import access, charts, metrics, selectors, services
from pme.review.forms import AcceptForm, InformationForm, QueueFilterForm, ReassignForm, RefuseForm
from pme.review.letters import decision_letter
from pme.review.periods import PeriodForm

PAGE_SIZE = 25


def conflict_message(conflict: services.Conflict) -> str:
    name = ""
    if conflict.holder is not None:
        name = conflict.holder.get_full_name() or conflict.holder.username
    texts = {
        "taken": _("This request is already taken by %(name)s."),
        "changed": _(
            "Someone else acted on this request since you opened it. Nothing was saved: "
            "read the request again, then decide."
        ),
        "not_assigned": _(
            "This request is assigned to %(name)s: only they can decide (a supervisor can reassign it)."
        ),
        "not_open": _("This request is no longer waiting for a decision. Nothing was saved."),
        "own_refusal": _("You refused this request: its review must be assessed by another reviewer."),
    }
    return texts[conflict.code] % {"name": name}


@login_required
@require_safe
def queue(request: AuthenticatedRequest) -> HttpResponse:
    access.check_reviewer(request.user)
    form = QueueFilterForm(request.GET or None, drugs=selectors.drugs_in_queue(request.user))
    filters = selectors.QueueFilters()
    if form.is_valid():
        filters = selectors.QueueFilters(
            status=form.cleaned_data["status"],
            drug_id=form.cleaned_data["drug"],
            therapeutic_system=form.cleaned_data["system"],
            older_than_days=form.cleaned_data["age"],
            mine=form.cleaned_data["mine"],
        )
    page = Paginator(selectors.review_queue(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record(AuditCode.QUEUE_VIEWED, actor=request.user, request=request, result_count=page.paginator.count)
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.queue_counts(request.user)
    return render(
        request,
        "review/queue.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.with_clocks(list(page.object_list)),
            "counts": [(Status(s), n) for s, n in counts.items()],
            "query": query.urlencode(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _holds(user: Any, auth_request: AuthorizationRequest) -> bool:
    return auth_request.status == Status.IN_REVIEW and auth_request.assigned_to_id == user.pk


@login_required
@require_safe
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    auth_request = access.get_request_for_review(request.user, pk)
    record(
        AuditCode.REQUEST_VIEWED,
        actor=request.user,
        target=auth_request,
        nam=auth_request.nam_value,
        request=request,
        details={"page": "review"},
    )
    refuser = services.last_refuser_id(auth_request) if auth_request.is_review else None
    open_for_taking = auth_request.assigned_to_id is None and auth_request.status in (
        Status.SUBMITTED,
        Status.IN_REVIEW,
    )
    return render(
        request,
        "review/detail.html",
        {
            "auth_request": auth_request,
            "meaning": STATUS_MEANING.get(Status(auth_request.status)),
            "clock": selectors.clock_of(auth_request)
            if auth_request.status in selectors.QUEUE_STATUSES
            else None,
            "criteria": selectors.criteria_rows(auth_request),
            "treatments": auth_request.previous_treatments.all(),
            "attachments": auth_request.attachments.select_related("added_by"),
            "versions": auth_request.versions.select_related("created_by"),
            "timeline": auth_request.timeline.select_related("actor"),
            "earlier": selectors.earlier_requests(auth_request)[:20],
            "decisions": selectors.decisions_on(auth_request),
            "requested_end": services.requested_end(auth_request),
            "may_take": open_for_taking and refuser != request.user.pk,
            "own_refusal": open_for_taking and refuser == request.user.pk,
            "may_decide": _holds(request.user, auth_request),
            "may_reassign": services.is_supervisor(request.user)
            and auth_request.status in selectors.QUEUE_STATUSES,
        },
    )


@login_required
@require_POST
def take(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    auth_request = access.get_request_for_review(request.user, pk)
    try:
        services.take_request(auth_request, reviewer=request.user)
    except services.Conflict as conflict:
        messages.error(request, conflict_message(conflict))
    else:
        messages.success(request, _("You took request %(number)s.") % {"number": auth_request.number})
    return redirect("review:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def reassign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    auth_request = access.get_request_for_review(request.user, pk)
    if not services.is_supervisor(request.user):
        raise PermissionDenied
    form = ReassignForm(request.POST or None, reviewers=list(selectors.reviewers()))
    if request.method == "POST" and form.is_valid():
        to = form.people.get(form.cleaned_data["reviewer"])
        try:
            if to is None:
                raise services.NotAllowed
            services.reassign_request(auth_request, supervisor=request.user, to=to)
        except services.Conflict as conflict:
            messages.error(request, conflict_message(conflict))
        except services.NotAllowed:
            form.add_error("reviewer", _("Choose an active reviewer."))
        else:
            messages.success(
                request,
                _("Request %(number)s is now assigned to %(name)s.")
                % {"number": auth_request.number, "name": to.get_full_name() or to.username},
            )
            return redirect("review:detail", pk=pk)
    return render(
        request,
        "review/reassign.html",
        {"auth_request": auth_request, "form": form},
        status=400 if form.is_bound else 200,
    )


def _decision_page(
    request: AuthenticatedRequest, pk: int, *, form_class: Any, template: str, initial: Any = None
) -> tuple[AuthorizationRequest, Any, HttpResponse | None]:
    auth_request = access.get_request_for_review(request.user, pk)
    if not _holds(request.user, auth_request):
        messages.error(request, _("Take the request before deciding: it must be assigned to you."))
        return auth_request, None, redirect("review:detail", pk=pk)
    kwargs: dict[str, Any] = {"auth_request": auth_request} if form_class is RefuseForm else {}
    start = {"row_version": auth_request.row_version, **(initial(auth_request) if initial else {})}
    form = form_class(request.POST or None, initial=start, **kwargs)
    return auth_request, form, None


def _render_decision(
    request: AuthenticatedRequest, template: str, auth_request: AuthorizationRequest, form: Any
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "auth_request": auth_request,
            "form": form,
            "requested_end": services.requested_end(auth_request),
            "criteria": selectors.criteria_rows(auth_request),
        },
        status=400 if form.is_bound else 200,
    )


def _accept_initial(auth_request: AuthorizationRequest) -> dict[str, Any]:
    """The requested start; the end at the indication's maximum, never after the end asked."""
    from pme.authorizations.models import RequestType
    from pme.core.timeutils import local_today

    start = auth_request.requested_start or local_today()
    end = services.requested_end(auth_request)
    indication = auth_request.indication
    if indication is not None:
        renewal = auth_request.request_type in (RequestType.RENEWAL, RequestType.CONTINUATION)
        amount = (indication.renewal_duration if renewal else None) or indication.initial_duration
        if amount:
            maximum = services.period_end(start, amount, indication.duration_unit)
            end = min(end, maximum) if end else maximum
    return {"start": start, "end": end, "quantity": auth_request.quantity}


def _after_decision(request: AuthenticatedRequest, pk: int, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("review:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    auth_request, form, early = _decision_page(
        request, pk, form_class=AcceptForm, template="review/accept.html", initial=_accept_initial
    )
    if early is not None:
        return early
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.accept_request(
                auth_request,
                reviewer=request.user,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                quantity=form.cleaned_data["quantity"],
                expected_version=form.cleaned_data["row_version"],
            )
        except services.Conflict as conflict:
            messages.error(request, conflict_message(conflict))
            return redirect("review:detail", pk=pk)
        text = (
            _("Request %(number)s is accepted in part. The prescriber is notified.")
            if decision.partial
            else _("Request %(number)s is accepted. The prescriber is notified.")
        )
        return _after_decision(request, pk, text % {"number": auth_request.number})
    return _render_decision(request, "review/accept.html", auth_request, form)


@login_required
@require_http_methods(["GET", "POST"])
def refuse(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    auth_request, form, early = _decision_page(
        request, pk, form_class=RefuseForm, template="review/refuse.html"
    )
    if early is not None:
        return early
    if request.method == "POST" and form.is_valid():
        try:
            services.refuse_request(
                auth_request,
                reviewer=request.user,
                reasons=form.cleaned_data["reason_lines"],
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["row_version"],
            )
        except services.Conflict as conflict:
            messages.error(request, conflict_message(conflict))
            return redirect("review:detail", pk=pk)
        return _after_decision(
            request,
            pk,
            _("Request %(number)s is refused. The prescriber is notified.") % {"number": auth_request.number},
        )
    return _render_decision(request, "review/refuse.html", auth_request, form)


@login_required
@require_http_methods(["GET", "POST"])
def request_information(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    auth_request, form, early = _decision_page(
        request, pk, form_class=InformationForm, template="review/information.html"
    )
    if early is not None:
        return early
    if request.method == "POST" and form.is_valid():
        try:
            services.request_information(
                auth_request,
                reviewer=request.user,
                questions=form.cleaned_data["questions"],
                expected_version=form.cleaned_data["row_version"],
            )
        except services.Conflict as conflict:
            messages.error(request, conflict_message(conflict))
            return redirect("review:detail", pk=pk)
        return _after_decision(
            request,
            pk,
            _("Request %(number)s is waiting for the prescriber's answer. The clock is paused.")
            % {"number": auth_request.number},
        )
    return _render_decision(request, "review/information.html", auth_request, form)


@login_required
@require_safe
def letter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = access.get_letter_decision(request.user, pk)
    auth_request = decision.auth_request
    record(
        AuditCode.LETTER_DOWNLOADED,
        actor=request.user,
        target=auth_request,
        nam=auth_request.nam_value,
        on_behalf_of=auth_request.prescriber if request.user.pk != auth_request.prescriber_id else None,
        request=request,
        details={"decision": decision.pk},
    )
    response = HttpResponse(decision_letter(decision), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="decision-{auth_request.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _metrics_for(request: AuthenticatedRequest) -> tuple[PeriodForm, metrics.Metrics | None]:
    access.check_reviewer(request.user)
    form = PeriodForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None
    start, end = form.period()
    return form, metrics.compute(start, end)


@login_required
@require_safe
def metrics_page(request: AuthenticatedRequest) -> HttpResponse:
    form, figures = _metrics_for(request)
    context: dict[str, Any] = {"form": form, "figures": figures, "query": request.GET.urlencode()}
    if figures is not None:
        labels = [row.label for row in figures.by_month]
        context["month_chart"] = charts.bar_chart(
            chart_id="chart-months",
            title=_("Requests received and decided, by month"),
            description=_("Bar chart; the same figures are in the table below."),
            labels=labels,
            series=[
                (pgettext("requests counted", "Received"), [r.received for r in figures.by_month]),
                (pgettext("requests counted", "Accepted"), [r.accepted for r in figures.by_month]),
                (pgettext("requests counted", "Refused"), [r.refused for r in figures.by_month]),
            ],
        )
        context["backlog_chart"] = charts.bar_chart(
            chart_id="chart-backlog",
            title=_("Open requests by waiting time"),
            description=_("Bar chart; the same figures are in the table below."),
            labels=[label for label, _n in figures.backlog],
            series=[(_("Open requests"), [n for _label, n in figures.backlog])],
        )
    return render(request, "review/metrics.html", context, status=400 if figures is None else 200)


@login_required
@require_safe
def metrics_csv(request: AuthenticatedRequest) -> HttpResponse:
    _form, figures = _metrics_for(request)
    if figures is None:
        return HttpResponse(_("The period is not valid."), status=400, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pme-metrics-{figures.start}-{figures.end}.csv"'
    writer = csv.writer(response)
    for row in metrics.csv_rows(figures):
        writer.writerow([_csv_safe(value) for value in row])
    return response


def _csv_safe(value: Any) -> Any:
    """A cell starting with = + - @ would be run as a formula by spreadsheets: quote it."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
