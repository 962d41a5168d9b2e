"""Queueing and sending notices.

`queue(...)` writes the Notice in the caller's transaction and hands it to the task queue once that
transaction commits: a rolled-back change sends nothing, and a mail server that fails never undoes nor
blocks the change. `send_notice` (the task) sends it, records the attempt and, on failure, the next one;
`manage.py retry_notices` re-queues whatever is due (and whatever the queue lost).
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.core.mail import EmailMessage
from django.db import models, transaction
from django.utils import translation

from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.core.timeutils import now
from pme.notices.models import Notice
from pme.notices.registry import renderer_for

logger = logging.getLogger(__name__)

# Waits before the 2nd, 3rd... attempt; after the last one the notice is marked failed.
RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=8),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
LOST_AFTER = dt.timedelta(minutes=10)


def queue(
    kind: str,
    *,
    recipient: Any = None,
    address: str = "",
    language: str = "",
    about: models.Model | None = None,
    params: dict[str, Any] | None = None,
) -> Notice | None:
    """One notice to a user (`recipient`) or to an address. Returns None, writing nothing, when there is
    nobody to write to (no address, an inactive account)."""
    renderer_for(kind)  # an unknown kind fails now, in the caller's transaction, not in the worker
    if recipient is not None:
        if not recipient.is_active or not recipient.email:
            return None
        language = language or recipient.language
    elif not address:
        return None
    notice = Notice.objects.create(
        kind=kind,
        recipient=recipient,
        address=address,
        language=language or "fr",
        object_type=about._meta.label_lower if about is not None else "",
        object_id=str(about.pk) if about is not None else "",
        params=params or {},
    )
    _enqueue_on_commit(notice.pk)
    return notice


def _enqueue_on_commit(notice_id: int) -> None:
    from pme.notices.tasks import send_notice_task

    # robust: a broken queue must not turn the committed change into an error page; retry_notices
    # picks the notice up later.
    transaction.on_commit(partial(send_notice_task.enqueue, notice_id), robust=True)


def send_notice(notice_id: int) -> str:
    """Sends one notice; returns its state. Never raises for a mail failure (it is recorded)."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update(of=("self",)).select_related("recipient").get(pk=notice_id)
        if notice.state != Notice.State.PENDING:
            return notice.state
        notice.attempts += 1
        to = notice.recipient.email if notice.recipient is not None else notice.address
        try:
            with translation.override(notice.language):
                message = renderer_for(notice.kind)(notice)
            if message is None:
                notice.state = Notice.State.DROPPED
            else:
                email = EmailMessage(subject=message.subject, body=message.body, to=[to])
                for name, content, mimetype in message.attachments:
                    email.attach(name, content, mimetype)
                email.send()
                notice.state = Notice.State.SENT
                notice.sent_at = now()
            notice.next_attempt_at = None
            notice.last_error = ""
        except Exception as exc:  # any transport or rendering failure: record it, retry later
            logger.warning("notice %s failed (attempt %s): %s", notice.pk, notice.attempts, type(exc))
            notice.last_error = type(exc).__name__[:200]
            if notice.attempts >= MAX_ATTEMPTS:
                notice.state = Notice.State.FAILED
                notice.next_attempt_at = None
            else:
                notice.next_attempt_at = now() + RETRY_DELAYS[notice.attempts - 1]
        notice.save()
        if notice.state != Notice.State.DROPPED:
            record(
                AuditCode.NOTICE_SENT if notice.state == Notice.State.SENT else AuditCode.NOTICE_FAILED,
                actor=None,
                details={
                    "notice": notice.pk,
                    "kind": notice.kind,
                    "object": notice.object_type,
                    "id": notice.object_id,
                    "recipient": notice.recipient_id,
                    "attempts": notice.attempts,
                    "state": notice.state,
                },
            )
        if notice.state == Notice.State.PENDING:
            _retry_later(notice)
    return notice.state


def _retry_later(notice: Notice) -> None:
    from django_tasks import default_task_backend

    from pme.notices.tasks import send_notice_task

    if default_task_backend.supports_defer and notice.next_attempt_at is not None:
        run_after = notice.next_attempt_at
        notice_id = notice.pk
        transaction.on_commit(
            lambda: send_notice_task.using(run_after=run_after).enqueue(notice_id), robust=True
        )


def retry_due_notices() -> int:
    """Queues every pending notice whose next attempt is due, or that the queue lost (never tried)."""
    from pme.notices.tasks import send_notice_task

    pending = Notice.objects.filter(state=Notice.State.PENDING)
    due = pending.filter(next_attempt_at__lte=now()) | pending.filter(
        attempts=0, created_at__lte=now() - LOST_AFTER
    )
    ids = list(due.values_list("pk", flat=True))
    for pk in ids:
        send_notice_task.enqueue(pk)
    return len(ids)
