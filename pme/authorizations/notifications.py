"""Telling people that something happened to a request: a home-page item and an e-mail, in each
recipient's language, for every notice (decisions, questions, reminders). The e-mails go through the
one notifier (`pme.notices`), which sends them after the transaction commits, keeps a delivery record
and retries, so a mail server that fails never undoes nor blocks the change."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from pme.accounts.access_models import DelegationPermission
from pme.accounts.models import User
from pme.accounts.selectors import active_delegations
from pme.authorizations.models import AuthorizationRequest, Notification
from pme.notices.services import queue


def recipients(auth_request: AuthorizationRequest, *, drafting_only: bool = False) -> list[User]:
    """The prescriber, then the collaborators working for them today (only those who may draft when
    `drafting_only`), each once, active accounts only."""
    delegations: QuerySet = active_delegations().filter(prescriber_id=auth_request.prescriber_id)
    if drafting_only:
        delegations = delegations.filter(permission=DelegationPermission.CONSULT_DRAFT)
    people = [auth_request.prescriber]
    people += [d.collaborator for d in delegations.select_related("collaborator")]
    return [p for p in {p.pk: p for p in people}.values() if p.is_active]


def notify(
    auth_request: AuthorizationRequest,
    *,
    home_kind: str,
    email_kind: str,
    params: dict[str, Any] | None = None,
    drafting_only: bool = False,
) -> list[Notification]:
    """Creates the home-page items now (same transaction) and one e-mail notice per recipient."""
    people = recipients(auth_request, drafting_only=drafting_only)
    items = Notification.objects.bulk_create(
        Notification(user=user, auth_request=auth_request, kind=home_kind) for user in people
    )
    for user in people:
        queue(email_kind, recipient=user, about=auth_request, params=params)
    return items


def mark_read(user: User, auth_request: AuthorizationRequest) -> None:
    Notification.objects.filter(user=user, auth_request=auth_request, read_at__isnull=True).update(
        read_at=timezone.now()
    )
