"""Background work of the requests app: the daily expiry reminders, and the e-mail they send (written
by the notifier, pme.notices, when it sends it)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from pme.accounts.mail import site_url
from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.authorizations.lifecycle import Status
from pme.authorizations.models import AuthorizationRequest, Notification
from pme.core.timeutils import local_today
from pme.notices.models import Notice
from pme.notices.registry import Message

REMINDER_DAYS = 30
EXPIRY_NOTICE = "authorizations.expiry"


def render_expiry_notice(notice: Notice) -> Message | None:
    """No NAM and no clinical detail in an e-mail: the request number, the date and a link behind the
    login. Dropped if the request is no longer accepted (withdrawn, or removed by retention)."""
    if not notice.object_id.isdigit():
        return None
    auth_request = AuthorizationRequest.objects.filter(pk=int(notice.object_id)).first()
    if auth_request is None or auth_request.status != Status.ACCEPTED:
        return None
    context = {
        "user": notice.recipient,
        "auth_request": auth_request,
        "link": site_url("authorizations:detail", auth_request.pk, language=notice.language),
    }
    return Message(
        subject=render_to_string("authorizations/email/expiry_subject.txt", context).strip(),
        body=render_to_string("authorizations/email/expiry.txt", context),
    )


def find_expiring(today: dt.date) -> list[AuthorizationRequest]:
    horizon = today + dt.timedelta(days=REMINDER_DAYS)
    return list(
        AuthorizationRequest.objects.filter(
            status=Status.ACCEPTED,
            authorized_end__gte=today,
            authorized_end__lte=horizon,
            reminder_sent_at__isnull=True,
        ).select_related("prescriber")
    )


def send_expiry_reminders(*, today: dt.date | None = None) -> int:
    """Daily: authorizations ending within 30 days get one reminder each (prescriber, and the
    collaborators who may draft the renewal). Returns how many requests were reminded."""
    from pme.authorizations.notifications import notify

    count = 0
    for auth_request in find_expiring(today or local_today()):
        with transaction.atomic():
            locked = (
                AuthorizationRequest.objects.select_for_update(of=("self",))
                .select_related("prescriber")
                .get(pk=auth_request.pk)
            )
            if locked.reminder_sent_at is not None:
                continue  # another run got it first
            locked.reminder_sent_at = timezone.now()
            locked.save(update_fields=["reminder_sent_at"])
            notify(locked, home_kind=Notification.Kind.EXPIRY, email_kind=EXPIRY_NOTICE, drafting_only=True)
            record(
                AuditCode.EXPIRY_REMINDED,
                actor=None,
                target=locked,
                nam=locked.nam_value,
                details={
                    "authorized_end": locked.authorized_end.isoformat() if locked.authorized_end else ""
                },
            )
        count += 1
    return count


@task()
def expiry_reminders_task() -> int:
    return send_expiry_reminders()
