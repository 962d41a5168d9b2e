"""Refused reads are recorded too: a person probing ids must show in the trail.

Doors call `record_denial` when a user asks for an object that does not exist or that is not theirs,
then answer exactly as for an unknown id (the same 404), so that the answer tells the caller nothing
while the trail tells the privacy officer everything: who, which object, through which channel, and
whether it exists (`outcome` not_found or denied).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import transaction
from django.http import Http404

from pme.audit.channel import current_via
from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent, Outcome
from pme.audit.services import HashedNAM, record
from pme.core.nam import NAM


def record_denial(
    *,
    actor: Any,
    object_type: str,
    object_id: object,
    exists: bool,
    nam: NAM | HashedNAM | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Writes one `access.denied` event in its own transaction, so that the 404 that follows (which may
    roll back the caller's work) cannot take it with it."""
    with transaction.atomic():
        return record(
            AuditCode.ACCESS_DENIED,
            actor=actor,
            outcome=Outcome.DENIED if exists else Outcome.NOT_FOUND,
            nam=nam,
            details={
                "object": object_type,
                "id": str(object_id)[:64],
                "channel": current_via(),
                **(details or {}),
            },
        )


class Unseen(Http404):
    """Raised by a door's fetch when the object does not exist or is not the actor's. It is an Http404,
    so every caller answers the same 404 as for an unknown id; `door` records it once, after the door's
    transaction has rolled back, so the refusal survives in the trail."""

    def __init__(
        self,
        *,
        actor: Any,
        object_type: str,
        object_id: object,
        exists: bool,
        nam: NAM | HashedNAM | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__("not found")
        self.actor = actor
        self.object_type = object_type
        self.object_id = object_id
        self.exists = exists
        self.nam = nam
        self.details = details
        self.recorded = False


P = ParamSpec("P")
R = TypeVar("R")


def door(function: Callable[P, R]) -> Callable[P, R]:
    """Marks a use-case function (a door): an `Unseen` raised inside it is recorded as one
    `access.denied` event, outside the function's own transaction, then re-raised as the 404."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except Unseen as unseen:
            if not unseen.recorded:
                unseen.recorded = True
                record_denial(
                    actor=unseen.actor,
                    object_type=unseen.object_type,
                    object_id=unseen.object_id,
                    exists=unseen.exists,
                    nam=unseen.nam,
                    details=unseen.details,
                )
            raise

    return wrapper
