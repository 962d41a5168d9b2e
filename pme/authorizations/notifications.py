"""Telling people that something happened to a request: a home-page item and an e-mail, in each
recipient's language. E-mails go through the task queue after the transaction commits, so a mail server
that fails never undoes nor blocks the change; the queue retries."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from pme.accounts.access_models import DelegationPermission
from pme.accounts.models import User
from pme.accounts.selectors import active_delegations
from pme.authorizations.models import AuthorizationRequest, Notification


def recipients(auth_request: AuthorizationRequest, *, drafting_only: bool) -> list[User]:
    """The prescriber, then the collaborators working for them today (only those who may draft when
    `drafting_only`), each once."""
    delegations: QuerySet = active_delegations().filter(prescriber_id=auth_request.prescriber_id)
    if drafting_only:
        delegations = delegations.filter(permission=DelegationPermission.CONSULT_DRAFT)
    people = [auth_request.prescriber]
    people += [d.collaborator for d in delegations.select_related("collaborator") if d.collaborator.is_active]
    return list({p.pk: p for p in people}.values())


def notify(
    auth_request: AuthorizationRequest, *, kind: str, drafting_only: bool = False
) -> list[Notification]:
    """Creates the home-page items now (same transaction) and queues one e-mail each after commit."""
    from pme.authorizations.tasks import send_notification_email

    items = Notification.objects.bulk_create(
        Notification(user=user, auth_request=auth_request, kind=kind)
        for user in recipients(auth_request, drafting_only=drafting_only)
    )
    for item in items:
        transaction.on_commit(partial(send_notification_email.enqueue, item.pk))
    return items


def mark_read(user: User, auth_request: AuthorizationRequest) -> None:
    Notification.objects.filter(user=user, auth_request=auth_request, read_at__isnull=True).update(
        read_at=timezone.now()
    )
