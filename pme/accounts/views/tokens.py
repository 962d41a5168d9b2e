"""Personal API tokens on the account's security pages: list, create (the secret is shown once), revoke."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from pme.accounts import access, selectors
from pme.accounts.forms import ApiTokenForm
from pme.accounts.services import api_tokens
from pme.accounts.views.common import current_user
from pme.core.timeutils import now


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ApiTokenForm(request.POST or None)
    secret = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, secret = api_tokens.issue_api_token(
                    user,
                    name=form.cleaned_data["name"],
                    expires_at=now() + dt.timedelta(days=form.cleaned_data["days"]),
                    actor=user,
                )
                form = ApiTokenForm()
            except api_tokens.TokenRefused as exc:
                form.add_error(None, str(exc))
                status = 400
        else:
            status = 400
    context = {
        "form": form,
        "secret": secret,
        "tokens": selectors.api_tokens_of(user),
        "may_hold_tokens": api_tokens.may_hold_tokens(user),
        "moment": now(),
    }
    return render(request, "accounts/api_tokens.html", context, status=status)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponseBase:
    """404 for a token of someone else, as for an unknown one."""
    user = current_user(request)
    token = access.get_own_api_token(user, pk)
    api_tokens.revoke_api_token(token, actor=user)
    messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")
