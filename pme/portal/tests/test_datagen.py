"""The benchmark data generator: constraints hold, distributions have the intended shape, same seed gives
the same data. (Its speed is measured by bench/run.py, never asserted here.)"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter

import pytest
from django.core.management import call_command

from pme.accounts.models import Delegation, Role, User
from pme.authorizations.models import AuthorizationRequest, RequestCounter, TimelineEntry
from pme.core.nam import NAM
from pme.portal import datagen

# The data generator is the owner's tool (it drops and rebuilds indexes, moves sequences).
pytestmark = [pytest.mark.django_db, pytest.mark.database_owner]
NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)


def test_two_hundred_requests_respect_the_rules_of_the_model() -> None:
    report = datagen.generate(requests=200, seed=3, now=NOW)

    assert report.requests == AuthorizationRequest.objects.count() == 200
    assert report.timeline_entries == TimelineEntry.objects.count()
    for r in AuthorizationRequest.objects.select_related("prescriber", "drug", "indication"):
        NAM.parse(r.nam)  # a valid insured number
        assert r.prescriber.role == Role.PRESCRIBER
        assert r.indication is not None
        assert r.indication.drug_id == r.drug_id
        if r.status in ("draft", "withdrawn") and r.number is None:
            assert r.submitted_at is None
        else:
            assert r.number
            assert r.submitted_at is not None
            assert r.status != "draft"
            assert r.number.startswith(str(r.submitted_at.year))
            assert NOW - dt.timedelta(days=3660) <= r.submitted_at <= NOW
            assert r.timeline.filter(action="transmit").count() == 1
        if r.status == "accepted":
            assert r.authorized_start
            assert r.authorized_end
            assert r.authorized_end > r.authorized_start
        if r.status == "refused":
            assert r.refusal_reasons
            assert r.timeline.filter(action="refuse").exists()


def test_distributions_are_skewed_and_recent_requests_are_still_open() -> None:
    datagen.generate(requests=200, seed=4, now=NOW)
    requests = list(AuthorizationRequest.objects.exclude(submitted_at=None))
    per_person = Counter(r.nam for r in requests)
    assert per_person.most_common(1)[0][1] >= 3  # some persons have many requests
    statuses = Counter(r.status for r in requests)
    assert statuses["accepted"] > len(requests) / 2
    old = [
        r for r in requests if r.submitted_at is not None and r.submitted_at < NOW - dt.timedelta(days=365)
    ]
    assert old
    assert all(r.status not in ("submitted", "in_review") for r in old)
    years = Counter(r.submitted_at.year for r in requests if r.submitted_at is not None)
    assert len(years) >= 10  # spread over ten years


def test_a_persons_number_of_requests_does_not_grow_with_the_data() -> None:
    """The same draw at 20,000 and at 600,000 requests (persons in proportion, as `generate` sizes them):
    the busiest person has about as many requests at both sizes, a plausible number for ten years."""

    def busiest(requests: int) -> tuple[int, float]:
        persons = datagen.FULL_PERSONS * requests // datagen.FULL_REQUESTS
        rng = random.Random(requests)
        counts = Counter(datagen.person_for(rng, persons) for _ in range(requests))
        chronic = persons // datagen.CHRONIC_EVERY
        return counts.most_common(1)[0][1], sum(counts[p] for p in range(chronic)) / chronic

    small, large = busiest(20_000), busiest(600_000)
    assert 12 < small[1] < 20  # a chronic patient: ~16 requests in ten years
    assert 12 < large[1] < 20
    assert large[0] <= 1.5 * small[0]
    assert large[0] < 60


def test_collaborators_work_for_generated_prescribers() -> None:
    datagen.generate(requests=200, seed=5, now=NOW)
    collaborators = User.objects.filter(role=Role.COLLABORATOR, username__startswith=datagen.PREFIX)
    assert collaborators.exists()
    assert all(
        Delegation.objects.filter(collaborator=c, accepted_at__isnull=False).exists() for c in collaborators
    )


def test_same_seed_same_rows_and_a_second_run_continues_numbers() -> None:
    population, _created = datagen.ensure_population(requests=50, seed=9)

    def rows(seed: int) -> list[tuple[list[str | None], list[list[str | None]]]]:
        made = datagen._rows(population, datagen.Writer(), random.Random(seed), 50, NOW.timestamp(), {})
        return list(made)

    assert rows(9) == rows(9)
    assert rows(9) != rows(10)

    datagen.generate(requests=50, seed=9, now=NOW)
    call_command("generate_data", requests=30, seed=10, no_progress=True)
    numbers = [n for n in AuthorizationRequest.objects.values_list("number", flat=True) if n]
    assert len(numbers) == len(set(numbers))
    assert AuthorizationRequest.objects.count() == 80
    for year, last in RequestCounter.objects.values_list("year", "last"):
        assert len([n for n in numbers if n.startswith(f"{year}-")]) == last


def test_generated_open_requests_carry_their_queue_order_and_counts() -> None:
    from pme.authorizations import queue

    datagen.generate(requests=3000, seed=6, now=NOW)
    open_requests = AuthorizationRequest.objects.filter(queue.OPEN)
    assert open_requests.exists()
    kept = {r.pk: (r.queue_rank, r.queued_since) for r in AuthorizationRequest.objects.all()}
    assert all((rank is None) == (since is None) for rank, since in kept.values())
    assert {pk for pk, (rank, _s) in kept.items() if rank is not None} == set(
        open_requests.values_list("pk", flat=True)
    )
    assert queue.open_counts() == queue.counted_in_table()
    # The same columns as the lifecycle's backfill computes from the timeline.
    AuthorizationRequest.objects.update(queue_rank=None, queued_since=None)
    queue.backfill_queue_fields()
    assert {r.pk: (r.queue_rank, r.queued_since) for r in AuthorizationRequest.objects.all()} == kept


def test_a_seven_day_target_leaves_a_few_thousand_open_at_full_scale() -> None:
    """Lives of requests sent over the last two years: the open ones are recent, and at the full scale's
    rate (3 M requests in ten years, the last years the busiest) they number a few thousand."""
    rng = random.Random(1)
    now = NOW.timestamp()
    day = 86_400
    lives = [
        (sent, datagen._life(rng, sent, rng.random() < 0.05, now))
        for sent in (now - rng.uniform(0, 730) * day for _ in range(40_000))
    ]
    open_lives = [
        (sent, life)
        for sent, life in lives
        if life.status in ("submitted", "in_review", "information_requested")
    ]
    per_year_at_full_scale = 340_000  # the last year of 3 M requests growing 5 % a year
    open_at_full_scale = len(open_lives) / len(lives) * 2 * per_year_at_full_scale
    assert 1_000 <= open_at_full_scale <= 8_000
    assert all(now - sent < 120 * day for sent, _life in open_lives)
    waiting = [life for _sent, life in open_lives if life.status != "information_requested"]
    assert sum(1 for life in waiting if now - life.queued_since > 7 * day) < len(waiting) * 0.15


def test_a_large_load_builds_the_same_indexes_and_constraints_again(monkeypatch) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the indexes are dropped and rebuilt on PostgreSQL only")

    def schema() -> set[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid IN ('authorizations_authorizationrequest'::regclass, "
                "'authorizations_timelineentry'::regclass) "
                "UNION SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid IN ('authorizations_authorizationrequest'::regclass, "
                "'authorizations_timelineentry'::regclass)"
            )
            # A rebuilt partial index's condition is printed with its casts moved: compare without them.
            return {(name, re.sub(r"::character varying|::text(\[\])?|[()]", "", d)) for name, d in cursor}

    before = schema()
    monkeypatch.setattr(datagen, "REBUILD_FROM", 1)
    phases: list[str] = []
    report = datagen.generate(requests=300, seed=7, now=NOW, phase=phases.append)
    assert any("indexes" in p for p in phases)  # they were dropped and built again
    assert report.index_seconds > 0
    assert schema() == before
    assert len(before) > 15


def test_a_review_waits_from_when_it_was_asked_and_a_question_pauses_without_resetting() -> None:
    rng = random.Random(2)
    now = NOW.timestamp()
    reviews, questions = [], []
    for _ in range(200_000):
        sent = now - rng.uniform(5, 40) * 86_400
        life = datagen._life(rng, sent, False, now)
        if life.status == "in_review" and life.is_review:
            reviews.append(life)
        elif life.status == "information_requested":
            questions.append((sent, life))
        if len(reviews) >= 20 and len(questions) >= 20:
            break
    assert len(reviews) >= 20
    assert len(questions) >= 20
    for life in reviews:
        asked = [at for at, action, *_rest in life.events if action == "ask_review"]
        assert life.queued_since == asked[-1]
        assert not life.assigned  # back in the queue, for any reviewer
    for sent, life in questions:
        assert life.queued_since == sent
        assert life.assigned
