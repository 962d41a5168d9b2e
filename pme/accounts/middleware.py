"""One gate for every page a logged-in person opens (in place of django-otp's middleware):

1. Session lifetime: ends after SESSION_IDLE_TIMEOUT without a request, and SESSION_COOKIE_AGE (12 h)
   after the login, whatever the activity.
2. A temporary password allows nothing but choosing a new password (and logging out, reading help).
3. Régie staff, and anyone who enrolled a second factor, reach nothing but the second-factor pages until
   they have entered a code in this session.

The second-factor state lives in the session, so the gate costs no query: django_otp.login() stores the
verifying device's id there (verified), and the login door stores whether the account has a device at
all (`HAS_SECOND_FACTOR`). Every credential change rotates the user's session hash, which ends the
sessions that carry these flags (pme/accounts/services/security.py).

The menu hides pages; this gate is what actually refuses them (redirects, so people land where they can
act). Only the pages listed in the *_ALLOWED sets below are open at each step.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from pme.accounts.services.authentication import AUTH_AT, SEEN_AT, end_expired_session, start_session_clock
from pme.accounts.services.security import has_second_factor

HAS_SECOND_FACTOR = "pme_has_second_factor"
SEEN_WRITE_EVERY = 30  # seconds: saves one session write per request without weakening the 30-minute limit

ALWAYS_ALLOWED = frozenset(
    {"accounts:logout", "accounts:login", "portal:help", "portal:help_section", "healthz"}
)
TEMPORARY_PASSWORD_ALLOWED = ALWAYS_ALLOWED | {"accounts:password_change"}
SECOND_FACTOR_ALLOWED = ALWAYS_ALLOWED | {"accounts:otp_setup", "accounts:otp_verify"}

__all__ = ["AccountGateMiddleware", "needs_second_factor", "start_session_clock"]


def needs_second_factor(user: Any) -> bool:
    return bool(user.is_regie_staff or has_second_factor(user))


def session_needs_second_factor(request: HttpRequest, user: Any) -> bool:
    """Like needs_second_factor, but asks the database once per session, not once per request."""
    if user.is_regie_staff:
        return True
    known = request.session.get(HAS_SECOND_FACTOR)
    if known is None:
        known = has_second_factor(user)
        request.session[HAS_SECOND_FACTOR] = known
    return bool(known)


def _verified(request: HttpRequest) -> Callable[[], bool]:
    return lambda: DEVICE_ID_SESSION_KEY in request.session


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user.is_verified = _verified(request)
            if not hasattr(user, "otp_device"):
                user.otp_device = None  # django_otp.login() sets it when a code is accepted
            expired = self._session_expired(request)
            if expired:
                end_expired_session(request, reason=expired)
                query = urlencode({"expired": expired, "next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('accounts:login')}?{query}")
        return self.get_response(request)

    @staticmethod
    def _session_expired(request: HttpRequest) -> str:
        moment = time.time()
        auth_at = request.session.get(AUTH_AT)
        seen_at = request.session.get(SEEN_AT)
        if auth_at is None or seen_at is None:  # a session opened without our login view (tests)
            start_session_clock(request)
            return ""
        if moment - auth_at > settings.SESSION_COOKIE_AGE:
            return "absolute"
        if moment - seen_at > settings.SESSION_IDLE_TIMEOUT:
            return "idle"
        if moment - seen_at > SEEN_WRITE_EVERY:
            request.session[SEEN_AT] = moment
        return ""

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.resolver_match is None:
            return None
        name = request.resolver_match.view_name
        if user.password_is_temporary:
            if name in TEMPORARY_PASSWORD_ALLOWED:
                return None
            return HttpResponseRedirect(reverse("accounts:password_change"))
        if name in SECOND_FACTOR_ALLOWED or DEVICE_ID_SESSION_KEY in request.session:
            return None
        if not session_needs_second_factor(request, user):
            return None
        target = "accounts:otp_verify" if has_second_factor(user) else "accounts:otp_setup"
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
