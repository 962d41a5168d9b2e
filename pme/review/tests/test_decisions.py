"""Taking, deciding, conflicts, the clock, reviews of refusals, reassignment."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections
from django.urls import reverse

from pme.audit.models import AuditEvent
from pme.authorizations.lifecycle import Status
from pme.authorizations.models import AuthorizationRequest, Notification
from pme.authorizations.services import answer_information_request, ask_review
from pme.review import services
from pme.review.models import Decision, DecisionKind
from pme.review.selectors import clock_of, latest_information_request, refusal_reasons_for
from pme.review.tests.factories import REQUESTED_START, reason, reviewer_factory, sent_for_review, taken
from tests.personas import client_for

T0 = dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_taking_assigns_the_request_and_another_reviewer_gets_a_conflict(prescriber, reviewer):
    request = taken(sent_for_review(prescriber), reviewer)
    assert request.status == Status.IN_REVIEW
    assert request.assigned_to == reviewer
    other = reviewer_factory("CE200009")
    with pytest.raises(services.Conflict) as info:
        services.take_request(request_id=request.pk, reviewer=other)
    assert info.value.code == "taken"
    assert info.value.holder == reviewer
    response = client_for(other).post(reverse("review:take", args=[request.pk]), follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1
    assert reviewer.get_full_name() in shown[0]


@pytest.mark.django_db
def test_acceptance_with_a_shorter_period_is_partial_and_notifies_everyone_in_their_language(
    prescriber, collaborator, reviewer, django_capture_on_commit_callbacks
):
    collaborator.language = "en"
    collaborator.save()
    request = taken(sent_for_review(prescriber), reviewer)
    client = client_for(reviewer)
    page = client.get(reverse("review:accept", args=[request.pk]))
    assert page.context["form"].initial["start"] == REQUESTED_START
    assert page.context["form"].initial["end"] == dt.date(2027, 11, 30)  # 12 months asked, 12 allowed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("review:accept", args=[request.pk]),
            {
                "row_version": request.row_version,
                "start": "2026-12-01",
                "end": "2027-05-31",
                "quantity": "1 inhaler",
            },
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED
    assert (request.authorized_start, request.authorized_end) == (dt.date(2026, 12, 1), dt.date(2027, 5, 31))
    decision = Decision.objects.get(auth_request=request)
    assert decision.partial
    assert decision.kind == DecisionKind.ACCEPTED
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[prescriber.email].startswith("PME : décision")
    assert subjects[collaborator.email].startswith("PME: decision on request")
    assert all("Tremblay" not in m.body for m in mail.outbox)  # no health information by e-mail
    assert set(Notification.objects.filter(auth_request=request).values_list("user", flat=True)) == {
        prescriber.pk,
        collaborator.pk,
    }
    assert AuditEvent.objects.filter(action="request.accepted", object_id=str(request.pk)).count() == 1


@pytest.mark.django_db
def test_an_end_before_the_start_is_refused_with_a_message(prescriber, reviewer):
    request = taken(sent_for_review(prescriber), reviewer)
    response = client_for(reviewer).post(
        reverse("review:accept", args=[request.pk]),
        {"row_version": request.row_version, "start": "2026-12-01", "end": "2026-11-01", "quantity": "1"},
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert AuthorizationRequest.objects.get(pk=request.pk).status == Status.IN_REVIEW


@pytest.mark.django_db
def test_refusal_names_coded_reasons_tied_to_a_criterion(prescriber, reviewer):
    request = taken(sent_for_review(prescriber), reviewer)
    code = reason("criterion-not-met")
    response = client_for(reviewer).post(
        reverse("review:refuse", args=[request.pk]),
        {
            "row_version": request.row_version,
            "reason_1": code.pk,
            "criterion_1": "exacerbations",
            "text": "Two exacerbations in the last year are needed.",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.REFUSED
    lines = refusal_reasons_for(request)
    assert [(line.code, line.criterion_key) for line in lines] == [("criterion-not-met", "exacerbations")]
    assert lines[0].criterion_question == "Au moins 2 exacerbations?"


@pytest.mark.django_db
def test_refusal_without_a_reason_is_refused(prescriber, reviewer):
    request = taken(sent_for_review(prescriber), reviewer)
    response = client_for(reviewer).post(
        reverse("review:refuse", args=[request.pk]), {"row_version": request.row_version, "text": "no"}
    )
    assert response.status_code == 400
    assert "Choisissez au moins un motif" in response.content.decode()
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_a_stale_page_saves_nothing(prescriber, reviewer):
    request = taken(sent_for_review(prescriber), reviewer)
    stale = request.row_version
    services.request_information(
        request_id=request.pk, reviewer=reviewer, questions="Spirometry?", expected_version=stale
    )
    answer_information_request(request_id=request.pk, actor=prescriber, text="Attached.")
    with pytest.raises(services.Conflict) as info:
        services.accept_request(
            request_id=request.pk,
            reviewer=reviewer,
            start=REQUESTED_START,
            end=REQUESTED_START,
            quantity="1",
            expected_version=stale,
        )
    assert info.value.code == "changed"
    assert not Decision.objects.filter(kind=DecisionKind.ACCEPTED).exists()


@pytest.mark.django_db
def test_the_clock_pauses_while_information_is_requested(prescriber, reviewer):
    with time_machine.travel(T0, tick=False):
        request = sent_for_review(prescriber)
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        taken(request, reviewer)
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        request.refresh_from_db()
        services.request_information(
            request_id=request.pk,
            reviewer=reviewer,
            questions="Spirometry results?",
            expected_version=request.row_version,
        )
    reading = clock_of(request, at=T0 + dt.timedelta(hours=10))
    assert reading.paused
    assert reading.elapsed == dt.timedelta(hours=2)
    with time_machine.travel(T0 + dt.timedelta(hours=26), tick=False):
        answer_information_request(request_id=request.pk, actor=prescriber, text="FEV1 55 %.")
    reading = clock_of(request, at=T0 + dt.timedelta(hours=30))
    assert not reading.paused
    assert reading.elapsed == dt.timedelta(hours=6)  # 30 h minus the 24 h waiting for the prescriber
    assert reading.left == dt.timedelta(days=7) - dt.timedelta(hours=6)
    late = clock_of(request, at=T0 + dt.timedelta(days=8, hours=1))
    assert late.late
    assert late.hours_late == 1
    info = latest_information_request(request)
    assert info is not None
    assert info.questions == "Spirometry results?"
    assert info.answered


@pytest.mark.django_db
def test_a_review_goes_to_a_reviewer_other_than_the_one_who_refused(prescriber, reviewer):
    request = taken(sent_for_review(prescriber), reviewer)
    services.refuse_request(
        request_id=request.pk,
        reviewer=reviewer,
        reasons=[services.ReasonInput(reason())],
        text="no",
        expected_version=request.row_version,
    )
    ask_review(request_id=request.pk, actor=prescriber, reason="New spirometry attached.")
    request.refresh_from_db()
    assert request.is_review
    assert request.assigned_to is None
    with pytest.raises(services.Conflict) as info:
        services.take_request(request_id=request.pk, reviewer=reviewer)
    assert info.value.code == "own_refusal"
    page = client_for(reviewer).get(reverse("review:detail", args=[request.pk]))
    assert not page.context["may_take"]
    assert page.context["own_refusal"]
    other = reviewer_factory("CE200010")
    assert services.take_request(request_id=request.pk, reviewer=other).assigned_to == other
    supervisor = reviewer_factory("CE200011", supervisor=True)
    with pytest.raises(services.Conflict):
        services.reassign_request(request_id=request.pk, supervisor=supervisor, to=reviewer)


@pytest.mark.django_db
def test_a_supervisor_reassigns_and_a_reviewer_may_not(prescriber, reviewer):
    request = taken(sent_for_review(prescriber), reviewer)
    supervisor = reviewer_factory("CE200012", supervisor=True)
    other = reviewer_factory("CE200013")
    url = reverse("review:reassign", args=[request.pk])
    assert client_for(reviewer).post(url, {"reviewer": other.pk}).status_code == 403
    assert client_for(supervisor).post(url, {"reviewer": other.pk}).status_code == 302
    request.refresh_from_db()
    assert request.assigned_to == other
    assert client_for(supervisor).post(url, {"reviewer": 999999}).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_decisions_produce_exactly_one(prescriber, reviewer):
    """Real threads on PostgreSQL: an acceptance and a refusal sent at the same moment from the same
    page (two tabs, or a reviewer and a supervisor). One wins; the other gets one conflict."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL; SQLite serializes writers")
    request = taken(sent_for_review(prescriber), reviewer)
    version = request.row_version
    code = reason()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(kind: str) -> None:
        barrier.wait()
        try:
            if kind == "accept":
                services.accept_request(
                    request_id=request.pk,
                    reviewer=reviewer,
                    start=REQUESTED_START,
                    end=REQUESTED_START,
                    quantity="1",
                    expected_version=version,
                )
            else:
                services.refuse_request(
                    request_id=request.pk,
                    reviewer=reviewer,
                    reasons=[services.ReasonInput(code)],
                    text="no",
                    expected_version=version,
                )
            outcomes.append("decided")
        except services.Conflict as conflict:
            outcomes.append(f"conflict:{conflict.code}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(kind,)) for kind in ("accept", "refuse")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict:changed", "decided"]
    assert (
        Decision.objects.filter(auth_request=request).exclude(kind=DecisionKind.INFORMATION_REQUESTED).count()
        == 1
    )
    final = AuthorizationRequest.objects.get(pk=request.pk)
    assert final.status in (Status.ACCEPTED, Status.REFUSED)
    assert final.timeline.filter(action__in=("accept", "refuse")).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_taking_at_once_end_with_one_holder(prescriber, reviewer):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL; SQLite serializes writers")
    request = sent_for_review(prescriber)
    other = reviewer_factory("CE200014")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def grab(person) -> None:
        barrier.wait()
        try:
            services.take_request(request_id=request.pk, reviewer=person)
            outcomes.append("ok")
        except services.Conflict as conflict:
            outcomes.append(conflict.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=grab, args=(p,)) for p in (reviewer, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "taken"]
    assert AuthorizationRequest.objects.get(pk=request.pk).assigned_to_id in (reviewer.pk, other.pk)
