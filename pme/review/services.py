"""Writes of the Régie review: take, reassign, accept, refuse, request information.

Every function locks the request row (`select_for_update`), checks that the reviewer still holds it and
that it has not changed since the page was opened (`row_version`), applies the one transition table
through `apply_transition`, records the decision and the audit event in the same transaction, and
defers the e-mails to the task queue with `on_commit`. Two reviewers acting at the same moment end with
one decision and one `Conflict`: the second waits for the lock, then sees the new version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone

from pme.accounts.models import Role, User
from pme.accounts.selectors import active_delegations
from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.authorizations.lifecycle import Action, Status
from pme.authorizations.models import AuthorizationRequest, Notification, TimelineEntry
from pme.authorizations.services import apply_transition
from pme.core.timeutils import add_months
from pme.review.clock import read_clock
from pme.review.models import (
    Decision,
    DecisionKind,
    DecisionReason,
    NoticeDelivery,
    RefusalReason,
    ReviewerProfile,
)


class Conflict(Exception):
    """The request changed under the reviewer's feet; `code` says how (views show a message)."""

    def __init__(self, code: str, *, holder: User | None = None) -> None:
        super().__init__(code)
        self.code = code  # taken | changed | not_assigned | not_open | own_refusal
        self.holder = holder


class NotAllowed(Exception):
    """The actor may not do this (not a reviewer, not a supervisor)."""


@dataclass(frozen=True)
class ReasonInput:
    reason: RefusalReason
    criterion_key: str = ""


def is_supervisor(user: User) -> bool:
    return (
        user.role == Role.REVIEWER and ReviewerProfile.objects.filter(user=user, is_supervisor=True).exists()
    )


def _check_reviewer(user: User) -> None:
    if user.role != Role.REVIEWER or not user.is_active:
        raise NotAllowed


def _lock(auth_request: AuthorizationRequest) -> AuthorizationRequest:
    return (
        AuthorizationRequest.objects.select_for_update(of=("self",))
        .select_related("prescriber", "indication", "drug")
        .get(pk=auth_request.pk)
    )


def last_refuser_id(auth_request: AuthorizationRequest) -> int | None:
    decision = (
        Decision.objects.filter(auth_request=auth_request, kind=DecisionKind.REFUSED)
        .order_by("-created_at", "-pk")
        .first()
    )
    return decision.reviewer_id if decision else None


def _check_not_refuser(auth_request: AuthorizationRequest, reviewer: User) -> None:
    """A review (*révision*) goes to a reviewer other than the one who refused."""
    if auth_request.is_review and last_refuser_id(auth_request) == reviewer.pk:
        raise Conflict("own_refusal")


def _assign(
    locked: AuthorizationRequest, reviewer: User, *, actor: User, note: str, audit: AuditCode
) -> None:
    previous = locked.assigned_to_id
    locked.assigned_to = reviewer
    if locked.status == Status.SUBMITTED:
        apply_transition(
            locked,
            Action.TAKE,
            actor=actor,
            note=note,
            audit_action=audit,
            details={"assigned_to": reviewer.pk, "previous": previous},
        )
        return
    # Already in process (a review back in the queue, or a reassignment): no status change.
    locked.row_version += 1
    locked.save()
    TimelineEntry.objects.create(
        auth_request=locked,
        actor=actor,
        action=Action.TAKE,
        from_status=locked.status,
        to_status=locked.status,
        note=note,
    )
    record(
        audit,
        actor=actor,
        target=locked,
        nam=locked.nam_value,
        on_behalf_of=None,
        details={"assigned_to": reviewer.pk, "previous": previous, "status": locked.status},
    )


