"""Metrics against a small data set computed by hand; the queue's order, filters, counts and clocks."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse

from pme.authorizations.services import answer_information_request, ask_review, submit_request
from pme.authorizations.tests.factories import codified_indication, make_draft
from pme.review import metrics, services
from pme.review.tests.factories import reason, reviewer_factory, sent_for_review, taken
from tests.personas import client_for

T0 = dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)
D1 = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
AT = dt.datetime(2026, 12, 10, 13, 0, tzinfo=dt.UTC)


def at(moment: dt.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def data_set(prescriber, reviewer):
    """R1 drug A accepted automatically; R2 drug A accepted after information (6 h of Régie time);
    R3 drug B urgent, refused after 10 h, accepted on review 4 h after the review was asked;
    R4 drug B still waiting since 3 December (late on 10 December, 13:00)."""
    drug_a, drug_b = codified_indication(), codified_indication()
    other = reviewer_factory("CE200020")
    with at(T0 - dt.timedelta(hours=4)):
        r1 = submit_request(request_id=make_draft(prescriber, drug_a).pk, actor=prescriber).auth_request
        assert r1.automated
    with at(T0):
        r2 = sent_for_review(prescriber, drug_a)
        r3 = sent_for_review(prescriber, drug_b, urgency="urgent", urgency_reason="hospitalized")
    with at(T0 + dt.timedelta(hours=1)):
        taken(r2, reviewer)
        r3 = taken(r3, reviewer)
    with at(T0 + dt.timedelta(hours=2)):
        r2.refresh_from_db()
        services.request_information(
            request_id=r2.pk, reviewer=reviewer, questions="?", expected_version=r2.row_version
        )
    with at(T0 + dt.timedelta(hours=10)):
        services.refuse_request(
            request_id=r3.pk,
            reviewer=reviewer,
            reasons=[services.ReasonInput(reason())],
            text="no",
            expected_version=r3.row_version,
        )
    with at(T0 + dt.timedelta(hours=26)):
        answer_information_request(request_id=r2.pk, actor=prescriber, text="done")
    with at(T0 + dt.timedelta(hours=30)):
        r2.refresh_from_db()
        services.accept_request(
            request_id=r2.pk,
            reviewer=reviewer,
            start=dt.date(2026, 12, 1),
            end=dt.date(2027, 11, 30),
            quantity="1 inhaler",
            expected_version=r2.row_version,
        )
    with at(D1):
        ask_review(request_id=r3.pk, actor=prescriber, reason="new facts")
    with at(D1 + dt.timedelta(hours=1)):
        r3 = taken(r3, other)
    with at(D1 + dt.timedelta(hours=4)):
        services.accept_request(
            request_id=r3.pk,
            reviewer=other,
            start=dt.date(2026, 12, 1),
            end=dt.date(2027, 11, 30),
            quantity="1 inhaler",
            expected_version=r3.row_version,
        )
    with at(dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)):
        r4 = sent_for_review(prescriber, drug_b)
    return drug_a.drug, drug_b.drug, r4


def figures(row: metrics.Row) -> tuple:
    return (
        row.received,
        row.decided,
        row.accepted,
        row.refused,
        row.automated,
        row.accepted_after_information,
        row.accepted_after_review,
        row.mean_standard,
        row.median_standard,
        row.mean_urgent,
        row.median_urgent,
    )


@pytest.mark.django_db
def test_metrics_match_the_hand_computed_data_set(data_set):
    drug_a, drug_b, _r4 = data_set
    result = metrics.compute(dt.date(2026, 11, 1), dt.date(2026, 12, 31), at=AT)
    assert figures(result.total) == (4, 4, 3, 1, 1, 1, 1, 6.0, 6.0, 7.0, 7.0)
    november, december = result.by_month
    assert november.key == dt.date(2026, 11, 1)
    assert figures(november) == (3, 3, 2, 1, 1, 1, 0, 6.0, 6.0, 10.0, 10.0)
    assert figures(december) == (1, 1, 1, 0, 0, 0, 1, None, None, 4.0, 4.0)
    by_drug = {row.key: row for row in result.by_drug}
    assert figures(by_drug[drug_a.pk]) == (2, 2, 2, 0, 1, 1, 0, 6.0, 6.0, None, None)
    assert figures(by_drug[drug_b.pk]) == (2, 2, 1, 1, 0, 0, 1, None, None, 7.0, 7.0)
    assert [n for _label, n in result.backlog] == [0, 0, 0, 1, 0]
    assert result.late == 1


@pytest.mark.django_db
def test_metrics_page_draws_svg_and_exports_the_same_figures(data_set, reviewer):
    query = {"start": "2026-11-01", "end": "2026-12-31"}
    with at(AT):
        client = client_for(reviewer)
        page = client.get(reverse("review:metrics"), query)
        export = client.get(reverse("review:metrics_csv"), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert len(re.findall(r'<svg viewBox="0 0 720 \d+" role="img"', html)) == 2
    assert "<table" in html
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:4] == ["section", "label", "received", "decided"]
    total = rows[1]
    assert total[:9] == ["total", total[1], "4", "4", "3", "1", "1", "1", "1"]
    assert rows[3][:9] == ["month", "2026-12-01", "1", "1", "1", "0", "0", "0", "1"]
    with at(AT):
        wrong = client.get(reverse("review:metrics"), {"start": "2026-12-31", "end": "2026-11-01"})
    assert wrong.status_code == 400


@pytest.mark.django_db
def test_queue_puts_urgent_first_then_oldest_and_filters(prescriber, reviewer):
    with at(T0):
        oldest = sent_for_review(prescriber)
    with at(T0 + dt.timedelta(hours=5)):
        urgent = sent_for_review(prescriber, urgency="urgent", urgency_reason="x")
        newest = sent_for_review(prescriber, codified_indication())
    with at(T0 + dt.timedelta(hours=6)):
        taken(newest, reviewer)
    with at(T0 + dt.timedelta(days=4)):
        client = client_for(reviewer)
        page = client.get(reverse("review:queue"))
        mine = client.get(reverse("review:queue"), {"mine": "on"})
        old = client.get(reverse("review:queue"), {"age": "3"})
        bad = client.get(reverse("review:queue"), {"age": "nope"})
    rows = page.context["rows"]
    assert [r.auth_request.pk for r in rows] == [urgent.pk, oldest.pk, newest.pk]
    assert rows[0].clock.late  # 72 h urgent target passed
    assert not rows[1].clock.late
    html = page.content.decode()
    assert "En retard" in html
    assert "row-late" in html
    assert {s.value: n for s, n in page.context["counts"]} == {
        "submitted": 2,
        "in_review": 1,
        "information_requested": 0,
    }
    assert [r.auth_request.pk for r in mine.context["rows"]] == [newest.pk]
    assert {r.auth_request.pk for r in old.context["rows"]} == {urgent.pk, oldest.pk, newest.pk}
    assert bad.status_code == 400
