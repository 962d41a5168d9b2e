"""Access administrators: the queue of access requests, decisions, accounts (deactivation, new
temporary password)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from pme.accounts import access, selectors
from pme.accounts.forms import AccountSearchForm, DeactivationForm, RefusalForm
from pme.accounts.models import AccessRequest, Role, User
from pme.accounts.services import access_requests, security
from pme.accounts.views.common import current_user
from pme.accounts.views.prescriber import add_errors


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    access.require_role(current_user(request), Role.ACCESS_ADMIN)
    return render(
        request,
        "accounts/regie_queue.html",
        {"queue": selectors.access_request_queue(), "processing_date": selectors.oldest_waiting_date()},
    )


def _request_page(
    request: HttpRequest, access_request: AccessRequest, refusal: RefusalForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "accounts/regie_access_request.html",
        {"access_request": access_request, "refusal_form": refusal},
        status=status,
    )


@login_required
@require_safe
def access_request(request: HttpRequest, pk: int) -> HttpResponse:
    found = access.get_access_request_for_admin(current_user(request), pk)
    return _request_page(request, found, RefusalForm())


@login_required
@require_POST
def access_request_approve(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = current_user(request)
    found = access.get_access_request_for_admin(user, pk)
    try:
        account = access_requests.approve_access_request(found, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Approved. Account %(username)s is created: the username goes to the prescriber, the "
                "temporary password to the person."
            )
            % {"username": account.username},
        )
    return redirect("accounts:regie_access_request", pk)


@login_required
@require_POST
def access_request_refuse(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = current_user(request)
    found = access.get_access_request_for_admin(user, pk)
    form = RefusalForm(request.POST)
    if form.is_valid():
        try:
            access_requests.refuse_access_request(found, actor=user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Refused. The prescriber is told why by e-mail."))
            return redirect("accounts:regie_queue")
    return _request_page(request, found, form, status=400)


@login_required
@require_safe
def accounts(request: HttpRequest) -> HttpResponse:
    access.require_role(current_user(request), Role.ACCESS_ADMIN)
    form = AccountSearchForm(request.GET or None)
    found = selectors.find_accounts(form.cleaned_data["q"]) if form.is_valid() else []
    return render(request, "accounts/regie_accounts.html", {"form": form, "found": found})


def _account_page(
    request: HttpRequest, account: User, form: DeactivationForm, status: int = 200
) -> HttpResponse:
    delegations = selectors.delegation_history_of(account)
    return render(
        request,
        "accounts/regie_account.html",
        {"account": account, "deactivation_form": form, "delegations": delegations},
        status=status,
    )


@login_required
@require_safe
def account(request: HttpRequest, pk: int) -> HttpResponse:
    found = access.get_account_for_admin(current_user(request), pk)
    return _account_page(request, found, DeactivationForm())


@login_required
@require_POST
def account_deactivate(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = current_user(request)
    found = access.get_account_for_admin(user, pk)
    form = DeactivationForm(request.POST)
    if form.is_valid():
        try:
            security.deactivate_user(found, actor=user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The account is deactivated. Its sessions end now."))
            return redirect("accounts:regie_account", pk)
    return _account_page(request, found, form, status=400)


@login_required
@require_POST
def account_reactivate(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = current_user(request)
    found = access.get_account_for_admin(user, pk)
    security.reactivate_user(found, actor=user)
    messages.success(request, _("The account is active again."))
    return redirect("accounts:regie_account", pk)


@login_required
@require_POST
def account_temporary_password(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = current_user(request)
    found = access.get_account_for_admin(user, pk)
    try:
        security.issue_temporary_password(found, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("A new temporary password is sent to the person; the previous password no longer works."),
        )
    return redirect("accounts:regie_account", pk)
