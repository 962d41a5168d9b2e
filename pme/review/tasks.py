"""The review's background tasks: the decision e-mails.

A delivery that fails is recorded (attempts, a short error class, the next attempt) and retried later:
at once re-queued with `run_after` when the backend can defer (the database backend can), and in any
case picked up again by `manage.py retry_notices`. The decision itself is never touched.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django_tasks import default_task_backend, task

from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.core.timeutils import now
from pme.review.mail import send_decision_notice
from pme.review.models import NoticeDelivery

logger = logging.getLogger(__name__)

# Waits before the 2nd, 3rd... attempt; after the last one the delivery is marked failed.
RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=8),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


@task()
def send_notice(delivery_id: int) -> str:
    """Sends one notice e-mail; returns the delivery's state. Never raises for a mail failure."""
    with transaction.atomic():
        delivery = (
            NoticeDelivery.objects.select_for_update(of=("self",))
            .select_related("decision__auth_request", "recipient")
            .get(pk=delivery_id)
        )
        if delivery.state != NoticeDelivery.State.PENDING:
            return delivery.state
        delivery.attempts += 1
        try:
            send_decision_notice(delivery.decision, delivery.recipient)
        except Exception as exc:  # any transport failure: record it, retry later
            logger.warning("notice %s failed (attempt %s): %s", delivery.pk, delivery.attempts, type(exc))
            delivery.last_error = type(exc).__name__[:200]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.state = NoticeDelivery.State.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = now() + RETRY_DELAYS[delivery.attempts - 1]
        else:
            delivery.state = NoticeDelivery.State.SENT
            delivery.sent_at = now()
            delivery.next_attempt_at = None
            delivery.last_error = ""
        delivery.save()
        record(
            AuditCode.NOTICE_SENT if delivery.state == NoticeDelivery.State.SENT else AuditCode.NOTICE_FAILED,
            actor=None,
            target=delivery.decision.auth_request,
            details={"delivery": delivery.pk, "attempts": delivery.attempts, "state": delivery.state},
        )
        if delivery.state == NoticeDelivery.State.PENDING and default_task_backend.supports_defer:
            run_after = delivery.next_attempt_at
            transaction.on_commit(
                lambda: send_notice.using(run_after=run_after).enqueue(delivery_id), robust=True
            )
    return delivery.state


def retry_due_notices() -> int:
    """Queues every pending delivery whose next attempt is due (or that was never tried)."""
    pending = NoticeDelivery.objects.filter(state=NoticeDelivery.State.PENDING)
    # Never tried for 10 minutes: the queue lost it (worker down when it was enqueued).
    due = pending.filter(next_attempt_at__lte=now()) | pending.filter(
        attempts=0, created_at__lte=now() - dt.timedelta(minutes=10)
    )
    ids = list(due.values_list("pk", flat=True))
    for pk in ids:
        send_notice.enqueue(pk)
    return len(ids)
