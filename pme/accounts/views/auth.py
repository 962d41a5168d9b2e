"""Login (throttled), logout, password change and reset, e-mail verification, the security page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from pme.accounts import throttle
from pme.accounts.forms import ChangePasswordForm, LoginForm, NewPasswordForm, PasswordResetRequestForm
from pme.accounts.middleware import needs_second_factor, start_session_clock
from pme.accounts.models import User
from pme.accounts.services import security
from pme.accounts.tasks import EMAIL_VERIFICATION_SALT
from pme.accounts.views.common import current_user, link_unusable, safe_next
from pme.audit.codes import AuditCode
from pme.audit.models import Outcome
from pme.audit.services import client_ip, record
from pme.core.timeutils import now

EMAIL_VERIFICATION_MAX_AGE = 3 * 24 * 60 * 60


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponseBase:
    """Throttled per account and per address (see throttle.py). Unknown usernames and wrong passwords
    get the same answer, and both run one password hash (Django's ModelBackend does it for unknown
    users), so neither the text nor the timing tells them apart."""
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    status = 200
    throttle_message = ""
    if request.method == "POST":
        username = str(request.POST.get("username", ""))[:150]
        keys = throttle.keys_for(username, client_ip(request))
        wait = throttle.wait_seconds(keys)
        if wait:
            with transaction.atomic():
                record(
                    AuditCode.LOGIN_THROTTLED,
                    actor=None,
                    outcome=Outcome.DENIED,
                    request=request,
                    details={"username": username},
                )
            form = LoginForm(request, initial={"username": username})
            throttle_message = _("Too many failed attempts. Wait %(seconds)s seconds, then try again.") % {
                "seconds": wait
            }
            status = 429
        elif form.is_valid():
            user = form.get_user()
            assert isinstance(user, User)
            if user.password_is_temporary and not user.temporary_password_usable(now()):
                form.add_error(
                    None,
                    _(
                        "This temporary password has expired or has already been used. Ask the Régie's "
                        "access administrators for a new one (see Assistance)."
                    ),
                )
                with transaction.atomic():
                    record(
                        AuditCode.LOGIN_FAILED,
                        actor=None,
                        target=user,
                        outcome=Outcome.DENIED,
                        request=request,
                        details={"reason": "temporary_password_unusable"},
                    )
            else:
                return _log_in(request, user, keys)
        else:
            throttle.register_failure(keys)
            with transaction.atomic():
                record(
                    AuditCode.LOGIN_FAILED,
                    actor=None,
                    outcome=Outcome.DENIED,
                    request=request,
                    details={"username": username},
                )
    context = {
        "form": form,
        "next": safe_next(request, ""),
        "expired": request.GET.get("expired", ""),
        "throttle_message": throttle_message,
    }
    return render(request, "accounts/login.html", context, status=status)


def _log_in(request: HttpRequest, user: User, keys: list[throttle.Key]) -> HttpResponseBase:
    throttle.register_success(keys)
    auth_login(request, user)  # a new session id (fixation defence)
    start_session_clock(request)
    with transaction.atomic():
        record(AuditCode.LOGIN, actor=user, target=user, request=request)
        if user.password_is_temporary:
            security.use_temporary_password(user, request=request)
    if user.password_is_temporary:
        return redirect("accounts:password_change")
    destination = safe_next(request, reverse("portal:home"))
    if needs_second_factor(user):
        step = "accounts:otp_verify" if security.has_second_factor(user) else "accounts:otp_setup"
        return redirect(f"{reverse(step)}?{urlencode({'next': destination})}")
    return redirect(destination)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        with transaction.atomic():
            record(AuditCode.LOGOUT, actor=request.user, target=request.user, request=request)
    auth_logout(request)  # flushes the session server-side
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
        security.request_password_reset(username=form.cleaned_data["username"], request=request)
        return render(request, "accounts/password_reset_sent.html")
    return render(request, "accounts/password_reset.html", {"form": form})


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        pk = 0
    user = User.objects.filter(pk=pk, is_active=True, email_verified_at__isnull=False).first()
    if user is None or not default_token_generator.check_token(user, token):
        return link_unusable(
            request, _("This password reset link has expired or has already been used. Ask for a new one.")
        )
    form = NewPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            security.reset_password(user, new_password=form.cleaned_data["new_password1"], request=request)
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
        user = User.objects.get(pk=data["user"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError):
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