def take_request(auth_request: AuthorizationRequest, *, reviewer: User) -> AuthorizationRequest:
    """The reviewer takes a request waiting in the queue: *En traitement*, assigned to them."""
    _check_reviewer(reviewer)
    with transaction.atomic():
        locked = _lock(auth_request)
        if locked.assigned_to_id == reviewer.pk and locked.status == Status.IN_REVIEW:
            return locked  # a double click
        if locked.assigned_to_id is not None:
            raise Conflict("taken", holder=locked.assigned_to)
        if locked.status not in (Status.SUBMITTED, Status.IN_REVIEW):
            raise Conflict("not_open")
        _check_not_refuser(locked, reviewer)
        _assign(locked, reviewer, actor=reviewer, note="", audit=AuditCode.REQUEST_TAKEN)
        return locked


def reassign_request(
    auth_request: AuthorizationRequest, *, supervisor: User, to: User
) -> AuthorizationRequest:
    """A supervisor gives an open request to another reviewer (or to themselves)."""
    if not is_supervisor(supervisor) or to.role != Role.REVIEWER or not to.is_active:
        raise NotAllowed
    with transaction.atomic():
        locked = _lock(auth_request)
        if locked.status not in (Status.SUBMITTED, Status.IN_REVIEW, Status.INFORMATION_REQUESTED):
            raise Conflict("not_open")
        _check_not_refuser(locked, to)
        if locked.status == Status.INFORMATION_REQUESTED:
            locked.assigned_to = to
            locked.row_version += 1
            locked.save()
            record(
                AuditCode.REQUEST_REASSIGNED,
                actor=supervisor,
                target=locked,
                nam=locked.nam_value,
                details={"assigned_to": to.pk},
            )
        else:
            _assign(
                locked,
                to,
                actor=supervisor,
                note=to.get_full_name() or to.username,
                audit=AuditCode.REQUEST_REASSIGNED,
            )
        return locked


def _lock_for_decision(
    auth_request: AuthorizationRequest, reviewer: User, expected_version: int
) -> AuthorizationRequest:
    _check_reviewer(reviewer)
    locked = _lock(auth_request)
    if locked.row_version != expected_version:
        raise Conflict("changed", holder=locked.assigned_to)
    if locked.status != Status.IN_REVIEW:
        raise Conflict("not_open")
    if locked.assigned_to_id != reviewer.pk:
        raise Conflict("not_assigned", holder=locked.assigned_to)
    return locked


def _elapsed_seconds(locked: AuthorizationRequest, at: dt.datetime) -> int:
    reading = read_clock(locked, list(locked.timeline.all()), at=at)
    return int(reading.elapsed.total_seconds())


def period_end(start: dt.date, amount: int, unit: str) -> dt.date:
    """Last day of a period of `amount` units starting on `start` (inclusive)."""
    if unit == "months":
        end = add_months(start, amount)
    else:
        end = start + dt.timedelta(days=amount * (7 if unit == "weeks" else 1))
    return end - dt.timedelta(days=1)


def requested_end(auth_request: AuthorizationRequest) -> dt.date | None:
    if auth_request.requested_start is None or not auth_request.requested_duration:
        return None
    return period_end(
        auth_request.requested_start, auth_request.requested_duration, auth_request.requested_duration_unit
    )


def is_partial(auth_request: AuthorizationRequest, *, start: dt.date, end: dt.date, quantity: str) -> bool:
    """Shorter than asked, starting later than asked, or another quantity than asked."""
    asked_end = requested_end(auth_request)
    if auth_request.requested_start and start > auth_request.requested_start:
        return True
    if asked_end and end < asked_end:
        return True
    asked = auth_request.quantity.strip().casefold()
    return bool(asked) and quantity.strip().casefold() != asked


def _new_decision(locked: AuthorizationRequest, reviewer: User, kind: str, **fields: object) -> Decision:
    at = timezone.now()
    return Decision.objects.create(
        auth_request=locked,
        reviewer=reviewer,
        kind=kind,
        is_review=locked.is_review,
        elapsed_seconds=_elapsed_seconds(locked, at),
        **fields,
    )


