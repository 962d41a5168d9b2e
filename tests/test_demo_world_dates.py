"""The demo world is dated relative to the day it is built, the seed catalogue's versions on fixed days. Every
request it plans is drafted and sent under one and the same version of its indication, whatever the day
`make run` is typed: a draft written the day before a version starts (or after one ends) would have no
indication to answer, and the demo would fail to build on that day only (it did, on 2026-12-02 at 00:30 in
Montréal, for a case whose version starts on 2025-12-10)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.utils import timezone

from pme.catalogue.demo import SEED_FILE
from pme.core.timeutils import REGIE_TZ
from pme.review import demo as review_demo
from tests.test_seed_demo_accounts import small_world

FIRST_DAY = dt.date(2026, 12, 1)  # this seed catalogue's day: no demo is built before it


def _boundaries() -> list[dt.date]:
    """The days a version of the seed catalogue starts, and the days after one ends, that a demo built on
    or after `FIRST_DAY` reaches (with the drafts before its first request)."""
    days = set()
    for drug in json.loads(SEED_FILE.read_text())["drugs"]:
        for indication in drug.get("indications", []):
            days.add(dt.date.fromisoformat(indication["effective_from"]))
            if indication.get("effective_to"):
                days.add(dt.date.fromisoformat(indication["effective_to"]) + dt.timedelta(days=1))
    reached = FIRST_DAY - dt.timedelta(days=review_demo.DAYS + 3)
    return sorted(d for d in days if d >= reached)


def _drafts(plan: review_demo.Plan) -> list[dt.datetime]:
    return [moment for moment, step in plan.steps if step is review_demo._draft]


@pytest.fixture
def demo_people(settings, monkeypatch):
    from django.core.management import call_command

    settings.DEBUG = True
    small_world(monkeypatch)
    call_command("seed_demo", stdout=io.StringIO())
    monkeypatch.undo()  # the full-size world from here on


@pytest.mark.django_db
def test_a_request_sent_just_after_a_version_starts_is_not_drafted_before_it(demo_people):
    world = review_demo.World(io.StringIO())
    starts = dt.date(2025, 12, 10)  # obeticholic-acid/primary-biliary-cholangitis, first version
    case = "obeticholic-acid/primary-biliary-cholangitis"
    morning = dt.datetime.combine(starts, dt.time(9), REGIE_TZ)
    assert review_demo.indication_on(case, starts) is not None
    assert world.indication(case, morning) is None  # its draft could be written on the 8th or the 9th
    later = morning + review_demo.DRAFT_LEAD + dt.timedelta(hours=15)
    assert world.indication(case, later) == review_demo.indication_on(case, starts)
    # In the evening in Montréal it is already the next day in UTC: the local day counts.
    evening = dt.datetime.combine(starts - dt.timedelta(days=1), dt.time(21), REGIE_TZ)
    assert evening.astimezone(dt.UTC).date() == starts
    assert world.indication(case, evening) is None


class _Versions:
    """What `_draft` and `_submit` will read (`indication_on`), each case and day asked once."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, dt.date], object] = {}

    def __call__(self, case_key: str, day: dt.date) -> object:
        if (case_key, day) not in self.found:
            self.found[case_key, day] = review_demo.indication_on(case_key, day)
        return self.found[case_key, day]


def _check(plans: list[review_demo.Plan], present: dt.datetime, in_force: _Versions) -> int:
    checked = 0
    for plan in plans:
        if not plan.case_key:
            continue
        sent = in_force(plan.case_key, timezone.localdate(plan.sent))
        for moment in _drafts(plan):
            if moment >= present:
                continue  # not played: after the present
            drafted = in_force(plan.case_key, timezone.localdate(moment))
            assert drafted is not None, (plan.case_key, moment, present)
            if any(step is review_demo._submit for _m, step in plan.steps):
                assert drafted == sent, (plan.case_key, moment, plan.sent, present)
            checked += 1
    return checked


@pytest.mark.django_db
def test_requests_planned_around_every_version_boundary_are_drafted_under_their_version(demo_people):
    """Sent every three hours from three days before to three days after each day a version starts or
    ends, by every kind of sender (an assistant's draft waits up to `DRAFT_LEAD`), each plan's drafts find
    the version its sending finds."""
    in_force = _Versions()
    world = review_demo.World(io.StringIO())
    for boundary in _boundaries():
        midnight = dt.datetime.combine(boundary, dt.time(0), REGIE_TZ)
        for hours in range(-72, 73, 3):
            for _ in range(40):  # the case drawn at random: each boundary's cases come up
                world.random_plan(midnight + dt.timedelta(hours=hours), stuck=False)
    checked = _check(world.plans, world.now, in_force)
    assert checked > 3000


@pytest.mark.django_db
def test_every_planned_draft_is_written_under_the_version_it_is_sent_under(demo_people):
    """The whole world built on days from this catalogue's to the day its last boundary leaves the fifteen
    months, at 00:30 in Montréal (already the next day in UTC)."""
    first, last = FIRST_DAY, max(_boundaries()) + dt.timedelta(days=review_demo.DAYS + 3)
    in_force = _Versions()
    checked = 0
    for day in range(0, (last - first).days + 1, 15):
        present = dt.datetime.combine(first + dt.timedelta(days=day), dt.time(0, 30), REGIE_TZ)
        with time_machine.travel(present, tick=False):
            world = review_demo.World(io.StringIO())
            world.build()
        checked += _check(world.plans, world.now, in_force)
    assert checked > 2000
