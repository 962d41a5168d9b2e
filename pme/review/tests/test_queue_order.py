"""The review queue's stored order and counts (pme/authorizations/queue.py): the order through the page,
the counts after every transition, the migration's backfill, and a page whose queries do not grow with
the number of open requests."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from pme.authorizations import queue
from pme.authorizations.lifecycle import Status
from pme.authorizations.models import AuthorizationRequest, QueueCount
from pme.authorizations.services import (
    answer_information_request,
    ask_review,
    submit_request,
    withdraw_request,
)
from pme.authorizations.tests.factories import codified_indication, make_draft
from pme.review import services
from pme.review.tests.factories import reason, reviewer_factory, sent_for_review, taken
from tests.personas import client_for

T0 = dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)


def at(moment: dt.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def hours(n: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=n)


def fresh(auth_request: AuthorizationRequest) -> AuthorizationRequest:
    auth_request.refresh_from_db()
    return auth_request


def refuse(auth_request: AuthorizationRequest, reviewer) -> None:
    services.refuse_request(
        request_id=auth_request.pk,
        reviewer=reviewer,
        reasons=[services.ReasonInput(reason())],
        text="no",
        expected_version=fresh(auth_request).row_version,
    )


def ask_information(auth_request: AuthorizationRequest, reviewer) -> None:
    services.request_information(
        request_id=auth_request.pk,
        reviewer=reviewer,
        questions="?",
        expected_version=fresh(auth_request).row_version,
    )


def queue_page(reviewer, **query: str):
    response = client_for(reviewer).get(reverse("review:queue"), query)
    assert response.status_code == 200
    return response


def order(response) -> list[int]:
    return [row.auth_request.pk for row in response.context["rows"]]


@pytest.mark.django_db
def test_queue_is_urgent_first_then_longest_waiting_review_requeued_and_information_paused(
    prescriber, reviewer
):
    other = reviewer_factory("CE200020")
    with at(hours(-240)):
        reviewed = sent_for_review(prescriber)
        taken(reviewed, reviewer)
    with at(hours(-239)):
        refuse(reviewed, reviewer)
    with at(hours(0)):
        first = sent_for_review(prescriber)
    with at(hours(1)):
        second = sent_for_review(prescriber)
    with at(hours(2)):
        urgent = sent_for_review(prescriber, urgency="urgent", urgency_reason="hospitalized")
    with at(hours(-1)):
        questioned = sent_for_review(prescriber)  # the oldest of the standard requests...
    with at(hours(3)):
        taken(questioned, other)
        ask_information(questioned, other)  # ... but paused: it waits for the prescriber
    with at(hours(4)):
        # Back in the queue, waiting from now.
        ask_review(request_id=reviewed.pk, actor=prescriber, reason="new facts")

    with at(hours(5)):
        page = queue_page(reviewer)
    assert order(page) == [urgent.pk, first.pk, second.pk, reviewed.pk, questioned.pk]
    assert fresh(reviewed).queued_since == hours(4)
    assert fresh(questioned).queue_rank == queue.PAUSED
    html = page.content.decode()
    assert html.index(fresh(urgent).number) < html.index(fresh(first).number)

    with at(hours(6)):
        answer_information_request(request_id=questioned.pk, actor=prescriber, text="here")
        page = queue_page(reviewer)
    # Answered, it resumes its place: the longest waiting of the standard requests.
    assert order(page) == [urgent.pk, questioned.pk, first.pk, second.pk, reviewed.pk]
    assert fresh(questioned).queued_since == hours(-1)

    with at(hours(7)):
        only_paused = queue_page(reviewer, status=Status.SUBMITTED)
        mine = queue_page(other, mine="on")
    assert order(only_paused) == [urgent.pk, first.pk, second.pk]
    assert order(mine) == [questioned.pk]

    with at(hours(8)):
        taken(first, reviewer)
        services.accept_request(
            request_id=first.pk,
            reviewer=reviewer,
            start=dt.date(2026, 12, 1),
            end=dt.date(2027, 11, 30),
            quantity="1 inhaler",
            expected_version=fresh(first).row_version,
        )
    assert (fresh(first).queue_rank, fresh(first).queued_since) == (None, None)
    with at(hours(9)):
        assert first.pk not in order(queue_page(reviewer))


def assert_counts(submitted: int, in_review: int, information_requested: int) -> None:
    wanted = {
        "submitted": submitted,
        "in_review": in_review,
        "information_requested": information_requested,
    }
    assert queue.counted_in_table() == wanted  # the data itself
    assert queue.open_counts() == wanted  # the counters, without a scan


@pytest.mark.django_db
def test_counts_are_exact_after_every_transition(prescriber, reviewer):
    assert_counts(0, 0, 0)
    automatic = submit_request(request_id=make_draft(prescriber, codified_indication()).pk, actor=prescriber)
    assert automatic.auth_request.status == Status.ACCEPTED  # transmit then accept_automatically
    assert_counts(0, 0, 0)
    withdraw_request(request_id=make_draft(prescriber).pk, actor=prescriber)  # a draft discarded
    assert_counts(0, 0, 0)

    requests = [sent_for_review(prescriber) for _ in range(5)]
    assert_counts(5, 0, 0)
    a, b, c, d, e = requests
    withdraw_request(request_id=a.pk, actor=prescriber)  # submitted → withdrawn
    assert_counts(4, 0, 0)
    for item in (b, c, d, e):
        taken(item, reviewer)
    assert_counts(0, 4, 0)
    ask_information(b, reviewer)
    assert_counts(0, 3, 1)
    answer_information_request(request_id=b.pk, actor=prescriber, text="here")
    assert_counts(0, 4, 0)
    ask_information(b, reviewer)
    withdraw_request(request_id=b.pk, actor=prescriber)  # information requested → withdrawn
    assert_counts(0, 3, 0)
    refuse(c, reviewer)
    assert_counts(0, 2, 0)
    ask_review(request_id=c.pk, actor=prescriber, reason="new facts")  # refused → in review (unassigned)
    assert_counts(0, 3, 0)
    withdraw_request(request_id=d.pk, actor=prescriber)  # in review → withdrawn
    assert_counts(0, 2, 0)
    services.accept_request(
        request_id=e.pk,
        reviewer=reviewer,
        start=dt.date(2026, 12, 1),
        end=dt.date(2027, 11, 30),
        quantity="1 inhaler",
        expected_version=fresh(e).row_version,
    )
    assert_counts(0, 1, 0)
    # Spread over the shards of the request ids, and never negative.
    assert not QueueCount.objects.filter(total__lt=0).exists()


@pytest.mark.django_db
def test_retention_takes_deleted_open_requests_out_of_the_counts(prescriber):
    old = sent_for_review(prescriber)
    assert_counts(1, 0, 0)
    queue.forget(AuthorizationRequest.objects.filter(pk=old.pk))
    assert queue.open_counts()["submitted"] == 0


@pytest.mark.django_db
def test_the_migration_backfill_gives_what_the_lifecycle_keeps(prescriber, reviewer):
    with at(hours(0)):
        waiting = sent_for_review(prescriber, urgency="urgent", urgency_reason="x")
        questioned = sent_for_review(prescriber)
        reviewed = sent_for_review(prescriber)
        taken(questioned, reviewer)
        taken(reviewed, reviewer)
        ask_information(questioned, reviewer)
        refuse(reviewed, reviewer)
    with at(hours(30)):
        ask_review(request_id=reviewed.pk, actor=prescriber, reason="new facts")
    kept = {r.pk: (r.queue_rank, r.queued_since) for r in AuthorizationRequest.objects.order_by("pk")}
    counts = queue.open_counts()
    assert kept[waiting.pk] == (queue.URGENT, hours(0))
    assert kept[questioned.pk] == (queue.PAUSED, hours(0))
    assert kept[reviewed.pk] == (queue.STANDARD, hours(30))

    AuthorizationRequest.objects.update(queue_rank=None, queued_since=None)
    QueueCount.objects.all().delete()
    migration = importlib.import_module("pme.authorizations.migrations.0006_review_queue_order")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    migration.backfill(None, editor)
    assert {r.pk: (r.queue_rank, r.queued_since) for r in AuthorizationRequest.objects.order_by("pk")} == kept
    assert queue.open_counts() == counts
    # The app's own backfill (for bulk loads) agrees.
    AuthorizationRequest.objects.update(queue_rank=None, queued_since=None)
    queue.backfill_queue_fields()
    queue.rebuild_counts()
    assert {r.pk: (r.queue_rank, r.queued_since) for r in AuthorizationRequest.objects.order_by("pk")} == kept
    assert queue.open_counts() == counts


def queue_queries(reviewer) -> int:
    client = client_for(reviewer)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("review:queue")).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_queue_page_queries_do_not_grow_with_the_open_requests(prescriber, reviewer):
    indications = [codified_indication() for _ in range(3)]
    for i in range(2):
        sent_for_review(prescriber, indications[i % 3])
    few = queue_queries(reviewer)
    for i in range(30):
        urgent = {"urgency": "urgent", "urgency_reason": "x"} if i % 4 == 0 else {}
        item = sent_for_review(prescriber, indications[i % 3], **urgent)
        if i % 3 == 0:
            taken(item, reviewer)
        if i % 6 == 0:
            ask_information(item, reviewer)
    many = queue_queries(reviewer)
    assert many == few


@pytest.mark.django_db
def test_the_demo_world_has_its_queue_order_and_exact_counts(settings):
    import io

    from django.core.management import call_command

    settings.DEBUG = True  # seed_demo runs only with the development settings
    call_command("seed_demo", stdout=io.StringIO())
    assert queue.open_counts() == queue.counted_in_table()
    for item in AuthorizationRequest.objects.filter(queue.OPEN):
        assert item.queue_rank is not None
        # The wait starts at the sending (backdated with it), or again when a review was asked.
        sent = item.submitted_at
        assert sent is not None
        asked = [e.at for e in item.timeline.all() if e.action == "ask_review" and e.at >= sent]
        assert item.queued_since == max(asked, default=sent)


@pytest.mark.django_db
def test_the_unfiltered_queue_counts_from_the_counters_a_filtered_one_from_the_table(prescriber, reviewer):
    indications = [codified_indication() for _ in range(2)]
    for i in range(30):  # more than one page (25)
        item = sent_for_review(prescriber, indications[i % 2])
        if i % 5 == 0:
            taken(item, reviewer)
            ask_information(item, reviewer)
    total = sum(queue.counted_in_table().values())
    client = client_for(reviewer)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("review:queue"))
    assert response.context["page"].paginator.count == total == 30
    assert response.context["page"].paginator.num_pages == 2
    assert not [q for q in captured.captured_queries if "COUNT(*)" in q["sql"]]  # no scan of the open rows
    filtered = client.get(reverse("review:queue"), {"status": Status.INFORMATION_REQUESTED})
    assert filtered.context["page"].paginator.count == 6
    second = client.get(reverse("review:queue"), {"page": 2})
    assert len(second.context["rows"]) == 5


def _cells(html: str, number: str | None) -> list[str]:
    """The text of each cell of the queue row of request `number` (tags dropped, spaces collapsed)."""
    assert number
    row = re.search(r"<tr[^>]*>\s*<td><a href=\"[^\"]+\">" + re.escape(number) + r"</a>.*?</tr>", html, re.S)
    assert row is not None, number
    cells = re.findall(r"<td>(.*?)</td>", row.group(0), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]


@pytest.mark.django_db
def test_queue_rows_read_their_clock_status_and_reviewer_in_the_page_language(prescriber, reviewer):
    """Each row's cells, word for word: the clock's three states (late, time left, paused), the status
    badge and who holds the request, in French and in English, from the few columns the page reads."""
    t0 = dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)  # a Monday, no change of time in the days after
    with time_machine.travel(t0, tick=False):
        waiting = sent_for_review(prescriber)
    with time_machine.travel(t0 + dt.timedelta(hours=5), tick=False):
        urgent = sent_for_review(prescriber, urgency="urgent", urgency_reason="x")
        held = sent_for_review(prescriber, codified_indication())
        questioned = sent_for_review(prescriber, codified_indication())
    other = reviewer_factory("CE100077", first_name="Marc", last_name="Pelletier")
    with time_machine.travel(t0 + dt.timedelta(hours=6), tick=False):
        taken(held, reviewer)
        taken(questioned, other)
        ask_information(questioned, other)
    with time_machine.travel(t0 + dt.timedelta(days=4), tick=False):
        client = client_for(reviewer)
        french = client.get(reverse("review:queue")).content.decode()
        english = client.get("/en/review/").content.decode()
    # urgent: 91 h waited, 72 h target; waiting: 96 h of 168; held: 91 h of 168 (77 h left)
    with translation.override("fr"):
        drug = fresh(urgent).drug_label
    assert _cells(french, urgent.number)[1:] == [
        "Urgente",
        drug,
        "2 novembre 2026, 14:00",  # sent at 19:00 UTC, 14:00 in Montréal
        "En retard — 19 heures de dépassement de la cible",
        "En attente de traitement",
        "Non prise",
    ]
    waited = _cells(french, waiting.number)[4:]
    assert waited == ["3 jours restant(s)", "En attente de traitement", "Non prise"]
    assert _cells(french, held.number)[4:] == ["3 jours et 5 heures restant(s)", "En traitement", "Vous"]
    assert _cells(french, questioned.number)[4:] == [
        "En pause : en attente du prescripteur",
        "À préciser",
        "Prise par Marc Pelletier",
    ]
    assert _cells(english, urgent.number)[4] == "Late — 19 hours past the target"
    assert _cells(english, held.number)[4:] == ["3 days and 5 hours left", "In process", "You"]
    assert _cells(english, questioned.number)[5:] == ["Clarification needed", "Taken by Marc Pelletier"]
    assert '<span class="status status-information_requested">À préciser</span>' in french
