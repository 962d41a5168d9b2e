"""Request pages: thin views over access.py, selectors.py and services.py."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pme.accounts.http import AuthenticatedRequest
from pme.accounts.models import Role, User
from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.authorizations import access, notifications, selectors, services
from pme.authorizations.attachments import AttachmentRejected
from pme.authorizations.forms import (
    AnswerForm,
    RequestFilterForm,
    RequestForm,
    ReviewRequestForm,
    WithdrawForm,
    initial_from,
)
from pme.authorizations.lifecycle import STATUS_MEANING, Action, Status, allowed_actions
from pme.authorizations.models import AuthorizationRequest, RequestKind
from pme.authorizations.prefill import take_prefill
from pme.catalogue import selectors as catalogue

ATTACHMENT_ERRORS = {
    "type": _("%(name)s is not a PDF, JPEG or PNG file (its content was checked, not its name)."),
    "too_large": _("%(name)s is larger than 10 MB."),
    "empty": _("%(name)s is empty."),
}


def _writers_only(user: User) -> None:
    """Role pages answer 403 to other roles (object pages answer 404, so ids cannot be probed)."""
    if user.role not in (Role.PRESCRIBER, Role.COLLABORATOR):
        raise PermissionDenied


@login_required
@require_safe
def request_list(request: AuthenticatedRequest) -> HttpResponse:
    _writers_only(request.user)
    form = RequestFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "status": form.cleaned_data["status"],
            "drug_query": form.cleaned_data["drug"],
            "sent_from": form.cleaned_data["sent_from"],
            "sent_to": form.cleaned_data["sent_to"],
        }
    page = Paginator(selectors.my_requests(request.user, **filters), 25).get_page(request.GET.get("page"))
    record(
        AuditCode.REQUEST_LIST_VIEWED, actor=request.user, request=request, result_count=page.paginator.count
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "authorizations/list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@login_required
@require_safe
def start(request: AuthenticatedRequest) -> HttpResponse:
    """Step 1: the kind of request, then the drug (search works without JavaScript), then the indication."""
    _writers_only(request.user)
    prescribers = access.prescribers_user_can_draft_for(request.user)
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
    prescribers = access.prescribers_user_can_draft_for(request.user)
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
    draft = access.get_request_for_user(request.user, pk)
    if draft.status != Status.DRAFT:
        return redirect("authorizations:detail", pk=draft.pk)
    if not access.may_edit_draft(request.user, draft):
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
        with transaction.atomic():
            saved = services.save_draft(
                actor=request.user,
                prescriber=prescriber,
                data=form.to_input(drug=drug),
                draft=draft,
                submission_token=form.cleaned_data["submission_token"] if draft is None else None,
            )
            for upload in form.cleaned_data["attachments"]:
                services.add_attachment(saved, actor=request.user, upload=upload)
    except services.NotAllowed:
        # The draft was sent meanwhile (double click, second tab): show what was sent.
        target = (
            draft
            or AuthorizationRequest.objects.filter(
                submission_token=form.cleaned_data["submission_token"]
            ).first()
        )
        if target is None:
            raise Http404 from None
        return redirect("authorizations:detail", pk=target.pk)
    except AttachmentRejected as exc:
        names = ", ".join(f.name for f in form.cleaned_data["attachments"])
        form.add_error("attachments", ATTACHMENT_ERRORS[exc.code] % {"name": names})
        return render(request, "authorizations/form.html", context, status=400)
    if not wants_submit:
        if saved.status == Status.DRAFT:
            messages.success(request, _("The draft is saved. It is not sent to the Régie."))
        return redirect("authorizations:detail", pk=saved.pk)
    return _submit(request, saved, context)


def _submit(
    request: AuthenticatedRequest, auth_request: AuthorizationRequest, context: dict[str, Any]
) -> HttpResponse:
    if auth_request.status == Status.DRAFT:
        duplicates = list(selectors.open_duplicates(auth_request)[:5])
        if duplicates and not request.POST.get("confirm_duplicate"):
            context.update(duplicates=duplicates, draft=auth_request)
            messages.warning(request, _("The draft is saved but not sent: see the warning below."))
            return render(request, "authorizations/confirm_submit.html", context, status=409)
    try:
        result = services.submit_request(auth_request, actor=request.user)
    except services.IncompleteRequest as exc:
        context.update(missing=exc.missing, draft=auth_request)
        return render(request, "authorizations/confirm_submit.html", context, status=400)
    except services.NotAllowed:
        raise Http404 from None
    if result.automated:
        messages.success(
            request,
            _(
                "Request %(number)s is accepted: "
                "the answers meet every criterion of the recognized indication."
            )
            % {"number": result.auth_request.number},
        )
    elif result.created:
        messages.success(
            request,
            _("Request %(number)s is sent to the Régie. It is awaiting processing by a reviewer.")
            % {"number": result.auth_request.number},
        )
    return redirect("authorizations:detail", pk=result.auth_request.pk)


@login_required
@require_POST
def transmit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The prescriber sends a draft (theirs or one a collaborator prepared)."""
    auth_request = access.get_request_for_user(request.user, pk)
    if not access.acts_as_prescriber(request.user, auth_request):
        raise Http404
    context = {"draft": auth_request, "may_submit": True, "missing": [], "duplicates": []}
    return _submit(request, auth_request, context)


