"""Who is calling: `Authorization: Bearer <secret>` of a personal API token (pme.accounts), nothing else.

No session cookies: the API has no CSRF exposure, and a browser session cannot be replayed by a script.
The door is pme.accounts.services.api_tokens.authenticate_bearer: it counts bad secrets per address (a
valid token is never refused by that counter), records each failure, and applies the per-token rate limit
(429 with Retry-After, in the API's error format). Every audit event of an API call carries
{"via": "api", "api_token": <id>}.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from pme.accounts.models import User
from pme.accounts.services.api_tokens import BearerRefused, authenticate_bearer
from pme.api.errors import ApiError
from pme.audit.channel import tag


def bearer_secret(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _space, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def caller(request: HttpRequest) -> User:
    """The authenticated user of an API call (operations run only after `authenticate`)."""
    user = request.user
    assert isinstance(user, User)
    return user


def authenticate(request: HttpRequest) -> User:
    """The token's user, or ApiError 401 (no or bad token) / 429 (too many bad tokens from this address,
    or this token over its rate)."""
    try:
        token = authenticate_bearer(request, secret=bearer_secret(request))
    except BearerRefused as refused:
        if refused.retry_after:
            raise ApiError.throttled(refused.retry_after) from None
        raise ApiError.unauthorized() from None
    tag(api_token=token.pk)
    request.user = token.user
    return token.user


class BearerToken(HttpBearer):
    """`Authorization: Bearer <secret>`; see pme/api/auth.py. With `roles`, other roles get 403 before
    the body is even read (role operations, like role pages); without, objects decide (404)."""

    def __init__(self, roles: frozenset[str] | None = None) -> None:
        super().__init__()
        self.roles = roles

    def __call__(self, request: HttpRequest) -> Any:
        user = authenticate(request)
        if self.roles is not None and user.role not in self.roles:
            raise ApiError.forbidden()
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover (unused)
        return authenticate(request)
