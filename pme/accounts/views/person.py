"""Pages reached by a person without an account yet (the one-time link) and by collaborators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pme.accounts import access, selectors
from pme.accounts.forms import AccessRequestCompletionForm
from pme.accounts.models import Role
from pme.accounts.services import access_requests, delegations
from pme.accounts.views.common import current_user, link_unusable
from pme.accounts.views.prescriber import add_errors
from pme.core.timeutils import local_today, now


@never_cache
@require_http_methods(["GET", "POST"])
def access_request_complete(request: HttpRequest, token: str) -> HttpResponseBase:
    """The *Utilisateur* part of form 4313, through the one-time link (no account needed)."""
    message = _(
        "This link has expired or has already been used. Ask the prescriber who made the request to send "
        "you a new link."
    )
    try:
        access_request = access.get_access_request_by_token(token)
    except Http404:
        return link_unusable(request, message)
    if not access_request.link_is_open(now()):
        return link_unusable(request, message)
    form = AccessRequestCompletionForm(
        request.POST if request.method == "POST" else None,
        initial={"first_name": access_request.first_name, "last_name": access_request.last_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            access_requests.complete_access_request(access_request, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return render(
                request, "accounts/access_request_completed.html", {"access_request": access_request}
            )
    return render(
        request, "accounts/access_request_complete.html", {"form": form, "access_request": access_request}
    )


@login_required
@require_safe
def my_prescribers(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    access.require_role(user, Role.COLLABORATOR)
    links = list(selectors.delegations_of_collaborator(user))
    today = local_today()
    return render(
        request,
        "accounts/my_prescribers.html",
        {
            "active": [d for d in links if d.is_active_on(today) and d.prescriber.is_active],
            "pending": [d for d in links if d.is_pending],
        },
    )


@login_required
@require_POST
def delegation_accept(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = current_user(request)
    delegation = access.get_invitation_of_collaborator(user, pk)
    delegations.accept_delegation(delegation, actor=user)
    messages.success(
        request, _("You now work for %(name)s.") % {"name": delegation.prescriber.get_full_name()}
    )
    return redirect("accounts:my_prescribers")


@login_required
@require_POST
def delegation_decline(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = current_user(request)
    delegation = access.get_invitation_of_collaborator(user, pk)
    delegations.decline_delegation(delegation, actor=user)
    messages.success(request, _("The invitation is declined."))
    return redirect("accounts:my_prescribers")
