"""Retention of the audit trail itself (see docs/audit.md, "Retention").

Events are removed only as the oldest prefix of the linked chain, never from the middle: the anchor then
records the removed prefix's last seq and link hash, so `verify_audit` still proves that everything kept
is intact and contiguous. Before removing anything the prefix is verified: evidence of tampering is never
destroyed by retention. Each move of the anchor is first written to the anchor file, outside the
database: `verify_audit` believes an anchor only if the file has it, so a role that can DELETE but
cannot write that file cannot remove old events unnoticed.

It runs under the database owner role: the application's role holds no DELETE on the audit tables.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min

from pme.audit import anchors
from pme.audit.chain import chain_head, verify_chain
from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent, AuditLink, ChainAnchor
from pme.audit.services import record
from pme.core.retention import Progress, RetentionError, RetentionResult, years_before

CHUNK = 5000
AUDIT_TABLES = (AuditEvent._meta.db_table, AuditLink._meta.db_table)


class AuditEventRetention:
    name = "audit.events"

    @property
    def years(self) -> int:
        return int(settings.AUDIT_RETENTION_YEARS)

    def describe(self) -> str:
        return (
            f"Audit events: kept {self.years} years after they were recorded "
            "(PME_AUDIT_RETENTION_YEARS), then deleted as the oldest part of the chain."
        )

    def cutoff_seq(self, now: dt.datetime) -> int:
        """The last seq to remove: the end of the link before the first event recorded after the cut-off.
        Only linked events are removed (the chain proves them intact first)."""
        cutoff = years_before(now, self.years)
        head_seq, _hash = chain_head()
        first_kept = AuditEvent.objects.filter(created_at__gte=cutoff).aggregate(seq=Min("seq"))["seq"]
        through = head_seq if first_kept is None else min(first_kept - 1, head_seq)
        return _link_boundary(through)

    def apply(self, *, dry_run: bool, now: dt.datetime, progress: Progress) -> RetentionResult:
        anchor = ChainAnchor.objects.filter(pk=1).first()
        start = anchor.anchor_seq if anchor else 0
        through = self.cutoff_seq(now)
        count = AuditEvent.objects.filter(seq__gt=start, seq__lte=through).count() if through > start else 0
        if dry_run or through <= start:
            return RetentionResult(self.name, {"deleted": count}, dry_run=dry_run)
        _require_owner()
        progress(f"checking the chain up to event {through} before deleting anything")
        report = verify_chain(through_seq=through)
        if not report.ok:
            raise RetentionError(
                f"the audit chain is broken at event {report.broken_seq} ({report.reason}); "
                "nothing deleted: investigate with verify_audit first"
            )
        deleted = 0
        while start < through:
            chunk_end = _link_boundary(min(start + CHUNK, through))
            if chunk_end <= start:  # one gap link longer than a chunk
                chunk_end = AuditLink.objects.get(seq=start + 1).last_seq
            deleted += _delete_prefix(through_seq=chunk_end, now=now)
            start = chunk_end
            progress(f"deleted {deleted} of {count} audit events")
        record(
            AuditCode.RETENTION_APPLIED,
            actor=None,
            details={"policy": self.name, "deleted": deleted, "anchor_seq": through},
        )
        return RetentionResult(self.name, {"deleted": deleted})


def _link_boundary(seq: int) -> int:
    """`seq` if a link ends there, else the end of the link before the one that covers it."""
    link = AuditLink.objects.filter(seq__lte=seq).order_by("-seq").only("seq", "last_seq").first()
    if link is None:
        anchor = ChainAnchor.objects.filter(pk=1).first()
        return anchor.anchor_seq if anchor else 0
    return seq if link.last_seq == seq else link.seq - 1


def _require_owner() -> None:
    """On PostgreSQL, refuses unless this connection may delete from the audit tables: the application's
    role may not (pme/audit/dbroles.py), by design."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, bool_and(has_table_privilege(t, 'DELETE')) FROM unnest(%s::text[]) AS t",
            [list(AUDIT_TABLES)],
        )
        user, allowed = cursor.fetchone()
    if not allowed:
        raise RetentionError(
            f"the database role {user!r} may not delete audit events: retention runs under the owner role. "
            "Run apply_retention with DATABASE_URL set to the owner's connection (the one migrate uses); "
            "nothing deleted"
        )


@transaction.atomic
def _delete_prefix(*, through_seq: int, now: dt.datetime) -> int:
    """Deletes the events and links up to `through_seq` and moves the anchor there, in one transaction,
    after writing the new anchor to the anchor file (a line the database then fails to match is
    harmless; a moved anchor the file does not have is what verify_audit refuses).

    On PostgreSQL the triggers let these DELETEs through only because of the transaction-local setting
    (and, for events, only those older than a year); raw SQL because the models refuse every delete.
    """
    anchor, _created = ChainAnchor.objects.select_for_update().get_or_create(pk=1)
    last = AuditLink.objects.get(last_seq=through_seq, seq__lte=through_seq)
    deleted_events = AuditEvent.objects.filter(seq__gt=anchor.anchor_seq, seq__lte=through_seq).count()
    try:
        anchors.append(anchors.RETENTION, seq=through_seq, hash=last.hash, at=now, deleted=deleted_events)
    except OSError as exc:
        raise RetentionError(f"the anchor file cannot be written ({exc}); nothing deleted") from exc
    events, links = (connection.ops.quote_name(table) for table in AUDIT_TABLES)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('pme.audit_purge_through_seq', %s, true)", [str(through_seq)])
        cursor.execute(
            f"DELETE FROM {events} WHERE seq > %s AND seq <= %s",  # noqa: S608 (table name from _meta)
            [anchor.anchor_seq, through_seq],
        )
        deleted = cursor.rowcount
        cursor.execute(
            f"DELETE FROM {links} WHERE seq > %s AND last_seq <= %s",  # noqa: S608 (table name from _meta)
            [anchor.anchor_seq, through_seq],
        )
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('pme.audit_purge_through_seq', '', true)")
    anchor.anchor_seq = through_seq
    anchor.anchor_hash = last.hash
    anchor.save(update_fields=["anchor_seq", "anchor_hash"])
    return deleted


POLICIES = (AuditEventRetention(),)
