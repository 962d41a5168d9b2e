"""The request's side of the Régie's acts: taking a request, reassigning it, and recording a decision.

The review app owns its queue, its `Decision` rows and their letters; what a decision does to the request
(status, authorized period and quantity, refusal reasons, timeline, notices) is written here, through the
one lifecycle table, after checking that the reviewer holds the request. Callers hold the row lock
(`lock_for_review`) for their whole transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pme.accounts.models import Role, User
from pme.audit.codes import AuditCode
from pme.authorizations.lifecycle import Action, Status
from pme.authorizations.models import AuthorizationRequest, Notification
from pme.authorizations.notifications import notify
from pme.authorizations.services import NotAllowed, lock_visible
from pme.authorizations.transitions import note_without_status_change, transition


def _check_reviewer(user: User) -> None:
    if user.role != Role.REVIEWER or not user.is_active:
        raise NotAllowed


def lock_for_review(reviewer: User, request_id: int) -> AuthorizationRequest:
    """The sent request, locked for the caller's transaction; Unseen for an unknown id."""
    _check_reviewer(reviewer)
    return lock_visible(reviewer, request_id)


def assign(locked: AuthorizationRequest, *, actor: User, reviewer: User, note: str, code: AuditCode) -> None:
    """`reviewer` holds the request from now on: a request waiting in the queue goes *En traitement*;
    one already in process (a review back in the queue, a reassignment) keeps its status."""
    _check_reviewer(actor)
    _check_reviewer(reviewer)
    previous = locked.assigned_to_id
    locked.assigned_to = reviewer
    details = {"assigned_to": reviewer.pk, "previous": previous}
    if locked.status == Status.SUBMITTED:
        transition(locked, Action.TAKE, actor=actor, note=note, code=code, details=details)
    else:
        # Information requested: the prescriber has the request; no timeline entry, the status stays.
        note_without_status_change(
            locked,
            Action.TAKE,
            actor=actor,
            code=code,
            note=note,
            details=details,
            timeline=locked.status != Status.INFORMATION_REQUESTED,
        )


@dataclass(frozen=True)
class Reason:
    code: str
    text_fr: str
    text_en: str


@dataclass(frozen=True)
class DecisionInput:
    action: str  # Action.ACCEPT, Action.REFUSE or Action.REQUEST_INFORMATION
    note: str = ""
    authorized_start: dt.date | None = None
    authorized_end: dt.date | None = None
    authorized_quantity: str = ""
    reasons: Sequence[Reason] = ()
    details: dict[str, Any] = field(default_factory=dict)  # for the audit event (e.g. the decision's id)


_CODES: dict[str, AuditCode] = {
    Action.ACCEPT: AuditCode.REQUEST_ACCEPTED,
    Action.REFUSE: AuditCode.REQUEST_REFUSED,
    Action.REQUEST_INFORMATION: AuditCode.INFORMATION_REQUESTED,
}
_EMAILS: dict[str, str] = {
    Action.ACCEPT: "review.accepted",
    Action.REFUSE: "review.refused",
    Action.REQUEST_INFORMATION: "review.information_requested",
}


def record_decision(
    locked: AuthorizationRequest,
    *,
    reviewer: User,
    decision: DecisionInput,
    decided_at: dt.datetime,
    notice_params: dict[str, Any],
) -> None:
    """Writes a reviewer's decision on the request they hold (locked by the caller), then tells the
    prescriber and their collaborators (a home-page item and an e-mail each)."""
    _check_reviewer(reviewer)
    if locked.status != Status.IN_REVIEW or locked.assigned_to_id != reviewer.pk:
        raise NotAllowed
    if decision.action == Action.ACCEPT:
        if decision.authorized_start is None or decision.authorized_end is None:
            raise ValueError("an acceptance has a period")
        locked.authorized_start = decision.authorized_start
        locked.authorized_end = decision.authorized_end
        locked.authorized_quantity = decision.authorized_quantity.strip()
        locked.decided_at = decided_at
        locked.automated = False
    elif decision.action == Action.REFUSE:
        if not decision.reasons:
            raise ValueError("a refusal names at least one reason")
        locked.authorized_start = None
        locked.authorized_end = None
        locked.authorized_quantity = ""
        locked.decided_at = decided_at
        locked.refusal_reasons = [
            {"code": r.code, "fr": r.text_fr, "en": r.text_en} for r in decision.reasons
        ]
    elif decision.action != Action.REQUEST_INFORMATION:
        raise ValueError(f"not a decision: {decision.action!r}")
    transition(
        locked,
        decision.action,
        actor=reviewer,
        note=decision.note.strip(),
        code=_CODES[decision.action],
        details=decision.details,
    )
    notify(
        locked,
        home_kind=Notification.Kind.INFORMATION_REQUESTED
        if decision.action == Action.REQUEST_INFORMATION
        else Notification.Kind.DECISION,
        email_kind=_EMAILS[decision.action],
        params=notice_params,
    )