@login_required
@require_safe
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    auth_request = access.get_request_for_user(request.user, pk)
    record(
        AuditCode.REQUEST_VIEWED,
        actor=request.user,
        target=auth_request,
        nam=auth_request.nam_value,
        on_behalf_of=auth_request.prescriber if request.user.pk != auth_request.prescriber_id else None,
        request=request,
    )
    notifications.mark_read(request.user, auth_request)
    is_prescriber = access.acts_as_prescriber(request.user, auth_request)
    actions = allowed_actions(auth_request.status) if is_prescriber else []
    deadline = services.review_deadline(auth_request)
    return render(
        request,
        "authorizations/detail.html",
        {
            "auth_request": auth_request,
            "meaning": STATUS_MEANING.get(Status(auth_request.status)),
            "timeline": auth_request.timeline.select_related("actor"),
            "versions": list(auth_request.versions.select_related("created_by")),
            "treatments": auth_request.previous_treatments.all(),
            "attachments": auth_request.attachments.select_related("added_by"),
            "criteria": _criteria_rows(auth_request),
            "may_edit": access.may_edit_draft(request.user, auth_request),
            "may_transmit": is_prescriber and auth_request.status == Status.DRAFT,
            "may_withdraw": Action.WITHDRAW in actions,
            "may_answer": Action.ANSWER in actions,
            "may_ask_review": Action.ASK_REVIEW in actions,
            "review_deadline": deadline,
            "may_renew": auth_request.status == Status.ACCEPTED
            and access.may_write_for(request.user, auth_request.prescriber),
        },
    )


def _criteria_rows(auth_request: AuthorizationRequest) -> list[dict[str, Any]]:
    if auth_request.indication is None:
        return []
    outcomes = {r["key"]: r["outcome"] for r in (auth_request.evaluation or {}).get("results", [])}
    rows = []
    for criterion in auth_request.indication.criteria.all():
        answer = auth_request.answers.get(criterion.key)
        if isinstance(answer, bool):
            answer = _("Yes") if answer else _("No")
        elif isinstance(answer, list):
            answer = "; ".join(
                f"{a.get('drug')} ({a.get('outcome')})" if isinstance(a, dict) else str(a) for a in answer
            )
        elif criterion.kind == "choice" and answer:
            answer = criterion.choice_label(answer)
        rows.append(
            {"question": criterion.question, "answer": answer, "outcome": outcomes.get(criterion.key)}
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    auth_request = access.get_request_for_user(request.user, pk)
    if not access.acts_as_prescriber(request.user, auth_request):
        raise Http404
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if auth_request.status == Status.WITHDRAWN:
            return redirect("authorizations:detail", pk=pk)
        if Action.WITHDRAW not in allowed_actions(auth_request.status):
            messages.error(request, _("This request can no longer be withdrawn: a decision was made."))
            return redirect("authorizations:detail", pk=pk)
        services.withdraw_request(auth_request, actor=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("The request is withdrawn."))
        return redirect("authorizations:detail", pk=pk)
    return render(request, "authorizations/withdraw.html", {"auth_request": auth_request, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    auth_request = access.get_request_for_user(request.user, pk)
    if not access.acts_as_prescriber(request.user, auth_request):
        raise Http404
    if auth_request.status != Status.INFORMATION_REQUESTED:
        messages.info(request, _("This request is not waiting for information from you."))
        return redirect("authorizations:detail", pk=pk)
    form = AnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_information_request(
                auth_request,
                actor=request.user,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["attachments"],
            )
        except AttachmentRejected as exc:
            names = ", ".join(f.name for f in form.cleaned_data["attachments"])
            form.add_error("attachments", ATTACHMENT_ERRORS[exc.code] % {"name": names})
        else:
            messages.success(request, _("Your answer is sent. The request is back with the reviewer."))
            return redirect("authorizations:detail", pk=pk)
    questions = auth_request.timeline.filter(action=Action.REQUEST_INFORMATION).order_by("-at")
    return render(
        request,
        "authorizations/answer.html",
        {"auth_request": auth_request, "form": form, "questions": questions},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def ask_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    auth_request = access.get_request_for_user(request.user, pk)
    if not access.acts_as_prescriber(request.user, auth_request):
        raise Http404
    if auth_request.status != Status.REFUSED:
        return redirect("authorizations:detail", pk=pk)
    form = ReviewRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ask_review(auth_request, actor=request.user, reason=form.cleaned_data["reason"])
        except services.NotAllowed:
            messages.error(request, _("The 6-month delay to ask for a review has passed."))
        else:
            messages.success(request, _("Your request for review is sent. Another reviewer will assess it."))
        return redirect("authorizations:detail", pk=pk)
    return render(
        request,
        "authorizations/review_request.html",
        {
            "auth_request": auth_request,
            "form": form,
            "deadline": services.review_deadline(auth_request),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def renew(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    auth_request = access.get_request_for_user(request.user, pk)
    if auth_request.status != Status.ACCEPTED or not access.may_write_for(
        request.user, auth_request.prescriber
    ):
        raise Http404
    draft = services.renew_request(auth_request, actor=request.user)
    messages.success(
        request,
        _("A renewal is prepared from request %(number)s. Check it, then send it.")
        % {"number": auth_request.number},
    )
    return redirect("authorizations:edit", pk=draft.pk)


@login_required
@require_safe
def attachment(request: AuthenticatedRequest, pk: int) -> FileResponse:
    item = access.get_attachment_for_user(request.user, pk)
    record(
        AuditCode.ATTACHMENT_DOWNLOADED,
        actor=request.user,
        target=item,
        nam=item.auth_request.nam_value,
        request=request,
    )
    response = FileResponse(
        item.file.open("rb"), content_type=item.content_type, as_attachment=True, filename=item.original_name
    )
    response["Cache-Control"] = "private, no-store"
    return response
