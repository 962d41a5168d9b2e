"""A prescriber's pages: their assistants, access requests (form 4313), invitations, removals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pme.accounts import access, reads, selectors
from pme.accounts.forms import AccessRequestForm, InvitationForm
from pme.accounts.models import Role
from pme.accounts.services import access_requests, delegations
from pme.accounts.views.common import current_user
from pme.core.timeutils import now


def add_errors(form: object, exc: ValidationError) -> None:
    fields = getattr(form, "fields", {})
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in fields else None, error)  # type: ignore[attr-defined]
    else:
        for error in exc.messages:
            form.add_error(None, error)  # type: ignore[attr-defined]


@login_required
@require_safe
def collaborators(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    access.require_role(user, Role.PRESCRIBER)
    today = selectors.local_today()
    links = list(selectors.delegations_of_prescriber(user))
    return render(
        request,
        "accounts/collaborators.html",
        {
            "active": [d for d in links if d.is_active_on(today)],
            "pending": [d for d in links if d.is_pending],
            "access_requests": selectors.access_requests_of_prescriber(user),
            "now": now(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def access_request_new(request: HttpRequest) -> HttpResponseBase:
    user = current_user(request)
    access.require_role(user, Role.PRESCRIBER)
    form = AccessRequestForm(
        request.POST if request.method == "POST" else None,
        prescriber=user,
        initial={"language": user.language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = access_requests.create_access_request(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("The request is saved. %(name)s receives an e-mail with a link to fill their part.")
                % {"name": f"{created.first_name} {created.last_name}"},
            )
            return redirect("accounts:access_request_detail", created.pk)
    return render(request, "accounts/access_request_form.html", {"form": form})


@login_required
@require_safe
def access_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = access.get_access_request_of_prescriber(current_user(request), pk)
    return render(
        request,
        "accounts/access_request_detail.html",
        {"access_request": access_request, "link_open": access_request.link_is_open(now())},
    )


@login_required
@require_POST
def access_request_cancel(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = current_user(request)
    access_request = access.get_access_request_of_prescriber(user, pk)
    try:
        access_requests.cancel_access_request(access_request, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The access request is cancelled."))
    return redirect("accounts:access_request_detail", pk)


@login_required
@require_POST
def access_request_resend(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = current_user(request)
    access_request = access.get_access_request_of_prescriber(user, pk)
    try:
        access_requests.resend_access_request_link(access_request, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("A new link was sent. The previous link no longer works."))
    return redirect("accounts:access_request_detail", pk)


@login_required
@require_safe
def access_request_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable username letter, once the request is approved."""
    letter = reads.open_username_letter(actor=current_user(request), pk=pk, request=request)
    response = HttpResponse(letter.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delegation_remove(request: HttpRequest, pk: int) -> HttpResponseBase:
    """GET: the confirmation page (removing an assistant takes effect at once); POST: the removal."""
    user = current_user(request)
    delegation = access.get_delegation_of_prescriber(user, pk)
    if request.method == "GET":
        return render(request, "accounts/delegation_remove.html", {"delegation": delegation})
    delegations.remove_delegation(delegation, actor=user)
    messages.success(
        request,
        _("%(name)s no longer has access to your requests.")
        % {"name": delegation.collaborator.get_full_name() or delegation.collaborator.username},
    )
    return redirect("accounts:collaborators")


@login_required
@require_http_methods(["GET", "POST"])
def delegation_invite(request: HttpRequest) -> HttpResponseBase:
    user = current_user(request)
    access.require_role(user, Role.PRESCRIBER)
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            delegations.invite_collaborator(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The invitation is sent. The assistant must accept it."))
            return redirect("accounts:collaborators")
    return render(request, "accounts/delegation_invite.html", {"form": form})
