"""Requests in every status, made through the authorizations services under a frozen clock, as the
review app will make them: refusal reasons and questions are timeline notes (docs/consultation.md)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import transaction

from pme.accounts.models import Role, User
from pme.accounts.tests.factories import UserFactory
from pme.audit.codes import AuditCode
from pme.authorizations.lifecycle import Action
from pme.authorizations.models import AuthorizationRequest
from pme.authorizations.services import answer_information_request, submit_request
from pme.authorizations.tests.factories import make_draft
from pme.authorizations.transitions import transition
from pme.core.timeutils import REGIE_TZ


def regie_reviewer() -> User:
    return UserFactory.create(username="CE300001", role=Role.REVIEWER)


def sent_at(
    when: dt.datetime, prescriber: User, indication: object = None, **overrides: object
) -> AuthorizationRequest:
    """A request drafted and sent by `prescriber` at `when` (the clock is frozen while it is sent)."""
    with time_machine.travel(when, tick=False):
        draft = make_draft(prescriber, indication, **overrides)
        return submit_request(request_id=draft.pk, actor=prescriber).auth_request


def days_ago(days: int, *, hour: int = 10) -> dt.datetime:
    """`hour` o'clock, Montréal time, `days` calendar days before today (Montréal)."""
    today = dt.datetime.now(REGIE_TZ).date()
    return dt.datetime.combine(today - dt.timedelta(days=days), dt.time(hour), tzinfo=REGIE_TZ)


_AUDIT_CODES: dict[str, AuditCode] = {
    Action.TAKE: AuditCode.REQUEST_TAKEN,
    Action.ACCEPT: AuditCode.REQUEST_ACCEPTED,
    Action.REFUSE: AuditCode.REQUEST_REFUSED,
    Action.REQUEST_INFORMATION: AuditCode.INFORMATION_REQUESTED,
    Action.ANSWER: AuditCode.REQUEST_ANSWERED,
    Action.WITHDRAW: AuditCode.REQUEST_WITHDRAWN,
}


def _transition(auth_request: AuthorizationRequest, action: str, *, note: str = "") -> AuthorizationRequest:
    with transaction.atomic():
        auth_request = AuthorizationRequest.objects.select_for_update().get(pk=auth_request.pk)
        transition(auth_request, action, actor=regie_reviewer(), note=note, code=_AUDIT_CODES[action])
    return auth_request


def take(auth_request: AuthorizationRequest) -> AuthorizationRequest:
    return _transition(auth_request, Action.TAKE)


def refuse(auth_request: AuthorizationRequest, reasons: str) -> AuthorizationRequest:
    return _transition(take(auth_request), Action.REFUSE, note=reasons)


def ask_information(auth_request: AuthorizationRequest, question: str) -> AuthorizationRequest:
    return _transition(take(auth_request), Action.REQUEST_INFORMATION, note=question)


def answer(auth_request: AuthorizationRequest, text: str) -> AuthorizationRequest:
    return answer_information_request(request_id=auth_request.pk, actor=auth_request.prescriber, text=text)


def accept(
    auth_request: AuthorizationRequest, *, start: dt.date, end: dt.date, quantity: str
) -> AuthorizationRequest:
    auth_request = take(auth_request)
    with transaction.atomic():
        auth_request = AuthorizationRequest.objects.select_for_update().get(pk=auth_request.pk)
        auth_request.authorized_start = start
        auth_request.authorized_end = end
        auth_request.authorized_quantity = quantity
        transition(auth_request, Action.ACCEPT, actor=regie_reviewer(), code=AuditCode.REQUEST_ACCEPTED)
    return auth_request
