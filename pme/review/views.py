"""Review pages: parse the form, call a door (reads.py, services.py), render."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pme.accounts.http import AuthenticatedRequest
from pme.review import charts, metrics, reads, services
from pme.review.forms import AcceptForm, InformationForm, QueueFilterForm, ReassignForm, RefuseForm
from pme.review.letters import LetterDraft
from pme.review.models import DecisionKind
from pme.review.periods import PeriodForm
from pme.review.selectors import QueueFilters, ReasonLine


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
    reads.require_reviewer(request.user)
    form = QueueFilterForm(request.GET or None, drugs=reads.drugs_in_queue(request.user))
    filters = QueueFilters()
    if form.is_valid():
        filters = QueueFilters(
            status=form.cleaned_data["status"],
            drug_id=form.cleaned_data["drug"],
            therapeutic_system=form.cleaned_data["system"],
            older_than_days=form.cleaned_data["age"],
            mine=form.cleaned_data["mine"],
        )
    found = reads.view_queue(reviewer=request.user, filters=filters, page=request.GET.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "review/queue.html",
        {
            "form": form,
            "page": found.page,
            "rows": found.rows,
            "counts": found.counts,
            "query": query.urlencode(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _review_context(review: reads.ReviewFile) -> dict[str, Any]:
    file = review.file
    return {
        "review": review,
        "auth_request": file.auth_request,
        "meaning": file.meaning,
        "clock": review.clock,
        "criteria": file.criteria,
        "treatments": file.treatments,
        "attachments": file.attachments,
        "versions": file.versions,
        "timeline": file.timeline,
        "earlier": review.earlier,
        "decisions": review.decisions,
        "requested_end": review.requested_end,
        "may_take": review.may_take,
        "own_refusal": review.own_refusal,
        "may_decide": review.may_decide,
        "may_reassign": review.may_reassign,
    }


@login_required
@require_safe
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review = reads.open_for_review(reviewer=request.user, request_id=pk)
    return render(request, "review/detail.html", _review_context(review))


@login_required
@require_POST
def take(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reads.require_reviewer(request.user)
    try:
        taken = services.take_request(reviewer=request.user, request_id=pk)
    except services.Conflict as conflict:
        messages.error(request, conflict_message(conflict))
    else:
        messages.success(request, _("You took request %(number)s.") % {"number": taken.number})
    return redirect("review:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def reassign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review = reads.open_for_review(reviewer=request.user, request_id=pk, page="reassign")
    if not services.is_supervisor(request.user):
        raise PermissionDenied
    form = ReassignForm(request.POST or None, reviewers=reads.active_reviewers(request.user))
    if request.method == "POST" and form.is_valid():
        to = form.people.get(form.cleaned_data["reviewer"])
        try:
            if to is None:
                raise services.NotAllowed
            services.reassign_request(supervisor=request.user, request_id=pk, to=to)
        except services.Conflict as conflict:
            messages.error(request, conflict_message(conflict))
        except services.NotAllowed:
            form.add_error("reviewer", _("Choose an active reviewer."))
        else:
            messages.success(
                request,
                _("Request %(number)s is now assigned to %(name)s.")
                % {"number": review.auth_request.number, "name": to.get_full_name() or to.username},
            )
            return redirect("review:detail", pk=pk)
    return render(
        request,
        "review/reassign.html",
        {"auth_request": review.auth_request, "form": form},
        status=400 if form.is_bound else 200,
    )


def _decision_page(
    request: AuthenticatedRequest, pk: int, *, form_class: Any, page: str, initial: Any = None
) -> tuple[reads.ReviewFile, Any, HttpResponse | None]:
    review = reads.open_for_review(reviewer=request.user, request_id=pk, page=page)
    if not review.may_decide:
        messages.error(request, _("Take the request before deciding: it must be assigned to you."))
        return review, None, redirect("review:detail", pk=pk)
    auth_request = review.auth_request
    kwargs: dict[str, Any] = {"auth_request": auth_request} if form_class is RefuseForm else {}
    start = {"row_version": auth_request.row_version, **(initial(auth_request) if initial else {})}
    form = form_class(request.POST or None, initial=start, **kwargs)
    return review, form, None


def _render_decision(
    request: AuthenticatedRequest, template: str, review: reads.ReviewFile, form: Any
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "auth_request": review.auth_request,
            "form": form,
            "requested_end": review.requested_end,
            "criteria": review.file.criteria,
        },
        status=400 if form.is_bound else 200,
    )


def _after_decision(request: AuthenticatedRequest, pk: int, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("review:detail", pk=pk)


def _preview(request: AuthenticatedRequest, pk: int, draft: LetterDraft) -> HttpResponse:
    letter = reads.preview_letter(reviewer=request.user, request_id=pk, draft=draft)
    response = HttpResponse(letter.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review, form, early = _decision_page(
        request, pk, form_class=AcceptForm, page="accept", initial=reads.acceptance_defaults
    )
    if early is not None:
        return early
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("preview"):
            partial = services.is_partial(
                review.auth_request, start=data["start"], end=data["end"], quantity=data["quantity"]
            )
            draft = LetterDraft(
                kind=DecisionKind.ACCEPTED,
                authorized_start=data["start"],
                authorized_end=data["end"],
                authorized_quantity=data["quantity"],
                partial=partial,
            )
            return _preview(request, pk, draft)
        try:
            decision = services.accept_request(
                reviewer=request.user,
                request_id=pk,
                start=data["start"],
                end=data["end"],
                quantity=data["quantity"],
                expected_version=data["row_version"],
            )
        except services.Conflict as conflict:
            messages.error(request, conflict_message(conflict))
            return redirect("review:detail", pk=pk)
        text = (
            _("Request %(number)s is accepted in part. The prescriber is notified.")
            if decision.partial
            else _("Request %(number)s is accepted. The prescriber is notified.")
        )
        return _after_decision(request, pk, text % {"number": review.auth_request.number})
    return _render_decision(request, "review/accept.html", review, form)


@login_required
@require_http_methods(["GET", "POST"])
def refuse(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review, form, early = _decision_page(request, pk, form_class=RefuseForm, page="refuse")
    if early is not None:
        return early
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("preview"):
            questions = {row.key: str(row.question) for row in review.file.criteria}
            draft = LetterDraft(
                kind=DecisionKind.REFUSED,
                reasons=tuple(
                    ReasonLine(
                        code=line.reason.code,
                        text=line.reason.text,
                        criterion_key=line.criterion_key,
                        criterion_question=questions.get(line.criterion_key, ""),
                    )
                    for line in data["reason_lines"]
                ),
                text=data["text"],
            )
            return _preview(request, pk, draft)
        try:
            services.refuse_request(
                reviewer=request.user,
                request_id=pk,
                reasons=data["reason_lines"],
                text=data["text"],
                expected_version=data["row_version"],
            )
        except services.Conflict as conflict:
            messages.error(request, conflict_message(conflict))
            return redirect("review:detail", pk=pk)
        return _after_decision(
            request,
            pk,
            _("Request %(number)s is refused. The prescriber is notified.")
            % {"number": review.auth_request.number},
        )
    return _render_decision(request, "review/refuse.html", review, form)


@login_required
@require_http_methods(["GET", "POST"])
def request_information(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review, form, early = _decision_page(request, pk, form_class=InformationForm, page="information")
    if early is not None:
        return early
    if request.method == "POST" and form.is_valid():
        try:
            services.request_information(
                reviewer=request.user,
                request_id=pk,
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
            % {"number": review.auth_request.number},
        )
    return _render_decision(request, "review/information.html", review, form)


@login_required
@require_safe
def letter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    letter = reads.download_letter(actor=request.user, decision_id=pk)
    response = HttpResponse(letter.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _metrics_for(request: AuthenticatedRequest) -> tuple[PeriodForm, metrics.Metrics | None]:
    reads.require_reviewer(request.user)
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
