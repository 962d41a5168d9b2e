"""Start-up checks of the audit settings that a single env reader cannot express."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def check_workday_hours(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    start, end = settings.AUDIT_WORKDAY_START_HOUR, settings.AUDIT_WORKDAY_END_HOUR
    if not 0 <= start < end <= 24:
        return [
            Error(
                f"PME_AUDIT_WORKDAY_START_HOUR={start} and PME_AUDIT_WORKDAY_END_HOUR={end}: "
                "hours go from 0 to 24 and the start comes before the end.",
                id="audit.E001",
            )
        ]
    return []


CHAIN_KEY_CHECK_ID = "audit.E002"
MIN_CHAIN_KEY_LENGTH = 32


@register()
def check_chain_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Production refuses to run without a real key for the audit chain: without one, whoever can write
    the tables could recompute every link."""
    key = settings.AUDIT_CHAIN_KEY
    if settings.DEBUG:
        return []
    if len(key) < MIN_CHAIN_KEY_LENGTH:
        return [
            Error(
                "PME_AUDIT_CHAIN_KEY is not set (or shorter than 32 characters) with DEBUG off.",
                hint="The audit chain's HMAC key, kept outside the database. Generate one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))' and keep it.",
                id=CHAIN_KEY_CHECK_ID,
            )
        ]
    if key in (settings.SECRET_KEY, settings.AUDIT_NAM_KEY):
        return [
            Error(
                "PME_AUDIT_CHAIN_KEY is the same as SECRET_KEY or PME_AUDIT_NAM_KEY.",
                hint="Use a key of its own, so that rotating one never touches the others.",
                id=CHAIN_KEY_CHECK_ID,
            )
        ]
    return []


def refuse_production_without_chain_key() -> None:
    """Called when the WSGI application starts (gunicorn runs no system check): stops the server."""
    from django.core.exceptions import ImproperlyConfigured

    for message in check_chain_key():
        raise ImproperlyConfigured(f"{message.msg} {message.hint}")