def accept_request(
    auth_request: AuthorizationRequest,
    *,
    reviewer: User,
    start: dt.date,
    end: dt.date,
    quantity: str,
    expected_version: int,
) -> Decision:
    if end < start:
        raise ValueError("the authorized period ends before it starts")
    with transaction.atomic():
        locked = _lock_for_decision(auth_request, reviewer, expected_version)
        partial_acceptance = is_partial(locked, start=start, end=end, quantity=quantity)
        decision = _new_decision(
            locked,
            reviewer,
            DecisionKind.ACCEPTED,
            authorized_start=start,
            authorized_end=end,
            authorized_quantity=quantity.strip(),
            partial=partial_acceptance,
        )
        locked.authorized_start = start
        locked.authorized_end = end
        locked.authorized_quantity = quantity.strip()
        locked.decided_at = decision.created_at
        locked.automated = False
        apply_transition(
            locked,
            Action.ACCEPT,
            actor=reviewer,
            audit_action=AuditCode.REQUEST_ACCEPTED,
            details={"decision": decision.pk, "partial": partial_acceptance},
        )
        _notify(decision, Notification.Kind.DECISION)
        return decision


def refuse_request(
    auth_request: AuthorizationRequest,
    *,
    reviewer: User,
    reasons: Sequence[ReasonInput],
    text: str,
    expected_version: int,
) -> Decision:
    if not reasons:
        raise ValueError("a refusal names at least one reason")
    with transaction.atomic():
        locked = _lock_for_decision(auth_request, reviewer, expected_version)
        decision = _new_decision(locked, reviewer, DecisionKind.REFUSED, text=text.strip())
        DecisionReason.objects.bulk_create(
            DecisionReason(decision=decision, reason=r.reason, criterion_key=r.criterion_key, position=i)
            for i, r in enumerate(reasons)
        )
        locked.decided_at = decision.created_at
        locked.authorized_start = None
        locked.authorized_end = None
        locked.authorized_quantity = ""
        locked.refusal_reasons = [
            {"code": r.reason.code, "fr": r.reason.text_fr, "en": r.reason.text_en} for r in reasons
        ]
        apply_transition(
            locked,
            Action.REFUSE,
            actor=reviewer,
            note=text.strip(),
            audit_action=AuditCode.REQUEST_REFUSED,
            details={"decision": decision.pk, "reasons": [r.reason.code for r in reasons]},
        )
        _notify(decision, Notification.Kind.DECISION)
        return decision


def request_information(
    auth_request: AuthorizationRequest, *, reviewer: User, questions: str, expected_version: int
) -> Decision:
    """*À préciser*: the request waits for the prescriber's answer; the clock pauses meanwhile."""
    if not questions.strip():
        raise ValueError("ask at least one question")
    with transaction.atomic():
        locked = _lock_for_decision(auth_request, reviewer, expected_version)
        decision = _new_decision(locked, reviewer, DecisionKind.INFORMATION_REQUESTED, text=questions.strip())
        apply_transition(
            locked,
            Action.REQUEST_INFORMATION,
            actor=reviewer,
            note=questions.strip(),
            audit_action=AuditCode.INFORMATION_REQUESTED,
            details={"decision": decision.pk},
        )
        _notify(decision, Notification.Kind.INFORMATION_REQUESTED)
        return decision


def recipients(auth_request: AuthorizationRequest) -> list[User]:
    """The prescriber and the collaborators who work for them today (active accounts only)."""
    people = [auth_request.prescriber] if auth_request.prescriber.is_active else []
    links = active_delegations().filter(prescriber=auth_request.prescriber).select_related("collaborator")
    people += [link.collaborator for link in links if link.collaborator.is_active]
    return people


def _notify(decision: Decision, kind: str) -> None:
    """Home-page items in this transaction; e-mails by the task queue once the decision is committed."""
    from pme.review.tasks import send_notice

    for person in recipients(decision.auth_request):
        Notification.objects.create(user=person, auth_request=decision.auth_request, kind=kind)
        if not person.email:
            continue
        delivery = NoticeDelivery.objects.create(decision=decision, recipient=person)
        # robust: a broken queue must not turn a committed decision into an error page.
        transaction.on_commit(partial(send_notice.enqueue, delivery.pk), robust=True)
