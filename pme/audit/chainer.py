"""The chainer: links committed audit events, in seq order, into the keyed hash chain.

`record(...)` inserts an event without any lock, and the database numbers it. Transactions commit in any
order, so at a given moment seq 41 may be visible while 40 is still in flight, and a transaction that
rolls back leaves its seq unused for ever. Each round (`link_pending`), in one transaction:

1. start from the chain's head (the last link, or the retention anchor);
2. read the committed events after it, in seq order, and link each one: HMAC over its content and the
   previous hash (`pme.audit.chain`), inserted into `AuditLink`;
3. at a hole below a committed event, stop, unless that event is older than the gap grace period
   (`PME_AUDIT_GAP_GRACE_SECONDS`, longer than any transaction can live): then no transaction can still
   hold the missing seq values, and the hole is linked as a gap.

Linking is idempotent and transactional: a crash loses the round's work and nothing else; the next
round starts again from the last committed link. Two chainers cannot fork the chain (the link's seq is
its primary key; on PostgreSQL an advisory lock also keeps the second one idle).

If an event still commits into a seq already linked as a gap (a transaction that outlived the grace
period), it is not lost: the chainer records an `audit.late_event` event that pins its content (keyed
digest) into the chain and logs an error; `verify_audit` lists it.

After linking, the head is appended to the anchor file at intervals (`pme.audit.anchors`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from pme.audit import anchors
from pme.audit.chain import chain_head, event_digest, event_link_hash, gap_link_hash
from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent, AuditLink, LinkKind
from pme.audit.services import record

logger = logging.getLogger("pme.audit.chainer")

BATCH = 5000  # events linked per round at most; a backlog takes several rounds
CHAINER_LOCK = 0x504D45434841  # "PMECHA": advisory lock, one working chainer at a time


@dataclass
class Round:
    linked: int = 0  # events linked in this round
    gaps: int = 0  # gaps linked in this round
    head_seq: int = 0
    head_hash: str = ""
    waiting: bool = False  # stopped at a hole younger than the grace period
    busy: bool = False  # another chainer holds the lock
    late: list[int] = field(default_factory=list)  # late events found and pinned in this round


def link_pending(*, now: dt.datetime | None = None, batch: int = BATCH) -> Round:
    """One round of linking (see the module's docstring). Returns what it did."""
    moment = now or timezone.now()
    grace = dt.timedelta(seconds=settings.AUDIT_GAP_GRACE_SECONDS)
    result = Round()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [CHAINER_LOCK])
                if not cursor.fetchone()[0]:
                    result.busy = True
                    result.head_seq, result.head_hash = chain_head()
                    return result
        head_seq, prev = chain_head()
        links: list[AuditLink] = []
        expected = head_seq + 1

        def add(first: int, last: int, kind: str, hash: str) -> None:
            links.append(
                AuditLink(seq=first, last_seq=last, kind=kind, prev_hash=prev, hash=hash, linked_at=moment)
            )

        for event in AuditEvent.objects.filter(seq__gt=head_seq).order_by("seq")[:batch]:
            if event.seq > expected:
                if moment - event.created_at < grace:
                    result.waiting = True  # the missing seq may belong to a transaction still running
                    break
                add(expected, event.seq - 1, LinkKind.GAP, gap_link_hash(expected, event.seq - 1, prev))
                prev = links[-1].hash
                result.gaps += 1
            add(event.seq, event.seq, LinkKind.EVENT, event_link_hash(event, prev))
            prev = links[-1].hash
            expected = event.seq + 1
            result.linked += 1
        AuditLink.objects.bulk_create(links)
        result.head_seq, result.head_hash = expected - 1, prev
    result.late = pin_late_events(now=moment)
    return result


def pin_late_events(*, now: dt.datetime) -> list[int]:
    """Finds events committed into a seq that a recent gap link covers, and records for each, once, an
    `audit.late_event` event holding its seq and keyed digest. Looks at gaps linked within ten grace
    periods (a late commit can only follow its gap by about a transaction's life); verify_audit checks
    every gap."""
    since = now - dt.timedelta(seconds=10 * settings.AUDIT_GAP_GRACE_SECONDS)
    recent = AuditLink.objects.filter(kind=LinkKind.GAP, linked_at__gte=since)
    gaps = list(recent.values_list("seq", "last_seq"))
    if not gaps:
        return []
    inside = Q()
    for first, last in gaps:
        inside |= Q(seq__gte=first, seq__lte=last)
    pinned = []
    for event in AuditEvent.objects.filter(inside).order_by("seq"):
        if AuditEvent.objects.filter(action=AuditCode.AUDIT_LATE_EVENT, details__seq=event.seq).exists():
            continue
        with transaction.atomic():
            record(
                AuditCode.AUDIT_LATE_EVENT,
                actor=None,
                details={"seq": event.seq, "digest": event_digest(event), "action": event.action},
            )
        logger.error(
            "audit event #%s (%s) committed after its seq was linked as a gap; its content is pinned by an "
            "audit.late_event event. Raise PME_AUDIT_GAP_GRACE_SECONDS above the longest transaction.",
            event.seq,
            event.action,
        )
        pinned.append(event.seq)
    return pinned


class Anchorer:
    """Appends the chain's head to the anchor file when it moved and the interval has passed."""

    def __init__(self) -> None:
        last = anchors.last_head()
        self.seq = last.seq if last else None
        self.at = dt.datetime.fromisoformat(last.at) if last else None

    def maybe_write(self, head_seq: int, head_hash: str, *, now: dt.datetime, force: bool = False) -> bool:
        if head_seq == 0 or head_seq == self.seq:
            return False
        interval = dt.timedelta(seconds=settings.AUDIT_ANCHOR_INTERVAL_SECONDS)
        if not force and self.at is not None and now - self.at < interval:
            return False
        anchors.append(anchors.HEAD, seq=head_seq, hash=head_hash, at=now)
        self.seq, self.at = head_seq, now
        return True
