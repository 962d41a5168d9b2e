"""Login (throttled), logout, password change and reset, e-mail verification, the security page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from pme.accounts import access, throttle
from pme.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    ResetPasswordForm,
)
from pme.accounts.middleware import HAS_SECOND_FACTOR, needs_second_factor
from pme.accounts.models import User
from pme.accounts.notices import EMAIL_VERIFICATION_SALT
from pme.accounts.services import authentication, security
from pme.accounts.views.common import current_user, link_unusable, safe_next

EMAIL_VERIFICATION_MAX_AGE = 3 * 24 * 60 * 60


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponseBase:
    """The one login page (the admin sends its visitors here too): see services/authentication.py."""
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = LoginForm(request.POST if request.method == "POST" else None)
    status = 200
    throttle_message = ""
    retry_after = 0
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        outcome = authentication.log_in(request, username=username, password=form.cleaned_data["password"])
        if outcome.user is not None:
            response = _after_login(request, outcome.user)
            throttle.remember_device(request, response, username)
            return response
        if outcome.refusal == authentication.Refusal.THROTTLED:
            throttle_message = _("Too many failed attempts. Wait %(seconds)s seconds, then try again.") % {
                "seconds": outcome.wait
            }
            status, retry_after = 429, outcome.wait
        elif outcome.refusal == authentication.Refusal.TEMPORARY_PASSWORD_UNUSABLE:
            form.add_error(
                None,
                _(
                    "This temporary password has expired or has already been used. Ask the Régie's "
                    "access administrators for a new one (see Assistance)."
                ),
            )
        else:
            form.add_error(None, LoginForm.INVALID)
    context = {
        "form": form,
        "next": safe_next(request, ""),
        "expired": request.GET.get("expired", ""),
        "throttle_message": throttle_message,
    }
    response = render(request, "accounts/login.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _after_login(request: HttpRequest, user: User) -> HttpResponseBase:
    """Where a fresh session goes: the new password, the second factor, or the page asked for, in the
    user's own language (an English-speaking user logging in from /fr/ lands in English)."""
    # translate_url resolves in the request's language, so it runs before switching to the user's.
    destination = translate_url(safe_next(request, reverse("portal:home")), user.language)
    translation.activate(user.language)
    request.session[HAS_SECOND_FACTOR] = security.has_second_factor(user)
    if user.password_is_temporary:
        response = redirect("accounts:password_change")
    else:
        if needs_second_factor(user):
            step = "accounts:otp_verify" if request.session[HAS_SECOND_FACTOR] else "accounts:otp_setup"
            response = redirect(f"{reverse(step)}?{urlencode({'next': destination})}")
        else:
            response = redirect(destination)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )
    return response


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    authentication.log_out(request)  # flushes the session server-side
    return render(request, "accounts/logged_out.html")


@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    temporary = user.password_is_temporary
    data = request.POST if request.method == "POST" else None
    form: NewPasswordForm = NewPasswordForm(data) if temporary else ChangePasswordForm(data, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            security.change_password(
                user, actor=user, new_password=form.cleaned_data["new_password1"], request=request
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            update_session_auth_hash(request, user)  # this session stays; the others end
            messages.success(request, _("Your new password is saved. Your other sessions are closed."))
            return redirect("portal:home" if temporary else "accounts:security")
    return render(request, "accounts/password_change.html", {"form": form, "temporary": temporary})


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        verdict = security.request_password_reset(username=form.cleaned_data["username"], request=request)
        if verdict.allowed:
            return render(request, "accounts/password_reset_sent.html")
        minutes = max(1, -(-verdict.retry_after // 60))
        form.add_error(
            None,
            _(
                "You asked for several links in a short time. Check your e-mails, junk folder included: a "
                "link may already be there. You can ask again in %(minutes)s minute(s)."
            )
            % {"minutes": minutes},
        )
        response = render(request, "accounts/password_reset.html", {"form": form}, status=429)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    return render(request, "accounts/password_reset.html", {"form": form})


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        pk = 0
    user = access.user_for_password_reset(pk)
    if user is None or not default_token_generator.check_token(user, token):
        return link_unusable(
            request, _("This password reset link has expired or has already been used. Ask for a new one.")
        )
    form = ResetPasswordForm(
        request.POST if request.method == "POST" else None, second_factor=security.has_second_factor(user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            security.reset_password(
                user,
                new_password=form.cleaned_data["new_password1"],
                second_factor_code=form.cleaned_data.get("second_factor_code", ""),
                request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Your new password is saved. You can log in with it."))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


@login_required
@require_POST
def email_verify_send(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    security.request_email_verification(user, actor=user)
    messages.success(
        request, _("We sent a link to %(email)s. Open it to confirm the address.") % {"email": user.email}
    )
    return redirect("accounts:security")


@require_http_methods(["GET"])
def email_verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = signing.loads(token, salt=EMAIL_VERIFICATION_SALT, max_age=EMAIL_VERIFICATION_MAX_AGE)
        user = access.user_by_pk(int(data["user"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        user = None
    if user is None:
        return link_unusable(request, _("This confirmation link has expired. Ask for a new one."))
    if not security.verify_email(user, email=str(data.get("email", ""))):
        return link_unusable(request, _("This link is for an address that is no longer on the account."))
    return render(request, "accounts/email_verified.html")


@login_required
@require_http_methods(["GET"])
def security_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "accounts/security.html",
        {"has_second_factor": security.has_second_factor(user), "account": user},
    )
