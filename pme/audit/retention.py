"""Retention of the audit trail itself (see docs/audit.md, "Retention").

Events are removed only as the oldest prefix of the chain, never from the middle: the chain head then
records the removed prefix's last seq and hash as the new anchor, so `verify_audit` still proves that
everything kept is intact and contiguous. Before removing anything the prefix is verified: evidence
of tampering is never destroyed by retention.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min

from pme.audit.chain import verify_chain
from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent, ChainHead
from pme.audit.services import record
from pme.core.retention import Progress, RetentionError, RetentionResult, years_before

CHUNK = 5000


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
        """The last seq to remove: every event before the first one recorded after the cut-off."""
        cutoff = years_before(now, self.years)
        head = ChainHead.objects.filter(pk=1).first()
        if head is None:
            return 0
        first_kept = AuditEvent.objects.filter(created_at__gte=cutoff).aggregate(seq=Min("seq"))["seq"]
        return head.last_seq if first_kept is None else first_kept - 1

    def apply(self, *, dry_run: bool, now: dt.datetime, progress: Progress) -> RetentionResult:
        head = ChainHead.objects.filter(pk=1).first()
        anchor = head.anchor_seq if head else 0
        through = self.cutoff_seq(now)
        count = max(through - anchor, 0)
        if dry_run or count == 0:
            return RetentionResult(self.name, {"deleted": count}, dry_run=dry_run)
        progress(f"checking the chain up to event {through} before deleting anything")
        report = verify_chain(through_seq=through)
        if not report.ok:
            raise RetentionError(
                f"the audit chain is broken at event {report.broken_seq} ({report.reason}); "
                "nothing deleted: investigate with verify_audit first"
            )
        deleted = 0
        while anchor < through:
            chunk_end = min(anchor + CHUNK, through)
            deleted += _delete_prefix(through_seq=chunk_end)
            anchor = chunk_end
            progress(f"deleted {deleted} of {count} audit events")
        record(
            AuditCode.RETENTION_APPLIED,
            actor=None,
            details={"policy": self.name, "deleted": deleted, "anchor_seq": through},
        )
        return RetentionResult(self.name, {"deleted": deleted})


@transaction.atomic
def _delete_prefix(*, through_seq: int) -> int:
    """Deletes the events up to `through_seq` and moves the anchor there, in one transaction.

    On PostgreSQL the trigger lets these DELETEs through only because of the transaction-local setting
    (and only for events older than a year); raw SQL because the model refuses every delete.
    """
    head = ChainHead.objects.select_for_update().get(pk=1)
    last = AuditEvent.objects.get(seq=through_seq)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('pme.audit_purge_through_seq', %s, true)", [str(through_seq)])
        cursor.execute(
            f"DELETE FROM {table} WHERE seq > %s AND seq <= %s",  # noqa: S608 (table name from _meta)
            [head.anchor_seq, through_seq],
        )
        deleted = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('pme.audit_purge_through_seq', '', true)")
    head.anchor_seq = through_seq
    head.anchor_hash = last.hash
    head.save(update_fields=["anchor_seq", "anchor_hash"])
    return deleted


POLICIES = (AuditEventRetention(),)
