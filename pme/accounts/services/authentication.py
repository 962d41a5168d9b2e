"""Signing in and out: the one door every login goes through (pages, and the Django admin, which sends
its visitors here), with the throttle (pme/accounts/throttle.py) and the audit events of each outcome.

The views only parse the form and render; the events are written here (`record(` never appears in a
view). Unknown usernames and wrong passwords get the same outcome, and both run one password hash
(Django's ModelBackend hashes for unknown users too), so neither the answer nor its timing tells them
apart.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.db import transaction
from django.http import HttpRequest

from pme.accounts import throttle
from pme.accounts.models import User
from pme.accounts.services import security
from pme.audit.codes import AuditCode
from pme.audit.models import Outcome
from pme.audit.services import record
from pme.core.timeutils import now

AUTH_AT = "pme_auth_at"
SEEN_AT = "pme_seen_at"


class Refusal(StrEnum):
    INVALID = "invalid"
    THROTTLED = "throttled"
    TEMPORARY_PASSWORD_UNUSABLE = "temporary_password_unusable"


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    refusal: Refusal | None = None
    wait: int = 0  # seconds, when throttled


def start_session_clock(request: HttpRequest) -> None:
    """Called right after login(): the session's absolute and idle limits count from now."""
    moment = time.time()
    request.session[AUTH_AT] = moment
    request.session[SEEN_AT] = moment


def log_in(request: HttpRequest, *, username: str, password: str) -> LoginOutcome:
    """Checks the credentials through the throttle, opens the session on success (a new session id),
    and records the outcome. A temporary password works for one login, before it expires."""
    username = username[:150]
    keys = throttle.login_keys(request, username)
    wait = throttle.login_wait(keys) or throttle.admit_login(keys)
    if wait:
        with transaction.atomic():
            record(
                AuditCode.LOGIN_THROTTLED,
                actor=None,
                outcome=Outcome.DENIED,
                request=request,
                details={"username": username},
            )
        return LoginOutcome(None, Refusal.THROTTLED, wait)
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        with transaction.atomic():
            record(
                AuditCode.LOGIN_FAILED,
                actor=None,
                outcome=Outcome.DENIED,
                request=request,
                details={"username": username},
            )
        return LoginOutcome(None, Refusal.INVALID)
    if user.password_is_temporary and not user.temporary_password_usable(now()):
        with transaction.atomic():
            record(
                AuditCode.LOGIN_FAILED,
                actor=None,
                target=user,
                outcome=Outcome.DENIED,
                request=request,
                details={"reason": "temporary_password_unusable"},
            )
        return LoginOutcome(None, Refusal.TEMPORARY_PASSWORD_UNUSABLE)
    throttle.login_succeeded(keys, username)
    auth_login(request, user)  # a new session id (fixation defence)
    start_session_clock(request)
    with transaction.atomic():
        record(AuditCode.LOGIN, actor=user, target=user, request=request)
        if user.password_is_temporary:
            security.use_temporary_password(user, request=request)
    return LoginOutcome(user)


def log_out(request: HttpRequest) -> None:
    """Ends the session on the server (flushed), after recording who left."""
    user = request.user
    if user.is_authenticated:
        with transaction.atomic():
            record(AuditCode.LOGOUT, actor=user, target=user, request=request)
    auth_logout(request)


def end_expired_session(request: HttpRequest, *, reason: str) -> None:
    """The session outlived its idle or absolute limit: recorded, then ended."""
    user = request.user
    assert isinstance(user, User)
    with transaction.atomic():
        record(
            AuditCode.SESSION_EXPIRED, actor=user, target=user, request=request, details={"reason": reason}
        )
    auth_logout(request)
