"""Through which door an audited action came. The API and FHIR views run inside `channel("api", ...)`;
every event `record(...)` writes meanwhile carries those details (e.g. {"via": "api", "api_token": 7}),
so that the trail tells a page use from a system's use without each service knowing about the API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_CHANNEL: ContextVar[dict[str, Any] | None] = ContextVar("pme_audit_channel", default=None)


@contextmanager
def channel(via: str, **details: Any) -> Iterator[dict[str, Any]]:
    """Tags the events of the block; the yielded dict may receive more details (the token, once known)."""
    current = {"via": via, **details}
    reset = _CHANNEL.set(current)
    try:
        yield current
    finally:
        _CHANNEL.reset(reset)


def current_channel() -> dict[str, Any]:
    return dict(_CHANNEL.get() or {})


def tag(**details: Any) -> None:
    """Adds details to the current channel's tags (no effect outside a channel)."""
    current = _CHANNEL.get()
    if current is not None:
        current.update(details)


# The caller's network address, set once per HTTP request by RequestContextMiddleware, so that doors
# deep in the apps record it without being handed the HTTP request.
_ADDRESS: ContextVar[str | None] = ContextVar("pme_audit_address", default=None)


@contextmanager
def address(value: str | None) -> Iterator[None]:
    reset = _ADDRESS.set(value)
    try:
        yield
    finally:
        _ADDRESS.reset(reset)


def current_address() -> str | None:
    return _ADDRESS.get()


def current_via() -> str:
    """ "web" for pages (no channel set), else the channel's name ("api", "fhir", ...)."""
    return str((_CHANNEL.get() or {}).get("via", "web"))
