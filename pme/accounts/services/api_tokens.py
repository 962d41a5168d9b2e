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
from django.utils.translation import gettext as _

from pme.accounts.models import ApiToken, User
from pme.accounts.services.security import has_second_factor
from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.core.timeutils import now

SECRET_PREFIX = "pme_"
MAX_DAYS = 366
LAST_USED_PRECISION = dt.timedelta(minutes=1)  # one write a minute at most per token


class TokenRefused(ValueError):
    """The token cannot be issued; the message says why, in the user's language."""


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def may_hold_tokens(user: User) -> bool:
    """Active accounts with a chosen password; Régie staff also need a confirmed second factor."""
    if not user.is_active or user.password_is_temporary:
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


def use_api_token(secret: str) -> ApiToken | None:
    """The token a secret belongs to, if it may act now (else None); notes when it was last used."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(secret_hash=hash_secret(secret)).first()
    moment = now()
    if token is None or not token.is_usable(moment) or not may_hold_tokens(token.user):
        return None
    if token.last_used_at is None or moment - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
        token.last_used_at = moment
    return token
