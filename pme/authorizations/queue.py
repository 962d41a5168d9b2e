"""The review queue's stored order and its per-status counts, kept by the lifecycle.

The queue shows open requests, urgent first, then the longest waiting; a review of a refusal counts from
when it was asked; a request waiting for the prescriber (*À préciser*) is paused and comes after those the
Régie can work on. Computing that order on every page (a subquery per row over the timeline) costs the
whole table; instead every transition stores the order in two columns of the request (`queue_rank`,
`queued_since`, read through a partial index on the open statuses) and moves one unit between the
per-status counters of `QueueCount`, in the same transaction.

The lifecycle (`move`, pme/authorizations/transitions.py) calls `queue_fields_after` for each step and
`move_count` once per change.
Paths that write statuses directly (the data generator, bulk loads) call `queue_fields` per row and
`rebuild_counts` after.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from pme.authorizations.lifecycle import OPEN_STATUSES, Action, Status
from pme.authorizations.models import AuthorizationRequest, QueueCount, TimelineEntry, Urgency
from pme.core.prepared import Prepared

URGENT, STANDARD, PAUSED = 0, 1, 2
SHARDS = 8  # counter rows per status: concurrent transitions of different requests rarely share one
QUEUE_FIELDS = ("queue_rank", "queued_since")
OPEN = Q(status__in=sorted(OPEN_STATUSES))


def queue_fields(
    *, status: str, urgency: str, queued_since: dt.datetime | None
) -> tuple[int | None, dt.datetime | None]:
    """(queue_rank, queued_since) of a request in `status`; (None, None) when it is not open."""
    if status not in OPEN_STATUSES:
        return None, None
    if status == Status.INFORMATION_REQUESTED:
        return PAUSED, queued_since
    return (URGENT if urgency == Urgency.URGENT else STANDARD), queued_since


def queue_fields_after(auth_request: AuthorizationRequest, source_status: str, action: str) -> None:
    """Sets the queue columns of `auth_request` (whose `status` is already the new one) for the transition
    `action` from `source_status`; the caller saves the request. The wait starts at the sending and again
    when a review is asked; an information request pauses it without resetting it."""
    since = auth_request.queued_since
    if action == Action.TRANSMIT:
        since = auth_request.submitted_at or timezone.now()
    elif action == Action.ASK_REVIEW:
        since = timezone.now()
    elif since is None:  # a request opened before these columns existed and missed by the backfill
        since = auth_request.submitted_at
    auth_request.queue_rank, auth_request.queued_since = queue_fields(
        status=auth_request.status, urgency=auth_request.urgency, queued_since=since
    )


def _shard(pk: int) -> int:
    return pk % SHARDS


def _add(changes: dict[str, int], shard: int) -> None:
    """Adds to the counters, one upsert per status in a fixed order (status name) so that two transitions
    locking the same two counter rows always lock them in the same order: no deadlock."""
    table = QueueCount._meta.db_table
    with connection.cursor() as cursor:
        for status in sorted(changes):
            if changes[status]:
                cursor.execute(
                    f"INSERT INTO {table} (status, shard, total) VALUES (%s, %s, %s) "  # noqa: S608
                    f"ON CONFLICT (status, shard) DO UPDATE SET total = {table}.total + excluded.total",
                    [status, shard, changes[status]],
                )


def move_count(pk: int, source_status: str, target_status: str) -> None:
    changes: dict[str, int] = {}
    if source_status in OPEN_STATUSES:
        changes[source_status] = changes.get(source_status, 0) - 1
    if target_status in OPEN_STATUSES:
        changes[target_status] = changes.get(target_status, 0) + 1
    _add(changes, _shard(pk))


def forget(requests: QuerySet[AuthorizationRequest]) -> None:
    """Takes requests about to be deleted (retention) out of the counts."""
    by_shard: dict[int, dict[str, int]] = {}
    for pk, status in requests.filter(OPEN).values_list("pk", "status"):
        shard = by_shard.setdefault(_shard(pk), {})
        shard[status] = shard.get(status, 0) - 1
    for shard_number, changes in sorted(by_shard.items()):
        _add(changes, shard_number)


# Read on every queue page: compiled once (pme/core/prepared.py).
_OPEN_COUNTS = Prepared(
    "queue_open_counts", lambda shape: QueueCount.objects.values("status").annotate(n=Sum("total")).order_by()
)


def open_counts() -> dict[str, int]:
    """How many requests are open in each status: a sum over SHARDS rows per status, whatever the size of
    the requests table."""
    counts = dict.fromkeys((Status.SUBMITTED, Status.IN_REVIEW, Status.INFORMATION_REQUESTED), 0)
    for row in _OPEN_COUNTS.run():
        if row["status"] in counts:
            counts[row["status"]] = row["n"] or 0
    return {str(k): v for k, v in counts.items()}


def counted_in_table() -> dict[str, int]:
    """The same counts read from the requests table (a scan of the open rows): for checks and tests."""
    counts = dict.fromkeys(open_counts(), 0)
    rows = AuthorizationRequest.objects.filter(OPEN).values("status").annotate(n=Count("pk")).order_by()
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def rebuild_counts() -> None:
    """Recomputes every counter from the requests table (after a bulk load that wrote statuses directly)."""
    table, requests = QueueCount._meta.db_table, AuthorizationRequest._meta.db_table
    statuses = sorted(OPEN_STATUSES)
    marks = ", ".join("%s" for _ in statuses)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} (status, shard, total) "  # noqa: S608
            f"SELECT status, id %% {SHARDS}, COUNT(*) FROM {requests} WHERE status IN ({marks}) "
            f"GROUP BY status, id %% {SHARDS}",
            statuses,
        )


def backfill_queue_fields() -> int:
    """Fills the queue columns of every open request from its timeline (the last review asked, else the
    sending), in SQL that runs on SQLite and PostgreSQL; returns how many rows were written. Migration
    0006 runs the same statement."""
    with connection.cursor() as cursor:
        sql, params = backfill_statement(AuthorizationRequest._meta.db_table, TimelineEntry._meta.db_table)
        cursor.execute(sql, params)
        return cursor.rowcount


def backfill_statement(requests: str, timeline: str) -> tuple[str, list[str | int]]:
    statuses = sorted(OPEN_STATUSES)
    marks = ", ".join("%s" for _ in statuses)
    sql = (
        f"UPDATE {requests} SET "  # noqa: S608
        "queue_rank = CASE WHEN status = %s THEN %s WHEN urgency = %s THEN %s ELSE %s END, "
        f"queued_since = COALESCE((SELECT MAX(t.at) FROM {timeline} t "
        f"WHERE t.auth_request_id = {requests}.id AND t.action = %s "
        f"AND t.at >= {requests}.submitted_at), submitted_at) "
        f"WHERE status IN ({marks})"
    )
    params: list[str | int] = [
        Status.INFORMATION_REQUESTED.value,
        PAUSED,
        Urgency.URGENT.value,
        URGENT,
        STANDARD,
        Action.ASK_REVIEW.value,
        *[str(s) for s in statuses],
    ]
    return sql, params
