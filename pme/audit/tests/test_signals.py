"""Unusual-access signals: many distinct insured persons in a short time, look-ups outside hours."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent
from pme.audit.selectors import unusual_access
from pme.audit.services import record
from pme.audit.tests.fixtures import fr_url
from pme.core.nam import NAM

MONTREAL = dt.timezone(dt.timedelta(hours=-5))  # November: EST
DAY = dt.date(2026, 11, 18)  # a Wednesday


def nams(count: int) -> list[NAM]:
    return [NAM.parse(f"ABCD8001{n + 10:02d}{n % 90 + 10:02d}") for n in range(count)]


def look_up(user, nam, at: dt.datetime) -> None:
    with time_machine.travel(at, tick=False):
        record(AuditCode.INSURED_SEARCHED, actor=user, nam=nam)


@pytest.fixture
def thresholds(settings):
    settings.AUDIT_SIGNAL_DISTINCT_PERSONS = 3
    settings.AUDIT_SIGNAL_WINDOW_MINUTES = 10
    settings.AUDIT_WORKDAY_START_HOUR = 7
    settings.AUDIT_WORKDAY_END_HOUR = 19


@pytest.mark.django_db
def test_many_distinct_persons_in_a_short_time_is_signalled(thresholds, pharmacist, reviewer):
    start = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MONTREAL)
    for minute, nam in zip((0, 3, 6, 8), nams(4), strict=True):
        look_up(pharmacist, nam, start + dt.timedelta(minutes=minute))
    # The same person four times is not a burst; nor are three persons spread over an hour.
    for minute in (0, 1, 2, 3):
        look_up(reviewer, nams(1)[0], start + dt.timedelta(minutes=minute))
    for minute, nam in zip((0, 20, 40), nams(3), strict=True):
        look_up(reviewer, nam, start + dt.timedelta(hours=2, minutes=minute))
    bursts, off_hours = unusual_access(DAY, DAY)
    assert [(b.username, b.persons) for b in bursts] == [("pharm", 4)]
    assert bursts[0].start == start
    assert bursts[0].end == start + dt.timedelta(minutes=8)
    assert off_hours == []


@pytest.mark.django_db
def test_look_ups_outside_working_hours_are_signalled(thresholds, collaborator, reviewer):
    person = nams(1)[0]
    look_up(collaborator, person, dt.datetime(2026, 11, 18, 6, 59, tzinfo=MONTREAL))  # before 7:00
    look_up(collaborator, person, dt.datetime(2026, 11, 18, 19, 0, tzinfo=MONTREAL))  # from 19:00
    look_up(collaborator, person, dt.datetime(2026, 11, 21, 11, 0, tzinfo=MONTREAL))  # a Saturday
    look_up(reviewer, person, dt.datetime(2026, 11, 18, 7, 0, tzinfo=MONTREAL))  # working hours
    look_up(reviewer, person, dt.datetime(2026, 11, 18, 18, 59, tzinfo=MONTREAL))
    _bursts, off_hours = unusual_access(DAY, DAY + dt.timedelta(days=3))
    assert [(s.username, s.count) for s in off_hours] == [("collab.a", 3)]


@pytest.mark.django_db
def test_signals_page_lists_them_and_is_audited(thresholds, officer_client, collaborator):
    look_up(collaborator, nams(1)[0], dt.datetime(2026, 11, 18, 23, 30, tzinfo=MONTREAL))
    response = officer_client.get(fr_url("audit:signals") + "?date_from=2026-11-18&date_to=2026-11-19")
    assert response.status_code == 200
    html = response.content.decode()
    assert "collab.a" in html
    assert "18 novembre 2026, 23:30" in html
    assert AuditEvent.objects.filter(action="audit.signals.viewed").get().result_count == 1


@pytest.mark.django_db
def test_signals_page_refuses_a_bad_period(officer_client):
    response = officer_client.get(fr_url("audit:signals") + "?date_from=2026-11-18&date_to=2026-11-01")
    assert response.status_code == 400
