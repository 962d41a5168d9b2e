"""Typed readers for environment variables: a bad value stops the start-up with a clear message.

Settings are read from the process environment only (12-factor); `.env.example` lists every one.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
SUPPORTED_DB_ENGINES = {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
}


def env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int, environ: Mapping[str, str] = os.environ, minimum: int = 0) -> int:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_config(url: str) -> dict[str, Any]:
    """Turns DATABASE_URL into a Django DATABASES entry, refusing anything but SQLite and PostgreSQL."""
    if "://" not in url:
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r} is not a URL: expected sqlite:///path or postgres://user@host:port/name."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several types
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} cannot be used: {exc}") from None
    engine = config.get("ENGINE")
    if engine not in SUPPORTED_DB_ENGINES:
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r} names an unsupported database ({engine}); use sqlite or postgres."
        )
    if engine == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} has no database name.")
    if engine == "django.db.backends.postgresql":
        # Parameters bound by the server, and a statement run more than `prepare_threshold` times on a
        # connection kept as a prepared statement: PostgreSQL then reuses its plan instead of planning
        # the panorama's query again on every call (2.6 → 0.6 ms on the bench data). docs/decisions/0006.
        raw = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5")
        threshold = env_int("DATABASE_PREPARE_THRESHOLD", 5) if raw.strip() else None  # empty: never
        config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=threshold)
    if engine == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    return dict(config)


def trusted_proxies(entries: list[str]) -> list[str]:
    """Addresses or networks (10.0.0.0/8, ::1); a value that is neither stops the start-up."""
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"PME_TRUSTED_PROXIES: {entry!r} is not an IP address or network "
                "(e.g. 10.0.0.5 or 10.0.0.0/24)."
            ) from None
    return entries


def secret_key(environ: Mapping[str, str], debug: bool) -> str:
    """The production secret is mandatory; only a DEBUG run may fall back to a development key."""
    key = environ.get("SECRET_KEY", "").strip()
    if key:
        if not debug and len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
        return key
    if debug:
        return "dev-only-insecure-key-never-used-in-production-0123456789abcdef"
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. It is required when DEBUG is off (production). "
        "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )
