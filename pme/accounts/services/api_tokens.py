"""Personal API tokens: issued on the security page (or by an operator's command), shown once, stored
hashed, revoked at any time. `use_api_token` is the API's one door from a secret to a user.

Design goals: a leaked database does not leak usable secrets (SHA-256 of 32 random bytes: no salt is
needed for a secret with 256 bits of entropy); a token is never more than its user (role and delegations
are read at each call); Régie staff tokens need a confirmed second-factor device, so that a staff account
that could never open a page cannot act through the API either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from pme.accounts import throttle
from pme.accounts.models import ApiToken, Role, User
from pme.accounts.services.security import has_second_factor
from pme.audit.codes import AuditCode
from pme.audit.models import Outcome
from pme.audit.services import record
from pme.core import throttle as counters
from pme.core.prepared import Prepared
from pme.core.timeutils import now

SECRET_PREFIX = "pme_"
MAX_DAYS = 366
LAST_USED_PRECISION = dt.timedelta(minutes=1)  # one write a minute at most per token


class TokenRefused(ValueError):
    """The token cannot be issued; the message says why, in the user's language."""


class BearerRefused(Exception):
    """No usable token: `retry_after` > 0 when the caller must wait (429), else 401."""

    def __init__(self, retry_after: int = 0) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def may_hold_tokens(user: User) -> bool:
    """Active accounts with a role and a chosen password; Régie staff also need a confirmed second
    factor (a token is the API's login: it must not skip what a page login requires)."""
    if not user.is_active or user.password_is_temporary or user.role not in Role.values:
        return False
    return not user.is_regie_staff or has_second_factor(user)


@transaction.atomic
def issue_api_token(
    user: User, *, name: str, expires_at: dt.datetime, actor: User | None
) -> tuple[ApiToken, str]:
    """Creates a token for `user` and returns it with its secret (the only time the secret exists)."""
    name = name.strip()
    if not name:
        raise TokenRefused(_("Give the token a name, for example the name of the software that uses it."))
    if not may_hold_tokens(user):
        raise TokenRefused(
            _("Régie staff need a second factor turned on before they can create an API token.")
            if user.is_active and user.is_regie_staff
            else _("This account cannot hold API tokens.")
        )
    moment = now()
    if expires_at <= moment or expires_at > moment + dt.timedelta(days=MAX_DAYS):
        raise TokenRefused(_("A token expires within one year (%(days)s days).") % {"days": MAX_DAYS})
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], secret_hash=hash_secret(secret), expires_at=expires_at
    )
    record(
        AuditCode.API_TOKEN_ISSUED,
        actor=actor,
        target=token,
        on_behalf_of=user if actor is not None and actor.pk != user.pk else None,
        details={"user": user.pk, "name": token.name, "expires_at": expires_at.isoformat()},
    )
    return token, secret


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: User | None) -> ApiToken:
    """Revokes at once (the next call with it gets 401). Revoking twice changes nothing."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = now()
        locked.save(update_fields=["revoked_at"])
        record(AuditCode.API_TOKEN_REVOKED, actor=actor, target=locked, details={"user": locked.user_id})
    return locked


# Every API call reads its token: compiled once per connection (pme/core/prepared.py). The prescriber's
# profile comes with the user (the API's answers name the professional number).
_TOKEN_BY_HASH = Prepared(
    "api_token",
    lambda shape, secret_hash: (
        ApiToken.objects.select_related("user", "user__prescriber_profile")
        .filter(secret_hash=secret_hash)
        .order_by("pk")[:1]
    ),
)


def use_api_token(secret: str) -> ApiToken | None:
    """The token a secret belongs to, if it may act now (else None); notes when it was last used."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    found = _TOKEN_BY_HASH.run(secret_hash=hash_secret(secret))
    token = found[0] if found else None
    moment = now()
    if token is None or not token.is_usable(moment) or not may_hold_tokens(token.user):
        return None
    if token.last_used_at is None or moment - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
        token.last_used_at = moment
    return token


def authenticate_bearer(request: HttpRequest, *, secret: str) -> ApiToken:
    """The API's login door: the usable token `secret` belongs to, or BearerRefused.

    - A valid token is never refused because of other callers' failures from the same address (behind a
      proxy or a clinic's network every system shares one); it is only held to its own rate
      (PME_API_BURST at once, then PME_API_RATE_PER_MINUTE).
    - A wrong, expired or revoked secret is recorded (`api_token.failed`) and counted per address; past
      pme/accounts/throttle.TOKEN_ADDRESS's free failures the address gets 429 for bad secrets, without
      more events, until the wait ends.
    """
    token = use_api_token(secret) if secret else None
    if token is None:
        if not secret:
            raise BearerRefused()
        wait = counters.admit(throttle.token_failure_key(request), throttle.TOKEN_ADDRESS)
        if wait:
            raise BearerRefused(wait)
        with transaction.atomic():
            record(
                AuditCode.API_TOKEN_FAILED,
                actor=None,
                outcome=Outcome.DENIED,
                request=request,
                details={"prefix_ok": secret.startswith(SECRET_PREFIX)},
            )
        raise BearerRefused()
    verdict = throttle.take_api_call(token.pk)
    if not verdict.allowed:
        raise BearerRefused(verdict.retry_after)
    return token
