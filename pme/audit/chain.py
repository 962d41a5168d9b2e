"""The keyed hash chain over the audit trail, and its check (`manage.py verify_audit`).

A link's hash is HMAC-SHA256(PME_AUDIT_CHAIN_KEY, canonical JSON of its content and the previous link's
hash). The key lives in the environment, never in the database: someone who can write the tables but
does not hold the key cannot make a link that verifies. Someone who holds both still cannot change the
anchor file (`pme.audit.anchors`), against which the tail is compared.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from pme.audit import anchors
from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent, AuditLink, ChainAnchor, LinkKind

GENESIS_HASH = "0" * 64
CHUNK = 2000


def _mac(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def event_content(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "actor": event.actor_id,
        "actor_username": event.actor_username,
        "actor_role": event.actor_role,
        "on_behalf_of": event.on_behalf_of_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "nam_hash": event.nam_hash,
        "nam_masked": event.nam_masked,
        "outcome": event.outcome,
        "result_count": event.result_count,
        "client_ip": event.client_ip,
        "details": event.details,
    }


def event_digest(event: AuditEvent) -> str:
    """The keyed digest of an event's content alone (used to pin a late event's content)."""
    return _mac(event_content(event))


def event_link_hash(event: AuditEvent, prev_hash: str) -> str:
    return _mac({**event_content(event), "prev_hash": prev_hash})


def gap_link_hash(first: int, last: int, prev_hash: str) -> str:
    return _mac({"gap": [first, last], "prev_hash": prev_hash})


def chain_head() -> tuple[int, str]:
    """The last linked seq and its hash; the retention anchor when nothing after it is linked."""
    link = AuditLink.objects.order_by("-seq").only("last_seq", "hash").first()
    if link is not None:
        return link.last_seq, link.hash
    anchor = ChainAnchor.objects.filter(pk=1).first()
    return (anchor.anchor_seq, anchor.anchor_hash) if anchor else (0, GENESIS_HASH)


def backlog_limit() -> dt.timedelta:
    """How old an unlinked event may be before it is news: an event can wait behind a hole for the gap
    grace period, plus a few chainer rounds."""
    rounds = 10 * settings.AUDIT_CHAINER_INTERVAL_SECONDS
    return dt.timedelta(seconds=settings.AUDIT_GAP_GRACE_SECONDS + rounds)


@dataclass(frozen=True)
class ChainReport:
    checked: int  # links checked (events and gaps)
    first_seq: int  # the first seq the chain should cover (anchor + 1)
    last_seq: int  # the chain's head: the last linked seq
    last_hash: str
    broken_seq: int | None = None  # the first seq that does not fit, when the chain is broken
    reason: str = ""
    gaps: int = 0  # gap links (seq values left by rolled-back transactions)
    late_events: tuple[int, ...] = ()  # events committed after their seq was recorded as a gap
    backlog: int = 0  # committed events not linked yet
    backlog_oldest: dt.datetime | None = None
    backlog_stale: bool = False  # the oldest waits longer than the chainer should ever let it
    anchors_checked: int = 0  # head lines of the anchor file compared with the chain
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def _events(anchor_seq: int, end: int) -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").filter(seq__gt=anchor_seq, seq__lte=end).iterator(CHUNK)


def verify_chain(
    *,
    through_seq: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    every: int = 10_000,
    now: dt.datetime | None = None,
) -> ChainReport:
    """Recomputes every link from the anchor to the head (or to `through_seq`), in seq order, reading in
    chunks so that memory stays flat on millions of events, and compares the chain with the anchor file.

    Reports the first broken link: an event whose content does not match its link (altered), a link
    whose prev_hash is not the previous link's hash (inserted, removed or reordered links), a link with
    no event (removed event), a hole or overlap in the links, an event before the anchor, a link whose
    hash differs from the one the anchor file recorded for it or an anchor file that records a longer
    chain (rewritten or truncated tail), and a retention anchor the file does not confirm. An event in a
    seq declared a gap is reported as late; it breaks the chain unless the chainer pinned its content in
    a later event. Unlinked events are counted, and flagged when they wait longer than expected.
    """
    moment = now or timezone.now()
    anchor = ChainAnchor.objects.filter(pk=1).first()
    anchor_seq = anchor.anchor_seq if anchor else 0
    anchor_hash = anchor.anchor_hash if anchor else GENESIS_HASH
    head_seq, head_hash = chain_head()
    end = head_seq if through_seq is None else min(through_seq, head_seq)
    total = max(end - anchor_seq, 0)
    lines, bad_lines = anchors.read()
    warnings = []
    if bad_lines:
        warnings.append(f"{bad_lines} unreadable line(s) in the anchor file {anchors.anchor_path()}")
    counts: dict[str, int] = {"checked": 0, "gaps": 0, "anchors": 0}
    late: list[AuditEvent] = []

    def report(broken_seq: int | None = None, reason: str = "", **extra: Any) -> ChainReport:
        return ChainReport(
            counts["checked"],
            anchor_seq + 1,
            head_seq,
            head_hash,
            broken_seq=broken_seq,
            reason=reason,
            gaps=counts["gaps"],
            late_events=tuple(event.seq for event in late),
            anchors_checked=counts["anchors"],
            warnings=tuple(warnings),
            **extra,
        )

    retention_lines = {(line.seq, line.hash) for line in lines if line.kind == anchors.RETENTION}
    if anchor_seq > 0 and (anchor_seq, anchor_hash) not in retention_lines:
        return report(anchor_seq, "retention anchor not confirmed by the anchor file")
    if (
        AuditEvent.objects.filter(seq__lte=anchor_seq).exists()
        or AuditLink.objects.filter(seq__lte=anchor_seq).exists()
    ):
        return report(anchor_seq, "event or link at or before the retention anchor")
    heads = {line.seq: line.hash for line in lines if line.kind == anchors.HEAD and line.seq > anchor_seq}
    if head_seq > anchor_seq and not heads:
        warnings.append(
            f"the anchor file {anchors.anchor_path()} records no head of this chain: its tail is not checked"
        )
    if through_seq is None and heads and max(heads) > head_seq:
        return report(head_seq + 1, f"chain ends at #{head_seq} but the anchor file records #{max(heads)}")

    expected_seq, expected_prev = anchor_seq + 1, anchor_hash
    events = _events(anchor_seq, end)
    event = next(events, None)
    links = AuditLink.objects.order_by("seq").filter(seq__gt=anchor_seq, seq__lte=end)
    for link in links.iterator(CHUNK):
        if link.seq != expected_seq or link.last_seq < link.seq:
            return report(expected_seq, "missing link" if link.seq > expected_seq else "overlapping link")
        if link.prev_hash != expected_prev:
            return report(link.seq, "previous hash does not match")
        if link.kind == LinkKind.EVENT:
            if event is None or event.seq != link.seq or link.last_seq != link.seq:
                return report(link.seq, "missing event")
            if event_link_hash(event, expected_prev) != link.hash:
                return report(link.seq, "content does not match its hash")
            event = next(events, None)
        else:
            if gap_link_hash(link.seq, link.last_seq, expected_prev) != link.hash:
                return report(link.seq, "gap does not match its hash")
            while event is not None and event.seq <= link.last_seq:
                late.append(event)
                event = next(events, None)
            counts["gaps"] += 1
        if link.last_seq in heads:
            counts["anchors"] += 1
            if heads[link.last_seq] != link.hash:
                return report(link.last_seq, "link does not match the head recorded in the anchor file")
        expected_prev, expected_seq = link.hash, link.last_seq + 1
        counts["checked"] += 1
        if progress is not None and counts["checked"] % every == 0:
            progress(counts["checked"], total)
    if expected_seq - 1 != end:
        return report(expected_seq, "missing link")
    if end == head_seq and expected_prev != head_hash:
        return report(head_seq, "chain head hash does not match the last link")
    unpinned = _unpinned(late, through=end)
    if unpinned is not None:
        return report(unpinned, "event committed after its seq was recorded as a gap")
    if through_seq is not None:
        return report()
    waiting = AuditEvent.objects.filter(seq__gt=head_seq).aggregate(n=Count("seq"), oldest=Min("created_at"))
    oldest = waiting["oldest"]
    return report(
        backlog=waiting["n"],
        backlog_oldest=oldest,
        backlog_stale=oldest is not None and moment - oldest > backlog_limit(),
    )


def _unpinned(late: list[AuditEvent], *, through: int) -> int | None:
    """The first late event whose content no linked `audit.late_event` event pins, if any."""
    for event in late:
        pins = AuditEvent.objects.filter(
            action=AuditCode.AUDIT_LATE_EVENT, seq__lte=through, details__seq=event.seq
        )
        if not any(pin.details.get("digest") == event_digest(event) for pin in pins):
            return event.seq
    return None
