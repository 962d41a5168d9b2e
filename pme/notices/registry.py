"""Which app writes which notice. An app registers one renderer per kind in its AppConfig.ready();
the renderer turns a Notice into the message, in the notice's language, at the moment it is sent
(so secrets such as a one-time link are generated inside the task and exist in clear only in the
e-mail). A renderer returns None when the notice no longer applies (the request was withdrawn, the
link was already used): the notice is then dropped, not sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pme.notices.models import Notice


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


Renderer = Callable[[Notice], Message | None]
_RENDERERS: dict[str, Renderer] = {}


def register(kind: str, renderer: Renderer) -> None:
    if kind in _RENDERERS and _RENDERERS[kind] is not renderer:
        raise ValueError(f"notice kind {kind!r} is already registered")
    _RENDERERS[kind] = renderer


def renderer_for(kind: str) -> Renderer:
    try:
        return _RENDERERS[kind]
    except KeyError:
        raise LookupError(f"no renderer for notice kind {kind!r}") from None


def kinds() -> list[str]:
    return sorted(_RENDERERS)
