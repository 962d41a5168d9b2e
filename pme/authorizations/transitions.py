"""The one writer of a request's status: every change goes through `transition(...)`, which checks it
against the lifecycle table, writes the timeline entry and the audit event in the caller's transaction.

Private to the authorizations app (import-linter forbids other apps to import it): the review app acts
on requests through `pme.authorizations.decisions`, which checks who acts before calling this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pme.accounts.models import User
from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.authorizations import queue
from pme.authorizations.lifecycle import next_status
from pme.authorizations.models import AuthorizationRequest, TimelineEntry
from pme.core.prefetched import add_known


@dataclass(frozen=True)
class Step:
    """One move of the lifecycle: `action` by `actor` (None: the system), with the timeline's note."""

    action: str
    actor: User | None
    note: str = ""


def transition(
    auth_request: AuthorizationRequest,
    action: str,
    *,
    actor: User | None,
    code: AuditCode,
    note: str = "",
    details: dict[str, Any] | None = None,
) -> list[TimelineEntry]:
    """Moves `auth_request` (locked by the caller) by `action`; TransitionNotAllowed when the table has
    no such move from its status."""
    return move(auth_request, [Step(action, actor, note)], code=code, actor=actor, details=details)


def move(
    auth_request: AuthorizationRequest,
    steps: list[Step],
    *,
    code: AuditCode,
    actor: User | None,
    details: dict[str, Any] | None = None,
) -> list[TimelineEntry]:
    """Moves `auth_request` through `steps` as one change (a submission accepted at once: transmit, then
    the automatic acceptance): each step checked against the lifecycle table and kept in the timeline,
    the request saved once, the queue counts moved once, and one audit event `code` by `actor` that
    names the first status and the last. Returns the new timeline entries, in order."""
    source = auth_request.status
    entries = []
    for step in steps:
        before = auth_request.status
        auth_request.status = next_status(before, step.action)
        queue.queue_fields_after(auth_request, before, step.action)  # the review queue's order
        entries.append(
            TimelineEntry(
                auth_request=auth_request,
                actor=step.actor,
                action=step.action,
                from_status=before,
                to_status=auth_request.status,
                note=step.note,
            )
        )
    queue.move_count(auth_request.pk, source, auth_request.status)  # and its counts
    auth_request.row_version += 1
    auth_request.save()
    entries = TimelineEntry.objects.bulk_create(entries)
    add_known(auth_request, "timeline", *entries)
    record(
        code,
        actor=actor,
        target=auth_request,
        nam=auth_request.nam_value,
        on_behalf_of=auth_request.prescriber if actor and actor.pk != auth_request.prescriber_id else None,
        details={"from": source, "to": auth_request.status, **(details or {})},
    )
    return entries


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
        entry = TimelineEntry.objects.create(
            auth_request=auth_request,
            actor=actor,
            action=action,
            from_status=auth_request.status,
            to_status=auth_request.status,
            note=note,
        )
        add_known(auth_request, "timeline", entry)
    record(
        code,
        actor=actor,
        target=auth_request,
        nam=auth_request.nam_value,
        details={"status": auth_request.status, **(details or {})},
    )
