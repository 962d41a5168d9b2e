"""Each hot door runs a fixed number of SQL statements, whatever the number of results (docs/performance.md,
"Query counts per door").

Every page is opened twice with 1 and with 10 results (or a short and a long history); both must run the
same statements, under a ceiling. Counted: every statement but the savepoints of the test's own
transaction wrapping (SAVEPOINT / RELEASE), which production does not run around a door. The ceilings
include the session, the user, the throttle and the audit event (today three statements; one after the
audit chain's rework), so they only ever need lowering.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pme.api.tests.helpers import exception_body, exceptional_body, post_json
from pme.audit.models import AuditEvent
from pme.authorizations.services import _add_attachment, answer_information_request, submit_request
from pme.authorizations.tests.factories import codified_indication, make_draft
from pme.authorizations.tests.fixtures import pdf_upload
from pme.core.nam import NAM
from pme.review import services as review
from pme.review.tests.factories import sent_for_review
from tests.personas import bearer_client_for, client_for

ONE = NAM.parse("ROYM 7001 0112")  # a man born 1 January 1970: one request
TEN = NAM.parse("GAGL 8062 1534")  # a woman born 21 October 1980: ten requests


def statements(run: Callable[[], object]) -> list[str]:
    with CaptureQueriesContext(connection) as seen:
        run()
    return [q["sql"] for q in seen.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


def same_count(few: list[str], many: list[str], ceiling: int) -> None:
    assert len(few) == len(many), "\n".join(["few:", *_short(few), "many:", *_short(many)])
    assert len(many) <= ceiling, "\n".join(_short(many))


def _short(found: list[str]) -> list[str]:
    return [f"  {sql[:120]}" for sql in found]


def _birth(nam: NAM) -> dt.date:
    year, month, day = int(nam.value[4:6]), int(nam.value[6:8]) % 50, int(nam.value[8:10])
    return dt.date(1900 + year, month, day)


def _send(prescriber, nam: NAM, count: int, indication=None) -> list:
    return [
        submit_request(
            request_id=make_draft(prescriber, indication, nam=nam, insured_birth_date=_birth(nam)).pk,
            actor=prescriber,
        ).auth_request
        for _ in range(count)
    ]


@pytest.fixture
def people(prescriber, collaborator, pharmacist):
    _send(prescriber, ONE, 1)
    _send(prescriber, TEN, 10)


def _look_up(client, form: str, results: str, nam: NAM) -> list[str]:
    assert client.post(reverse(form), {"nam": nam.value}).status_code == 302
    client.get(reverse(results))  # warm: a first display compiles the prepared forms
    assert client.post(reverse(form), {"nam": nam.value}).status_code == 302

    def open_results() -> None:
        response = client.get(reverse(results))
        assert response.status_code == 200
        assert nam.masked() in response.content.decode() or "Tremblay" in response.content.decode()

    return statements(open_results)


@pytest.mark.django_db
def test_panorama_statements_do_not_grow_with_its_requests(people, collaborator, prescriber):
    for user in (collaborator, prescriber):
        client = client_for(user)
        few = _look_up(client, "consultation:panorama", "consultation:panorama_results", ONE)
        many = _look_up(client, "consultation:panorama", "consultation:panorama_results", TEN)
        # session, user, throttle, [the collaborator's prescribers], requests, audit event (3 today)
        same_count(few, many, ceiling=8 if user == collaborator else 7)


@pytest.mark.django_db
def test_pharmacist_look_up_statements_do_not_grow_with_its_lines(people, pharmacist):
    client = client_for(pharmacist)
    few = _look_up(client, "consultation:status_lookup", "consultation:status_results", ONE)
    many = _look_up(client, "consultation:status_lookup", "consultation:status_results", TEN)
    same_count(few, many, ceiling=7)  # session, user, throttle, lines, audit event (3 today)


def _under_review(prescriber, reviewer, *, attachments: int, questions: int):
    auth_request = sent_for_review(prescriber)
    for _ in range(attachments):
        _add_attachment(auth_request, actor=prescriber, upload=pdf_upload())
    review.take_request(reviewer=reviewer, request_id=auth_request.pk)
    for n in range(questions):
        review.request_information(
            reviewer=reviewer, request_id=auth_request.pk, questions=f"Question {n}?", expected_version=None
        )
        answer_information_request(actor=prescriber, request_id=auth_request.pk, text=f"Réponse {n}.")
    return auth_request


@pytest.mark.django_db
def test_request_page_statements_do_not_grow_with_its_history(prescriber, reviewer):
    short = _under_review(prescriber, reviewer, attachments=1, questions=1)
    long = _under_review(prescriber, reviewer, attachments=5, questions=4)
    bare = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    client = client_for(prescriber)

    def page(auth_request) -> list[str]:
        url = reverse("authorizations:detail", args=[auth_request.pk])
        client.get(url)  # the first view marks the home-page items read; the next ones read the page only
        return statements(lambda: client.get(url))

    # session, user, request (with its unread items), audit event (3 today), timeline, attachments,
    # decisions and their reasons, versions, treatments
    same_count(page(short), page(long), ceiling=12)
    assert len(page(bare)) == len(page(short)) - 2  # no decision in its history: no decision to read


@pytest.mark.django_db
def test_reviewer_queue_statements_do_not_grow_with_the_queue(prescriber, other_prescriber, reviewer):
    client = client_for(reviewer)
    url = reverse("review:queue")
    sent_for_review(prescriber)
    client.get(url)
    few = statements(lambda: client.get(url))
    for _ in range(9):
        sent_for_review(other_prescriber)
    many = statements(lambda: client.get(url))
    # session, user, drugs of the filter, count, page, audit event (3 today), counts, clocks' timelines
    same_count(few, many, ceiling=10)


@pytest.mark.django_db
def test_api_list_statements_do_not_grow_with_the_list(prescriber, other_prescriber):
    _send(prescriber, ONE, 1)
    _send(other_prescriber, TEN, 10)
    counts = []
    for user in (prescriber, other_prescriber):
        client = bearer_client_for(user)
        client.get("/api/v1/requests")
        counts.append(statements(partial(client.get, "/api/v1/requests")))
    same_count(counts[0], counts[1], ceiling=6)  # token, throttle, page, audit event (3 today)


@pytest.mark.django_db
def test_an_api_submission_is_one_audit_event_in_a_fixed_number_of_statements(prescriber):
    indication = codified_indication()
    client = bearer_client_for(prescriber)
    post_json(client, "/api/v1/requests", exceptional_body(), **{"Idempotency-Key": "warm"})
    runs: dict[str, list[str]] = {}
    answers: dict[str, Any] = {}
    for key, body in (("reviewed", exceptional_body()), ("accepted", exception_body(indication))):
        events = AuditEvent.objects.count()

        def send(key: str = key, body: dict[str, Any] = body) -> None:
            answers[key] = post_json(client, "/api/v1/requests", body, **{"Idempotency-Key": key})

        runs[key] = statements(send)
        assert answers[key].status_code == 201, answers[key].content
        assert AuditEvent.objects.count() == events + 1  # the submission's one event (and acceptance's)
    assert answers["accepted"].json()["status"] == "accepted"
    assert answers["reviewed"].json()["status"] == "submitted"
    # token, throttle, indication (its criteria too the first time in a process), request, number,
    # status, timeline, audit event (3 today), version: the request row is written twice and never read
    # back, no look-up before the insert, no decision to read for a request just sent.
    assert len(runs["accepted"]) <= 12, "\n".join(runs["accepted"])
    assert len(runs["reviewed"]) <= len(runs["accepted"])
    reads_of_the_request = [
        s for s in runs["accepted"] if s.startswith('SELECT "authorizations_authorizationrequest"')
    ]
    assert reads_of_the_request == []


@pytest.mark.django_db
def test_a_replayed_api_submission_answers_the_first_request(prescriber):
    """No look-up before the insert: a key seen before fails it and is answered from the first request."""
    client = bearer_client_for(prescriber)
    first = post_json(client, "/api/v1/requests", exceptional_body(), **{"Idempotency-Key": "k"})
    again = post_json(client, "/api/v1/requests", exceptional_body(), **{"Idempotency-Key": "k"})
    other = post_json(
        client, "/api/v1/requests", exceptional_body(dosage="20 mg"), **{"Idempotency-Key": "k"}
    )
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 422)
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
