"""The benchmark data generator: constraints hold, distributions have the intended shape, same seed gives
the same data. (Its speed is measured by bench/run.py, never asserted here.)"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from django.core.management import call_command

from pme.accounts.models import Delegation, Role, User
from pme.authorizations.models import AuthorizationRequest, RequestCounter, TimelineEntry
from pme.core.nam import NAM
from pme.portal import datagen

pytestmark = pytest.mark.django_db
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
