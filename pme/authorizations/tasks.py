"""Background tasks of the requests app (django-tasks, database backend)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.authorizations.lifecycle import Status
from pme.authorizations.models import AuthorizationRequest, Notification
from pme.core.timeutils import local_today

REMINDER_DAYS = 30


def _site_url(route: str, *args: object, language: str) -> str:
    with translation.override(language):
        path = reverse(route, args=args)
    return settings.PME_SITE_URL.rstrip("/") + path


@task()
def send_notification_email(notification_id: int) -> None:
    """One e-mail for one home-page item. Raises on a mail failure so that the queue retries it."""
    item = Notification.objects.select_related("user", "auth_request", "auth_request__drug").get(
        pk=notification_id
    )
    user, auth_request = item.user, item.auth_request
    if not user.email or not user.is_active:
        return
    context = {
        "user": user,
        "auth_request": auth_request,
        "link": _site_url("authorizations:detail", auth_request.pk, language=user.language),
        "renew_link": _site_url("authorizations:detail", auth_request.pk, language=user.language),
    }
    with translation.override(user.language):
        subject = render_to_string(f"authorizations/email/{item.kind}_subject.txt", context).strip()
        body = render_to_string(f"authorizations/email/{item.kind}.txt", context)
    # No NAM and no clinical detail in an e-mail: the request number and a link behind the login.
    EmailMessage(subject=subject, body=body, to=[user.email]).send()


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
            locked = AuthorizationRequest.objects.select_for_update().get(pk=auth_request.pk)
            if locked.reminder_sent_at is not None:
                continue  # another run got it first
            locked.reminder_sent_at = timezone.now()
            locked.save(update_fields=["reminder_sent_at"])
            notify(locked, kind=Notification.Kind.EXPIRY, drafting_only=True)
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
