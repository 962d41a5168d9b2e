"""Who is calling: `Authorization: Bearer <secret>` of a personal API token (pme.accounts), nothing else.

No session cookies: the API has no CSRF exposure, and a browser session cannot be replayed by a script.
Failed attempts are counted per address with the login throttle's counters (pme.accounts.throttle): after
ADDRESS_FREE_FAILURES bad secrets in a row, the address waits (429 with Retry-After), so secrets cannot be
guessed online. Every audit event of an API call carries {"via": "api", "api_token": <id>}.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from pme.accounts import throttle
from pme.accounts.models import User
from pme.accounts.services.api_tokens import use_api_token
from pme.api.errors import ApiError
from pme.audit.channel import tag
from pme.audit.services import client_ip


def _failure_keys(request: HttpRequest) -> list[throttle.Key]:
    address = client_ip(request) or "unknown"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return [throttle.Key(f"api-token-fail:addr:{digest}", throttle.ADDRESS_FREE_FAILURES)]


def bearer_secret(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _space, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def authenticate(request: HttpRequest) -> User:
    """The token's user, or ApiError 401 (no or bad token) / 429 (too many bad tokens from here)."""
    keys = _failure_keys(request)
    wait = throttle.wait_seconds(keys)
    if wait:
        raise ApiError.throttled(wait)
    secret = bearer_secret(request)
    token = use_api_token(secret) if secret else None
    if token is None:
        if secret:
            throttle.register_failure(keys)
        raise ApiError.unauthorized()
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
