from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from pme.accounts.models import User


def current_user(request: HttpRequest) -> User:
    """The logged-in user (views using this are behind login_required)."""
    user = request.user
    assert isinstance(user, User)
    return user


def is_verified(user: object) -> bool:
    """True when this session passed the second factor (django-otp's middleware adds is_verified)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def link_unusable(request: HttpRequest, message: str) -> HttpResponse:
    """A one-time link that is unknown, used or expired: 404, with what to do next."""
    return render(request, "accounts/link_unusable.html", {"message": message}, status=404)
