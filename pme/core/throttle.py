"""Throttle counters shared by every worker process, each change one atomic SQL statement.

Two kinds of counter, both one row per key in `core_throttlecounter`:

- **Back-off** (`admit`, `wait_seconds`, `clear`): failures in a row. An attempt is *admitted* by an
  upsert that counts it in advance and sets the time before which the next one must wait; the same
  statement refuses it (changing nothing) while that time is in the future. So concurrent attempts, in
  any number of processes, can never pass more than the policy allows: there is no read-then-write.
  A success `clear`s the counter. After `free` failures, each further attempt waits `first_delay`
  seconds, doubling, up to `max_delay`; a counter is forgotten `forget_after` seconds after its last
  admitted attempt. Attempts refused while waiting are not counted, so hammering does not lengthen the
  wait, and every wait ends by itself.
- **Rate** (`take`, `peek`; `counted` for a caller that sends the upsert with its reads): a GCRA (generic
  cell rate algorithm, the "virtual scheduling" form of a token bucket): `burst` at once, then one every
  `interval` seconds. One upsert both checks and takes.

Times are seconds since the epoch (`time.time()`, floats), stored as such so that SQLite and PostgreSQL
run the same SQL. Keys are made by the callers; they must not contain personal information in clear
(hash usernames and addresses).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection

from pme.core.prepared import Statement

TABLE = "core_throttlecounter"
EPSILON = 1e-6


@dataclass(frozen=True)
class Backoff:
    free: int
    first_delay: int = 15
    max_delay: int = 15 * 60
    forget_after: int = 24 * 60 * 60

    def delay_after(self, failures: int) -> int:
        """Seconds to wait after the last of `failures` failures in a row."""
        if failures < self.free:
            return 0
        return int(min(self.first_delay * 2 ** min(failures - self.free, 30), self.max_delay))

    def _delay_sql(self, count_sql: str) -> str:
        """The same function as `delay_after`, as a CASE over `count_sql` (portable: no POWER())."""
        steps = []
        step = 0
        while True:
            delay = self.delay_after(self.free + step)
            if delay >= self.max_delay:
                break
            steps.append(f"WHEN {count_sql} = {self.free + step} THEN {delay}")
            step += 1
        return f"(CASE WHEN {count_sql} < {self.free} THEN 0 {' '.join(steps)} ELSE {self.max_delay} END)"


@dataclass(frozen=True)
class Rate:
    burst: int
    interval: float  # seconds between two admissions once the burst is spent

    @classmethod
    def per_window(cls, limit: int, window: float) -> Rate:
        """At most `limit` admissions in any window of `window` seconds (as a sliding log would allow):
        half of them at once, the others spread over the window, one every `interval` seconds."""
        burst = max(1, math.ceil(limit / 2))
        return cls(burst=burst, interval=window / (limit - burst + 1))


def _now(at: float | None) -> float:
    return time.time() if at is None else at


def wait_seconds(key: str, *, at: float | None = None) -> int:
    """Seconds before `key` admits another attempt (0: go ahead). Reads only."""
    at = _now(at)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT stamp FROM {TABLE} WHERE key = %s AND expires_at > %s", [key, at])  # noqa: S608
        row = cursor.fetchone()
    return max(0, math.ceil(row[0] - at - EPSILON)) if row else 0


def admit(key: str, policy: Backoff, *, at: float | None = None) -> int:
    """Counts one attempt on `key` in advance and returns 0, or refuses it (uncounted) and returns the
    seconds to wait. Call `clear` when the attempt succeeds."""
    at = _now(at)
    expired = f"{TABLE}.expires_at <= %s"
    new_count = f"(CASE WHEN {expired} THEN 1 ELSE {TABLE}.count + 1 END)"
    sql = (
        f"INSERT INTO {TABLE} (key, count, stamp, expires_at) VALUES (%s, 1, %s, %s) "  # noqa: S608
        f"ON CONFLICT (key) DO UPDATE SET count = {new_count}, "
        f"stamp = %s + {policy._delay_sql(new_count)}, expires_at = %s "
        f"WHERE {TABLE}.stamp <= %s OR {expired} "
        "RETURNING count"
    )
    # Placeholders in the order they appear: VALUES (3); the CASE of the count (1); stamp, then the
    # delay's CASE, which repeats the count's CASE once per branch; expires_at; the WHERE clause (2).
    delay_uses = policy._delay_sql(new_count).count("%s")
    params: list[str | float] = [key, at + policy.delay_after(1), at + policy.forget_after]
    params += [at, at, *([at] * delay_uses), at + policy.forget_after, at + EPSILON, at]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        admitted = cursor.fetchone() is not None
    return 0 if admitted else max(1, wait_seconds(key, at=at))


def clear(*keys: str) -> None:
    if not keys:
        return
    marks = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE key IN ({marks})", list(keys))  # noqa: S608


def failures(key: str, *, at: float | None = None) -> int:
    """Failures in a row currently counted on `key` (for messages and tests)."""
    at = _now(at)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count FROM {TABLE} WHERE key = %s AND expires_at > %s", [key, at])  # noqa: S608
        row = cursor.fetchone()
    return int(row[0]) if row else 0


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds; 0 when allowed


def _arrival(stamp: float, at: float) -> float:
    return max(stamp, at)


def peek(key: str, rate: Rate, *, at: float | None = None) -> Verdict:
    """Would `take` admit now? Changes nothing."""
    at = _now(at)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT stamp FROM {TABLE} WHERE key = %s", [key])  # noqa: S608
        row = cursor.fetchone()
    return _verdict(row[0] if row else at, rate, at)


def _verdict(stamp: float, rate: Rate, at: float) -> Verdict:
    late = _arrival(stamp, at) + rate.interval - at - rate.burst * rate.interval
    if late <= EPSILON:
        return Verdict(True, 0)
    return Verdict(False, max(1, math.ceil(late - EPSILON)))


def take(key: str, rate: Rate, *, at: float | None = None) -> Verdict:
    """Admits one event on `key` if the rate allows it (counted), else refuses it (uncounted)."""
    count = counted(key, rate, at=at)
    return count.verdict(count.statement.run())


def take_statement(key: str, rate: Rate, *, at: float) -> Statement:
    """`take`'s upsert, to send with other statements (pme.core.prepared.run_together); `taken` reads its
    answer. The GCRA in one statement: the arrival is the later of the stored stamp and now; admitted
    (stamp moved on by one interval) unless that is more than the burst ahead of now."""
    arrival = f"(CASE WHEN {TABLE}.stamp > %s THEN {TABLE}.stamp ELSE %s END)"
    sql = (
        f"INSERT INTO {TABLE} (key, count, stamp, expires_at) VALUES (%s, 1, %s, %s) "  # noqa: S608
        f"ON CONFLICT (key) DO UPDATE SET count = {TABLE}.count + 1, "
        f"stamp = {arrival} + %s, expires_at = {arrival} + %s "
        f"WHERE {arrival} + %s - %s <= %s "
        "RETURNING stamp"
    )
    first = at + rate.interval
    limit = rate.burst * rate.interval + EPSILON
    params: list[str | float] = [key, first, first]
    params += [at, at, rate.interval, at, at, rate.interval]
    params += [at, at, rate.interval, at, limit]
    return Statement(sql, tuple(params))


@dataclass(frozen=True)
class Counted:
    """`take` in two halves, for a caller that sends the count with its reads (run_together): the
    statement, and the verdict of its answer."""

    key: str
    rate: Rate
    at: float
    statement: Statement

    def verdict(self, rows: list[Any]) -> Verdict:
        return taken(rows, self.key, self.rate, at=self.at)


def counted(key: str, rate: Rate, *, at: float | None = None) -> Counted:
    """`take` not sent yet."""
    at = _now(at)
    return Counted(key, rate, at, take_statement(key, rate, at=at))


def taken(rows: list[Any], key: str, rate: Rate, *, at: float) -> Verdict:
    """The verdict of `take_statement`'s answer (a row: admitted; none: refused, and when to retry)."""
    if rows:
        return Verdict(True, 0)
    return peek(key, rate, at=at)


def purge_expired(*, at: float | None = None) -> int:
    """Deletes the counters nobody needs any more; returns how many."""
    at = _now(at)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE expires_at <= %s", [at])  # noqa: S608
        return int(cursor.rowcount or 0)
