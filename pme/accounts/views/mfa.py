"""Second factor: TOTP enrolment with a QR code drawn on our server, verification, recovery codes."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from pme.accounts.forms import EnrolmentForm, TokenForm
from pme.accounts.services import security
from pme.accounts.views.common import current_user, is_verified, safe_next


def qr_svg(data: str) -> str:
    """An SVG QR code, made here: no image service ever sees the secret."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg") :]


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponseBase:
    user = current_user(request)
    next_url = safe_next(request, reverse("portal:home"))
    if security.has_second_factor(user) and not is_verified(user):
        # Replacing a device needs the current one: a stolen password alone must not enrol a new one.
        return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': next_url})}")
    device = security.pending_totp_device(user)
    form = EnrolmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = security.confirm_totp_device(device, actor=user, token=form.cleaned_data["token"])
        if codes is not None:
            device.refresh_from_db()
            django_otp.login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})
        form.add_error("token", _("This code is not valid. Enter the code your app shows now."))
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": mark_safe(qr_svg(device.config_url)),  # noqa: S308 (SVG we generate from our own data)
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": next_url,
        "replacing": security.has_second_factor(user),
    }
    return render(request, "accounts/otp_setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponseBase:
    user = current_user(request)
    next_url = safe_next(request, reverse("portal:home"))
    if is_verified(user):
        return redirect(next_url)
    if not security.has_second_factor(user):
        return redirect(f"{reverse('accounts:otp_setup')}?{urlencode({'next': next_url})}")
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        check = security.check_second_factor(user, token=form.cleaned_data["token"], request=request)
        if check.device is not None:
            django_otp.login(request, check.device)
            return redirect(next_url)
        form.add_error("token", check.message())
        if check.locked_for:
            response = render(
                request, "accounts/otp_verify.html", {"form": form, "next": next_url}, status=429
            )
            response["Retry-After"] = str(check.locked_for)
            return response
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not security.has_second_factor(user):
        return redirect("accounts:otp_setup")
    codes = security.regenerate_recovery_codes(actor=user)
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:security")}
    )
