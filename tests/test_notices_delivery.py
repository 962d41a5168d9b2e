"""Every notice goes through one notifier: it survives a mail server that refuses, is retried, gives
up after the last attempt, and never touches the change it announces. The failing server is a real SMTP
connection to a closed port, not a stand-in."""

from __future__ import annotations

import datetime as dt
import re
import socket

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from pme.authorizations.lifecycle import Status
from pme.authorizations.models import AuthorizationRequest, Notification
from pme.notices import services
from pme.notices.models import Notice
from pme.review import services as review
from pme.review.models import Decision
from pme.review.tests.factories import sent_for_review, taken
from tests.personas import client_for

T0 = dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nobody listens once the probe is closed


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 2
    return settings


@pytest.mark.django_db
def test_a_mail_failure_keeps_the_decision_and_the_notice_is_retried(
    prescriber, reviewer, smtp_down, django_capture_on_commit_callbacks
):
    request = taken(sent_for_review(prescriber), reviewer)
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client_for(reviewer).post(
            reverse("review:request_information", args=[request.pk]),
            {"row_version": request.row_version, "questions": "Spirometry?"},
        )
    assert response.status_code == 302  # the reviewer sees no error
    assert AuthorizationRequest.objects.get(pk=request.pk).status == Status.INFORMATION_REQUESTED
    notice = Notice.objects.get(recipient=prescriber)
    assert notice.kind == "review.information_requested"
    assert notice.state == Notice.State.PENDING
    assert notice.attempts == 1
    assert notice.last_error == "ConnectionRefusedError"
    assert notice.next_attempt_at == T0 + services.RETRY_DELAYS[0]
    assert Notification.objects.filter(user=prescriber, auth_request=request).exists()

    smtp_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        assert services.retry_due_notices() == 0  # not due yet
    with time_machine.travel(T0 + dt.timedelta(minutes=2), tick=False):
        assert services.retry_due_notices() == 1
    notice.refresh_from_db()
    assert notice.state == Notice.State.SENT
    assert notice.attempts == 2
    assert [m.to for m in mail.outbox] == [[prescriber.email]]
    assert str(request.number) in str(mail.outbox[0].body)
    assert Decision.objects.filter(auth_request=request).count() == 1


@pytest.mark.django_db
def test_a_failed_notice_is_queued_again_for_later_when_the_backend_can_defer(
    prescriber, reviewer, smtp_down, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    request = taken(sent_for_review(prescriber), reviewer)
    smtp_down.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    review.request_information(
        request_id=request.pk,
        reviewer=reviewer,
        questions="Spirometry?",
        expected_version=request.row_version,
    )
    notice = Notice.objects.get(recipient=prescriber)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_notice(notice.pk) == Notice.State.PENDING
    queued = default_task_backend.results  # type: ignore[attr-defined]
    assert [r.args for r in queued][-1] == [notice.pk]
    assert queued[-1].task.run_after is not None


@pytest.mark.django_db
def test_a_notice_gives_up_after_the_last_attempt(prescriber, reviewer, smtp_down):
    smtp_down.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    request = taken(sent_for_review(prescriber), reviewer)
    review.request_information(
        request_id=request.pk, reviewer=reviewer, questions="?", expected_version=request.row_version
    )
    notice = Notice.objects.get(recipient=prescriber)
    for _attempt in range(services.MAX_ATTEMPTS):
        services.send_notice(notice.pk)
    notice.refresh_from_db()
    assert notice.state == Notice.State.FAILED
    assert notice.attempts == services.MAX_ATTEMPTS
    assert services.send_notice(notice.pk) == Notice.State.FAILED  # no further attempt
    notice.refresh_from_db()
    assert notice.attempts == services.MAX_ATTEMPTS


@pytest.mark.django_db
def test_the_accounts_e_mails_go_through_the_same_notifier(
    collaborator, access_admin, smtp_down, django_capture_on_commit_callbacks
):
    """A temporary password issued while the mail server is down: the notices wait and are retried, and
    the password that finally arrives is the one that opens the account (generated at sending time)."""
    from pme.accounts.services.security import issue_temporary_password

    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        issue_temporary_password(collaborator, actor=access_admin)
    notice = Notice.objects.get(recipient=collaborator)
    assert notice.kind == "accounts.temporary_password"
    assert (notice.state, notice.attempts, notice.last_error) == (
        Notice.State.PENDING,
        1,
        "ConnectionRefusedError",
    )
    assert "password" not in str(notice.params).lower()  # no secret is kept in the queue

    smtp_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with (
        time_machine.travel(T0 + dt.timedelta(minutes=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.retry_due_notices() >= 1
    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == (Notice.State.SENT, 2)
    sent = [m for m in mail.outbox if m.to == [collaborator.email]]
    assert len(sent) == 1
    typed = re.search(r"\b[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}\b", str(sent[0].body))
    assert typed is not None
    collaborator.refresh_from_db()
    assert collaborator.check_password(typed.group(0))
