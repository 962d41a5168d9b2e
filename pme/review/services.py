"""The doors of the Régie review that change something: take, reassign, accept, refuse, request
information.

Every function locks the request row (`decisions.lock_for_review`, an unknown id is the recorded 404),
checks that the reviewer still holds it and that it has not changed since the page was opened
(`row_version`), writes the review's own record (`Decision`, its reasons) and hands the request's side
to `pme.authorizations.decisions` (status, period, reasons, timeline, audit event, notices), all in one
transaction. Two reviewers acting at the same moment end with one decision and one `Conflict`: the
second waits for the lock, then sees the new version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from pme.accounts.models import Role, User
from pme.audit.codes import AuditCode
from pme.audit.denials import door
from pme.authorizations import decisions
from pme.authorizations.lifecycle import Action, Status
from pme.authorizations.models import AuthorizationRequest
from pme.authorizations.periods import requested_end
from pme.review.clock import read_clock
from pme.review.models import Decision, DecisionKind, DecisionReason, RefusalReason, ReviewerProfile

__all__ = ["requested_end"]


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


@door
def take_request(*, reviewer: User, request_id: int) -> AuthorizationRequest:
    """The reviewer takes a request waiting in the queue: *En traitement*, assigned to them."""
    _check_reviewer(reviewer)
    with transaction.atomic():
        locked = decisions.lock_for_review(reviewer, request_id)
        if locked.assigned_to_id == reviewer.pk and locked.status == Status.IN_REVIEW:
            return locked  # a double click
        if locked.assigned_to_id is not None:
            raise Conflict("taken", holder=locked.assigned_to)
        if locked.status not in (Status.SUBMITTED, Status.IN_REVIEW):
            raise Conflict("not_open")
        _check_not_refuser(locked, reviewer)
        decisions.assign(locked, actor=reviewer, reviewer=reviewer, note="", code=AuditCode.REQUEST_TAKEN)
        return locked


@door
def reassign_request(*, supervisor: User, request_id: int, to: User) -> AuthorizationRequest:
    """A supervisor gives an open request to another reviewer (or to themselves)."""
    if not is_supervisor(supervisor) or to.role != Role.REVIEWER or not to.is_active:
        raise NotAllowed
    with transaction.atomic():
        locked = decisions.lock_for_review(supervisor, request_id)
        if locked.status not in (Status.SUBMITTED, Status.IN_REVIEW, Status.INFORMATION_REQUESTED):
            raise Conflict("not_open")
        _check_not_refuser(locked, to)
        decisions.assign(
            locked,
            actor=supervisor,
            reviewer=to,
            note=to.get_full_name() or to.username,
            code=AuditCode.REQUEST_REASSIGNED,
        )
        return locked


def _lock_for_decision(request_id: int, reviewer: User, expected_version: int | None) -> AuthorizationRequest:
    """`expected_version`: the row version the reviewer decided on (the form's, the API's If-Match);
    None when the caller named none (an API call without If-Match)."""
    _check_reviewer(reviewer)
    locked = decisions.lock_for_review(reviewer, request_id)
    if expected_version is not None and locked.row_version != expected_version:
        raise Conflict("changed", holder=locked.assigned_to)
    if locked.status != Status.IN_REVIEW:
        raise Conflict("not_open")
    if locked.assigned_to_id != reviewer.pk:
        raise Conflict("not_assigned", holder=locked.assigned_to)
    return locked


def _new_decision(locked: AuthorizationRequest, reviewer: User, kind: str, **fields: object) -> Decision:
    at = timezone.now()
    reading = read_clock(locked, list(locked.timeline.all()), at=at)
    return Decision.objects.create(
        auth_request=locked,
        reviewer=reviewer,
        kind=kind,
        is_review=locked.is_review,
        elapsed_seconds=int(reading.elapsed.total_seconds()),
        **fields,
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


@door
def accept_request(
    *,
    reviewer: User,
    request_id: int,
    start: dt.date,
    end: dt.date,
    quantity: str,
    expected_version: int | None,
) -> Decision:
    if end < start:
        raise ValueError("the authorized period ends before it starts")
    with transaction.atomic():
        locked = _lock_for_decision(request_id, reviewer, expected_version)
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
        decisions.record_decision(
            locked,
            reviewer=reviewer,
            decision=decisions.DecisionInput(
                action=Action.ACCEPT,
                authorized_start=start,
                authorized_end=end,
                authorized_quantity=quantity,
                details={"decision": decision.pk, "partial": partial_acceptance},
            ),
            decided_at=decision.created_at,
            notice_params={"decision": decision.pk},
        )
        return decision


@door
def refuse_request(
    *,
    reviewer: User,
    request_id: int,
    reasons: Sequence[ReasonInput],
    text: str,
    expected_version: int | None,
) -> Decision:
    if not reasons:
        raise ValueError("a refusal names at least one reason")
    with transaction.atomic():
        locked = _lock_for_decision(request_id, reviewer, expected_version)
        decision = _new_decision(locked, reviewer, DecisionKind.REFUSED, text=text.strip())
        DecisionReason.objects.bulk_create(
            DecisionReason(decision=decision, reason=r.reason, criterion_key=r.criterion_key, position=i)
            for i, r in enumerate(reasons)
        )
        decisions.record_decision(
            locked,
            reviewer=reviewer,
            decision=decisions.DecisionInput(
                action=Action.REFUSE,
                note=text,
                reasons=[
                    decisions.Reason(r.reason.code, r.reason.text_fr, r.reason.text_en) for r in reasons
                ],
                details={"decision": decision.pk, "reasons": [r.reason.code for r in reasons]},
            ),
            decided_at=decision.created_at,
            notice_params={"decision": decision.pk},
        )
        return decision


@door
def request_information(
    *, reviewer: User, request_id: int, questions: str, expected_version: int | None
) -> Decision:
    """*À préciser*: the request waits for the prescriber's answer; the clock pauses meanwhile."""
    if not questions.strip():
        raise ValueError("ask at least one question")
    with transaction.atomic():
        locked = _lock_for_decision(request_id, reviewer, expected_version)
        decision = _new_decision(locked, reviewer, DecisionKind.INFORMATION_REQUESTED, text=questions.strip())
        decisions.record_decision(
            locked,
            reviewer=reviewer,
            decision=decisions.DecisionInput(
                action=Action.REQUEST_INFORMATION, note=questions, details={"decision": decision.pk}
            ),
            decided_at=decision.created_at,
            notice_params={"decision": decision.pk},
        )
        return decision
