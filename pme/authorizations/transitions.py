"""The one writer of a request's status: every change goes through `transition(...)`, which checks it
against the lifecycle table, writes the timeline entry and the audit event in the caller's transaction.

Private to the authorizations app (import-linter forbids other apps to import it): the review app acts
on requests through `pme.authorizations.decisions`, which checks who acts before calling this.
"""

from __future__ import annotations

from typing import Any

from pme.accounts.models import User
from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.authorizations.lifecycle import next_status
from pme.authorizations.models import AuthorizationRequest, TimelineEntry


def transition(
    auth_request: AuthorizationRequest,
    action: str,
    *,
    actor: User | None,
    code: AuditCode,
    note: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """Moves `auth_request` (locked by the caller) by `action`; TransitionNotAllowed when the table has
    no such move from its status."""
    source = auth_request.status
    auth_request.status = next_status(source, action)
    auth_request.row_version += 1
    auth_request.save()
    TimelineEntry.objects.create(
        auth_request=auth_request,
        actor=actor,
        action=action,
        from_status=source,
        to_status=auth_request.status,
        note=note,
    )
    record(
        code,
        actor=actor,
        target=auth_request,
        nam=auth_request.nam_value,
        on_behalf_of=auth_request.prescriber if actor and actor.pk != auth_request.prescriber_id else None,
        details={"from": source, "to": auth_request.status, **(details or {})},
    )


def note_without_status_change(
    auth_request: AuthorizationRequest,
    action: str,
    *,
    actor: User,
    code: AuditCode,
    note: str = "",
    details: dict[str, Any] | None = None,
    timeline: bool = True,
) -> None:
    """An act that keeps the status (a reviewer takes a request already in process, a reassignment):
    the row version moves, so that a reader's copy is stale, with its timeline entry and event."""
    auth_request.row_version += 1
    auth_request.save()
    if timeline:
        TimelineEntry.objects.create(
            auth_request=auth_request,
            actor=actor,
            action=action,
            from_status=auth_request.status,
            to_status=auth_request.status,
            note=note,
        )
    record(
        code,
        actor=actor,
        target=auth_request,
        nam=auth_request.nam_value,
        details={"status": auth_request.status, **(details or {})},
    )
