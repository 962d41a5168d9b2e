"""Notices survive a mail failure and are retried; letters reach only those who may see the request."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation

from pme.authorizations.lifecycle import Status
from pme.authorizations.models import AuthorizationRequest
from pme.review import services, tasks
from pme.review.letters import _block, content_of, decision_letter
from pme.review.models import Decision, NoticeDelivery
from pme.review.tests.factories import reason, sent_for_review, taken
from tests.personas import client_for

T0 = dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)


class MailServerDown(Exception):
    pass


@pytest.mark.django_db
def test_a_mail_failure_keeps_the_decision_and_the_notice_is_retried(
    prescriber, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    request = taken(sent_for_review(prescriber), reviewer)

    def broken(*args: object, **kwargs: object) -> None:
        raise MailServerDown

    monkeypatch.setattr(tasks, "send_decision_notice", broken)
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client_for(reviewer).post(
            reverse("review:request_information", args=[request.pk]),
            {"row_version": request.row_version, "questions": "Spirometry?"},
        )
    assert response.status_code == 302  # the reviewer sees no error
    assert AuthorizationRequest.objects.get(pk=request.pk).status == Status.INFORMATION_REQUESTED
    delivery = NoticeDelivery.objects.get(recipient=prescriber)
    assert delivery.state == NoticeDelivery.State.PENDING
    assert delivery.attempts == 1
    assert delivery.last_error == "MailServerDown"
    assert delivery.next_attempt_at == T0 + tasks.RETRY_DELAYS[0]
    assert mail.outbox == []

    monkeypatch.undo()
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        assert tasks.retry_due_notices() == 0  # not due yet
    with time_machine.travel(T0 + dt.timedelta(minutes=2), tick=False):
        assert tasks.retry_due_notices() == 1
    delivery.refresh_from_db()
    assert delivery.state == NoticeDelivery.State.SENT
    assert delivery.attempts == 2
    assert [m.to for m in mail.outbox] == [[prescriber.email]]
    assert Decision.objects.filter(auth_request=request).count() == 1


@pytest.mark.django_db
def test_a_failed_notice_is_queued_again_for_later_when_the_backend_can_defer(
    prescriber, reviewer, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    request = taken(sent_for_review(prescriber), reviewer)
    decision = services.request_information(
        request, reviewer=reviewer, questions="Spirometry?", expected_version=request.row_version
    )
    delivery = NoticeDelivery.objects.get(decision=decision, recipient=prescriber)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr(tasks, "send_decision_notice", lambda *a, **k: (_ for _ in ()).throw(OSError()))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_notice.call(delivery.pk) == NoticeDelivery.State.PENDING
    queued = default_task_backend.results  # type: ignore[attr-defined]
    assert len(queued) == 1
    assert queued[0].args == [delivery.pk]
    assert queued[0].task.run_after is not None


@pytest.mark.django_db
def test_a_notice_gives_up_after_the_last_attempt(prescriber, reviewer, monkeypatch):
    request = taken(sent_for_review(prescriber), reviewer)
    decision = services.request_information(
        request, reviewer=reviewer, questions="?", expected_version=request.row_version
    )
    delivery = NoticeDelivery.objects.get(decision=decision, recipient=prescriber)
    monkeypatch.setattr(tasks, "send_decision_notice", lambda *a, **k: (_ for _ in ()).throw(OSError()))
    for _attempt in range(tasks.MAX_ATTEMPTS):
        tasks.send_notice.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == NoticeDelivery.State.FAILED
    assert delivery.attempts == tasks.MAX_ATTEMPTS


@pytest.mark.django_db
def test_the_refusal_letter_states_the_reasons_and_the_six_month_review_right(prescriber, reviewer):
    request = taken(sent_for_review(prescriber), reviewer)
    decision = services.refuse_request(
        request,
        reviewer=reviewer,
        reasons=[services.ReasonInput(reason(), "exacerbations")],
        text="Two exacerbations are needed.",
        expected_version=request.row_version,
    )
    with translation.override("fr"):
        heading, lines = _block(decision.auth_request, content_of(decision), "fr")
    text = "\n".join(lines)
    assert heading == "Autorisation de paiement : refusée"
    assert "critère non rempli : Au moins 2 exacerbations?" in text
    assert "dans un délai de 6 mois" in text
    assert str(request.number) in text
    assert decision_letter(decision).startswith(b"%PDF")


@pytest.mark.django_db
def test_letters_reach_the_prescriber_and_collaborators_only(
    refused_decision, prescriber, collaborator, other_prescriber, other_collaborator, pharmacist
):
    url = reverse("review:letter", args=[refused_decision.pk])
    for person in (prescriber, collaborator):
        response = client_for(person).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    for person in (other_prescriber, other_collaborator, pharmacist):
        assert client_for(person).get(url).status_code == 404
    assert client_for(prescriber).get(reverse("review:letter", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_the_prescriber_page_shows_the_reasons_and_the_letter_link(refused_decision, prescriber):
    page = client_for(prescriber).get(
        reverse("authorizations:detail", args=[refused_decision.auth_request_id])
    )
    html = page.content.decode()
    assert reverse("review:letter", args=[refused_decision.pk]) in html
    reason_text = refused_decision.reason_lines.get().reason.text_fr
    assert reason_text.replace("'", "&#x27;") in html
