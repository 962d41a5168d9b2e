"""Checking the hash chain: the evidence that no event was altered, removed or inserted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pme.audit.models import AuditEvent, ChainHead
from pme.audit.services import GENESIS_HASH, event_digest

CHUNK = 2000


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_seq: int  # the first event the chain should hold (anchor + 1)
    last_seq: int  # the chain head's last sequence number
    last_hash: str
    broken_seq: int | None = None  # the first event that does not fit, when the chain is broken
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify_chain(
    *,
    through_seq: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    every: int = 10_000,
) -> ChainReport:
    """Recomputes every hash from the anchor to the head (or to `through_seq`), in seq order, reading in
    chunks so that memory stays flat on a chain of millions of events.

    Reports the first broken link: an event whose stored hash does not match its content (altered), whose
    prev_hash is not the previous event's hash, or a gap or surplus in the sequence (removed or inserted
    events). The head is checked too, so removing the newest events is detected.
    """
    head = ChainHead.objects.filter(pk=1).first()
    anchor_seq = head.anchor_seq if head else 0
    expected_prev = head.anchor_hash if head else GENESIS_HASH
    head_seq = head.last_seq if head else 0
    head_hash = head.last_hash if head else GENESIS_HASH
    end = head_seq if through_seq is None else min(through_seq, head_seq)
    total = max(end - anchor_seq, 0)
    expected_seq = anchor_seq + 1
    checked = 0

    def broken(seq: int, reason: str) -> ChainReport:
        return ChainReport(checked, anchor_seq + 1, head_seq, head_hash, broken_seq=seq, reason=reason)

    if AuditEvent.objects.filter(seq__lte=anchor_seq).exists():
        return broken(anchor_seq, "event at or before the retention anchor")
    # Events appended while we read come after `end`: the next run checks them.
    events = AuditEvent.objects.order_by("seq").filter(seq__lte=end)
    for event in events.iterator(chunk_size=CHUNK):
        if event.seq != expected_seq:
            missing = event.seq > expected_seq
            return broken(expected_seq, "missing event" if missing else "unexpected event")
        if event.prev_hash != expected_prev:
            return broken(event.seq, "previous hash does not match")
        if event_digest(event) != event.hash:
            return broken(event.seq, "content does not match its hash")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
        if progress is not None and checked % every == 0:
            progress(checked, total)
    if expected_seq - 1 != end:
        return broken(expected_seq, "missing event")
    if end == head_seq and expected_prev != head_hash:
        return broken(head_seq, "chain head hash does not match the last event")
    return ChainReport(checked, anchor_seq + 1, head_seq, head_hash)
