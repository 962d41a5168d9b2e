"""Audited reads of accounts: each one fetches through the access rule, records its event and returns
what the page shows (views never call `record(`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import Http404, HttpRequest

from pme.accounts import access, letters
from pme.accounts.models import AccessRequestStatus, User
from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.core.timeutils import now


@dataclass(frozen=True)
class Letter:
    pdf: bytes
    filename: str


def open_username_letter(*, actor: User, pk: int, request: HttpRequest | None = None) -> Letter:
    """The printable username letter of an approved access request (404 otherwise, as for an unknown
    id), recorded as downloaded in the same transaction."""
    access_request = access.get_access_request_letter(actor, pk)
    account = access_request.account
    if access_request.status != AccessRequestStatus.APPROVED or account is None:
        raise Http404
    prescriber = access_request.prescriber
    pdf = letters.username_letter(
        person_name=account.get_full_name(),
        username=account.username,
        prescriber_name=prescriber.get_full_name() or prescriber.username,
        issued_at=access_request.decided_at or now(),
    )
    with transaction.atomic():
        record(AuditCode.USERNAME_LETTER_DOWNLOADED, actor=actor, target=account, request=request)
    return Letter(pdf=pdf, filename=f"pme-{account.username}.pdf")
