"""Request pages: parse the form, call a door (reads.py, services.py), render. No access rule and no
audit event is written here: the doors do both."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pme.accounts.http import AuthenticatedRequest
from pme.accounts.models import Role, User
from pme.authorizations import reads, services
from pme.authorizations.access import prescribers_user_can_draft_for, prescribers_user_follows
from pme.authorizations.attachments import AttachmentRejected
from pme.authorizations.forms import (
    AnswerForm,
    RequestFilterForm,
    RequestForm,
    ReviewRequestForm,
    WithdrawForm,
    initial_from,
)
from pme.authorizations.lifecycle import Status
from pme.authorizations.models import AuthorizationRequest, RequestKind
from pme.authorizations.prefill import take_prefill
from pme.authorizations.services import Route
from pme.catalogue import selectors as catalogue

ATTACHMENT_ERRORS = {
    "type": _("%(name)s is not a PDF, JPEG or PNG file (its content was checked, not its name)."),
    "too_large": _("%(name)s is larger than 10 MB."),
    "empty": _("%(name)s is empty."),
}
FILTERS_SESSION_KEY = "authorizations.list_filters"


def _writers_only(user: User) -> None:
    """Role pages answer 403 to other roles (object pages answer 404, so ids cannot be probed)."""
    if user.role not in (Role.PRESCRIBER, Role.COLLABORATOR):
        raise PermissionDenied


def _filters_from(data: dict[str, Any]) -> reads.RequestFilters:
    def day(value: Any) -> dt.date | None:
        try:
            return dt.date.fromisoformat(value) if value else None
        except (TypeError, ValueError):
            return None

    prescriber = data.get("prescriber")
    return reads.RequestFilters(
        status=str(data.get("status") or ""),
        drug_query=str(data.get("drug") or ""),
        person=str(data.get("person") or ""),
        prescriber_id=int(str(prescriber)) if str(prescriber or "").isdigit() else None,
        sent_from=day(data.get("sent_from")),
        sent_to=day(data.get("sent_to")),
        sort=str(data.get("sort") or "sent"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_list(request: AuthenticatedRequest) -> HttpResponse:
    """Filters are posted and kept in the session (Post/Redirect/Get), so that a NAM typed in the search
    never appears in a URL; the list itself is a plain GET, pages included."""
    _writers_only(request.user)
    prescribers = prescribers_user_follows(request.user)
    if request.method == "POST":
        form = RequestFilterForm(request.POST, prescribers=prescribers)
        if form.is_valid():
            kept = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in form.cleaned_data.items()}
            request.session[FILTERS_SESSION_KEY] = kept
            return redirect("authorizations:list")
        result = reads.list_requests(actor=request.user, filters=reads.RequestFilters())
        context = {"form": form, "result": result, "page": result.page, "may_draft": _may_draft(request.user)}
        return render(request, "authorizations/list.html", context, status=400)
    if request.GET.get("clear"):
        request.session.pop(FILTERS_SESSION_KEY, None)
        return redirect("authorizations:list")
    kept = request.session.get(FILTERS_SESSION_KEY) or {}
    form = RequestFilterForm(initial=kept, prescribers=prescribers)
    result = reads.list_requests(
        actor=request.user, filters=_filters_from(kept), page=request.GET.get("page") or 1
    )
    return render(
        request,
        "authorizations/list.html",
        {
            "form": form,
            "result": result,
            "page": result.page,
            "filtered": bool(kept),
            "may_draft": _may_draft(request.user),
        },
    )


def _may_draft(user: User) -> bool:
    """A consult-only assistant is not offered a form they would be refused (form 4313's two levels)."""
    return bool(prescribers_user_can_draft_for(user))


@login_required
@require_safe
def start(request: AuthenticatedRequest) -> HttpResponse:
    """Step 1: the kind of request, then the drug (search works without JavaScript), then the indication."""
    _writers_only(request.user)
    prescribers = prescribers_user_can_draft_for(request.user)
    if not prescribers:
        raise PermissionDenied  # a collaborator without the draft permission
    query = request.GET.get("q", "").strip()[:100]
    drugs = list(catalogue.search_drugs(query)[:20]) if query else []
    drug = None
    indications: list[Any] = []
    if request.GET.get("drug", "").isdigit():
        drug = catalogue.drug_by_pk(int(request.GET["drug"]))
        if drug is not None:
            indications = catalogue.indications_in_force(drug)
    return render(
        request,
        "authorizations/start.html",
        {
            "query": query,
            "drugs": drugs,
            "drug": drug,
            "indications": indications,
            "prescribers": prescribers,
        },
    )


def _prescriber_for_new(request: AuthenticatedRequest) -> User:
    prescribers = prescribers_user_can_draft_for(request.user)
    wanted = request.GET.get("for") or request.POST.get("for")
    for prescriber in prescribers:
        if wanted is None or str(prescriber.pk) == wanted:
            return prescriber
    raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def new_exception(request: AuthenticatedRequest, indication_pk: int) -> HttpResponse:
    _writers_only(request.user)
    indication = catalogue.indication_version(indication_pk)
    if indication is None:
        raise Http404
    prescriber = _prescriber_for_new(request)
    return _request_form(
        request, kind=RequestKind.EXCEPTION_DRUG, indication=indication, prescriber=prescriber
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_exceptional_patient(request: AuthenticatedRequest) -> HttpResponse:
    _writers_only(request.user)
    prescriber = _prescriber_for_new(request)
    return _request_form(
        request, kind=RequestKind.EXCEPTIONAL_PATIENT, indication=None, prescriber=prescriber
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    draft = reads.open_request(actor=request.user, request_id=pk, page="edit").auth_request
    if draft.status != Status.DRAFT:
        return redirect("authorizations:detail", pk=draft.pk)
    if not reads.actions_for(request.user, draft).may_edit:
        raise Http404
    return _request_form(
        request, kind=draft.kind, indication=draft.indication, prescriber=draft.prescriber, draft=draft
    )


def _request_form(
    request: AuthenticatedRequest,
    *,
    kind: str,
    indication: Any,
    prescriber: User,
    draft: AuthorizationRequest | None = None,
) -> HttpResponse:
    initial = initial_from(draft) if draft else {"submission_token": uuid.uuid4()}
    handle = request.GET.get("prefill", "") if draft is None and request.method == "GET" else ""
    if handle:  # a clinic record's CDS Hooks card (pme/authorizations/prefill.py)
        prefilled = take_prefill(actor=request.user, prescriber=prescriber, handle=handle, request=request)
        if prefilled is None:
            messages.warning(
                request,
                _(
                    "The information sent by your medical record has expired or was "
                    "already used: fill in the form."
                ),
            )
        initial.update(prefilled or {})
    form = RequestForm(
        request.POST or None, request.FILES or None, kind=kind, indication=indication, initial=initial
    )
    may_submit = request.user.pk == prescriber.pk
    context: dict[str, Any] = {
        "form": form,
        "kind": kind,
        "indication": indication,
        "prescriber": prescriber,
        "draft": draft,
        "may_submit": may_submit,
        "missing": [],
        "duplicates": [],
    }
    if request.method != "POST" or not form.is_valid():
        return render(request, "authorizations/form.html", context, status=400 if form.is_bound else 200)
    drug = indication.drug if indication is not None else None
    wants_submit = request.POST.get("action") == "submit" and may_submit
    try:
        saved = services.save_draft(
            actor=request.user,
            prescriber=prescriber,
            data=form.to_input(drug=drug),
            draft_id=draft.pk if draft is not None else None,
            submission_token=form.cleaned_data["submission_token"] if draft is None else None,
            attachments=form.cleaned_data["attachments"],
        )
    except AttachmentRejected as exc:
        names = ", ".join(f.name for f in form.cleaned_data["attachments"])
        form.add_error("attachments", ATTACHMENT_ERRORS[exc.code] % {"name": names})
        return render(request, "authorizations/form.html", context, status=400)
    if saved.already_sent:  # sent meanwhile (double click, second tab): show what was sent
        return redirect("authorizations:detail", pk=saved.auth_request.pk)
    if not wants_submit:
        messages.success(request, _("The draft is saved. It is not sent to the Régie."))
        return redirect("authorizations:detail", pk=saved.auth_request.pk)
    return _submit(request, saved.auth_request, context)


ROUTE_MESSAGES = {
    Route.REVIEWER_REQUIRED: _(
        "Request %(number)s is sent to the Régie. The answers meet the criteria, but this recognized "
        "indication is always assessed by a reviewer."
    ),
    Route.NO_STANDARD_PERIOD: _(
        "Request %(number)s is sent to the Régie. The answers meet the criteria; a reviewer sets the "
        "period, since this indication has no standard one."
    ),
    Route.NEEDS_ASSESSMENT: _(
        "Request %(number)s is sent to the Régie. At least one answer needs a reviewer's assessment."
    ),
    Route.EXCEPTIONAL_PATIENT: _(
        "Request %(number)s is sent to the Régie. Exceptional patient requests are assessed by a reviewer."
    ),
}


def submission_message(result: services.SubmissionResult, not_met: list[str]) -> str:
    number = result.auth_request.number
    if result.automated:
        return _(
            "Request %(number)s is accepted: the answers meet every criterion of the recognized indication."
        ) % {"number": number}
    route = reads.route_of(result.auth_request)
    if route == Route.NOT_MET:
        return _(
            "Request %(number)s is sent to the Régie. A reviewer will assess it, since this answer does "
            "not meet the indication's criteria: %(criteria)s"
        ) % {"number": number, "criteria": "; ".join(not_met) or "—"}
    text = ROUTE_MESSAGES.get(Route(route)) if route in Route.__members__.values() else None
    if text is None:
        text = _("Request %(number)s is sent to the Régie. It is awaiting processing by a reviewer.")
    return text % {"number": number}


def _submit(
    request: AuthenticatedRequest, auth_request: AuthorizationRequest, context: dict[str, Any]
) -> HttpResponse:
    if auth_request.status == Status.DRAFT and not request.POST.get("confirm_duplicate"):
        duplicates = reads.open_duplicates(actor=request.user, request_id=auth_request.pk)
        if duplicates:
            context.update(duplicates=duplicates, draft=auth_request)
            messages.warning(request, _("The draft is saved but not sent: see the warning below."))
            return render(request, "authorizations/confirm_submit.html", context, status=409)
    try:
        result = services.submit_request(actor=request.user, request_id=auth_request.pk)
    except services.IncompleteRequest as exc:
        context.update(missing=exc.missing, draft=auth_request)
        return render(request, "authorizations/confirm_submit.html", context, status=400)
    except services.NotAllowed:
        raise Http404 from None
    if result.created:
        file = reads.request_file(result.auth_request, request.user)
        not_met = [str(row.question) for row in file.criteria if row.outcome == "not_met"]
        messages.success(request, submission_message(result, not_met))
    return redirect("authorizations:detail", pk=result.auth_request.pk)


@login_required
@require_POST
def transmit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The prescriber sends a draft (theirs or one a collaborator prepared)."""
    file = reads.open_request(actor=request.user, request_id=pk, page="transmit")
    if not reads.actions_for(request.user, file.auth_request).may_transmit:
        if file.auth_request.status != Status.DRAFT:
            return redirect("authorizations:detail", pk=pk)
        raise Http404
    context = {"draft": file.auth_request, "may_submit": True, "missing": [], "duplicates": []}
    return _submit(request, file.auth_request, context)


@login_required
@require_safe
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    file = reads.open_request(actor=request.user, request_id=pk)
    return render(
        request,
        "authorizations/detail.html",
        {
            "file": file,
            "auth_request": file.auth_request,
            "can": reads.actions_for(request.user, file.auth_request),
        },
    )


def _prescribers_page(
    request: AuthenticatedRequest, pk: int, page: str
) -> tuple[reads.RequestFile, reads.RequestActions]:
    file = reads.open_request(actor=request.user, request_id=pk, page=page)
    if file.auth_request.prescriber_id != request.user.pk:
        raise Http404
    return file, reads.actions_for(request.user, file.auth_request)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_request(actor=request.user, request_id=pk, note=form.cleaned_data["note"])
        except services.NotAllowed:
            raise Http404 from None
        except services.TransitionNotAllowed as refused:
            if refused.status != Status.WITHDRAWN:  # already withdrawn: a double click, nothing to say
                messages.error(request, _("This request can no longer be withdrawn: a decision was made."))
        else:
            messages.success(request, _("The request is withdrawn."))
        return redirect("authorizations:detail", pk=pk)
    file, _can = _prescribers_page(request, pk, "withdraw")
    return render(
        request,
        "authorizations/withdraw.html",
        {"auth_request": file.auth_request, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    form = AnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_information_request(
                actor=request.user,
                request_id=pk,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["attachments"],
            )
        except services.NotAllowed:
            raise Http404 from None
        except services.TransitionNotAllowed:
            messages.info(request, _("This request is not waiting for information from you."))
            return redirect("authorizations:detail", pk=pk)
        except AttachmentRejected as exc:
            names = ", ".join(f.name for f in form.cleaned_data["attachments"])
            form.add_error("attachments", ATTACHMENT_ERRORS[exc.code] % {"name": names})
        else:
            messages.success(request, _("Your answer is sent. The request is back with the reviewer."))
            return redirect("authorizations:detail", pk=pk)
    file, can = _prescribers_page(request, pk, "answer")
    if not can.may_answer:
        messages.info(request, _("This request is not waiting for information from you."))
        return redirect("authorizations:detail", pk=pk)
    return render(
        request,
        "authorizations/answer.html",
        {"auth_request": file.auth_request, "file": file, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def ask_review(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    form = ReviewRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ask_review(actor=request.user, request_id=pk, reason=form.cleaned_data["reason"])
        except services.ReviewWindowPassed:
            messages.error(request, _("The 6-month delay to ask for a review has passed."))
        except services.NotAllowed:
            raise Http404 from None
        except services.TransitionNotAllowed:
            pass  # not refused (any more): the request page says what it is
        else:
            messages.success(request, _("Your request for review is sent. Another reviewer will assess it."))
        return redirect("authorizations:detail", pk=pk)
    file, can = _prescribers_page(request, pk, "review_request")
    if not can.may_ask_review:
        return redirect("authorizations:detail", pk=pk)
    return render(
        request,
        "authorizations/review_request.html",
        {"auth_request": file.auth_request, "form": form, "deadline": can.review_deadline},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def renew(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        draft = services.renew_request(actor=request.user, request_id=pk)
    except services.NotAllowed:
        raise Http404 from None
    messages.success(
        request,
        _("A renewal is prepared from request %(number)s. Check it, then send it.")
        % {"number": draft.renewal_of.number if draft.renewal_of else ""},
    )
    return redirect("authorizations:edit", pk=draft.pk)


@login_required
@require_safe
def attachment(request: AuthenticatedRequest, pk: int) -> FileResponse:
    download = reads.download_attachment(actor=request.user, attachment_id=pk)
    response = FileResponse(
        download.file, content_type=download.content_type, as_attachment=True, filename=download.filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def list_url() -> str:
    return reverse("authorizations:list")
