"""Throttle counters: the back-off and the rate, each change one atomic statement, exact across
separate worker processes."""

from __future__ import annotations

import secrets

import pytest
from django.db import connection

from pme.core import throttle
from pme.core.tests.concurrency import run_at_once, shared_database_url

POLICY = throttle.Backoff(free=3)


def test_the_delays_grow_then_stop_growing():
    free = throttle.Backoff(free=5)
    assert [free.delay_after(n) for n in range(5)] == [0] * 5
    assert [free.delay_after(n) for n in range(5, 9)] == [15, 30, 60, 120]
    assert free.delay_after(45) == free.max_delay == 15 * 60


@pytest.mark.django_db
def test_the_sql_delay_is_the_python_delay():
    """Each admission sets the wait from the new count in SQL: it must match delay_after exactly."""
    at = 1_000_000.0
    for count in range(1, 14):
        assert throttle.admit("k", POLICY, at=at) == 0
        assert throttle.failures("k", at=at) == count
        assert throttle.wait_seconds("k", at=at) == POLICY.delay_after(count), count
        at += POLICY.delay_after(count)  # exactly when the wait ends


@pytest.mark.django_db
def test_a_refused_attempt_is_not_counted_and_the_wait_ends_by_itself():
    at = 1_000_000.0
    for _ in range(3):
        assert throttle.admit("k", POLICY, at=at) == 0
    assert throttle.admit("k", POLICY, at=at + 1) == 14
    assert throttle.admit("k", POLICY, at=at + 10) == 5  # hammering does not lengthen the wait
    assert throttle.failures("k", at=at) == 3
    assert throttle.admit("k", POLICY, at=at + 15) == 0
    assert throttle.wait_seconds("k", at=at + 15) == 30


@pytest.mark.django_db
def test_clear_and_forget():
    at = 1_000_000.0
    for _ in range(4):
        throttle.admit("k", POLICY, at=at + _ * 1000)
    throttle.clear("k")
    assert throttle.failures("k", at=at) == 0
    throttle.admit("k", POLICY, at=at)
    later = at + POLICY.forget_after + 1
    assert throttle.failures("k", at=later) == 0
    assert throttle.admit("k", POLICY, at=later) == 0
    assert throttle.failures("k", at=later) == 1  # started again from one
    assert throttle.purge_expired(at=later + POLICY.forget_after + 1) == 1


@pytest.mark.django_db
def test_a_rate_gives_a_burst_then_one_per_interval():
    rate = throttle.Rate(burst=3, interval=10)
    at = 1_000_000.0
    assert [throttle.take("r", rate, at=at).allowed for _ in range(4)] == [True, True, True, False]
    assert throttle.take("r", rate, at=at) == throttle.Verdict(False, 10)
    assert throttle.peek("r", rate, at=at + 9.5) == throttle.Verdict(False, 1)
    assert throttle.take("r", rate, at=at + 10).allowed
    assert not throttle.take("r", rate, at=at + 10).allowed
    assert throttle.take("r", rate, at=at + 1000).allowed  # an idle key is full again


@pytest.mark.django_db
@pytest.mark.parametrize(("limit", "window"), [(3, 600), (4, 600), (60, 600), (7, 100)])
def test_per_window_never_admits_more_than_the_limit_in_any_window(limit, window):
    """Trying every second for three windows: any window of `window` seconds holds at most `limit`."""
    rate = throttle.Rate.per_window(limit, window)
    at = 1_000_000.0
    admitted = [t for t in range(3 * window) if throttle.take(f"w{limit}", rate, at=at + t).allowed]
    assert admitted[:1] == [0]
    assert max(sum(1 for t in admitted if start <= t < start + window) for start in admitted) == limit


BACKOFF_WORKER = """
from pme.core import throttle
key, tries = sys.argv[1], int(sys.argv[2])
policy = throttle.Backoff(free=10, first_delay=3600)
print(sum(throttle.admit(key, policy) == 0 for _ in range(tries)))
"""

RATE_WORKER = """
from pme.core import throttle
key, tries = sys.argv[1], int(sys.argv[2])
rate = throttle.Rate(burst=25, interval=3600)
print(sum(throttle.take(key, rate).allowed for _ in range(tries)))
"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("worker", "expected"), [(BACKOFF_WORKER, 10), (RATE_WORKER, 25)])
def test_counting_is_exact_across_concurrent_processes(tmp_path, worker, expected):
    """Four processes released together each try 20 times on one key: exactly the policy's number
    pass in all. A read-then-write counter would let several processes read the same count and pass
    more."""
    url = shared_database_url(tmp_path)
    key = f"concurrency:{secrets.token_hex(8)}"
    outputs = run_at_once(url, worker, [key, "20"], processes=4)
    assert sum(int(out) for out in outputs) == expected, outputs
    if connection.vendor == "postgresql":
        throttle.clear(key)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="table persistence: PostgreSQL")
def test_the_counters_are_unlogged_on_postgresql():
    """docs/decisions/0006: a counter's commit does not wait for the write-ahead log to reach the disk."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relpersistence FROM pg_class c WHERE c.relname = %s OR c.oid IN "
            "(SELECT indexrelid FROM pg_index WHERE indrelid = %s::regclass)",
            [throttle.TABLE, throttle.TABLE],
        )
        kinds = {row[0] for row in cursor.fetchall()}
    assert kinds == {"u"}  # the table and its indexes
