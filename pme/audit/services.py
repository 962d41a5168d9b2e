"""`record(...)`: the one way to write to the audit trail.

It joins the caller's transaction, so an event is committed exactly when the change it describes is,
and rolled back with it. If the event cannot be written the exception propagates: the caller's read or
change fails with it (fail closed).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from pme.audit.models import AuditEvent, ChainHead, Outcome
from pme.core.nam import NAM

if TYPE_CHECKING:
    from django.http import HttpRequest

GENESIS_HASH = "0" * 64


def nam_hash(nam: NAM) -> str:
    """Keyed hash so events can be found by NAM without the NAM being stored in clear."""
    return hmac.new(settings.AUDIT_NAM_KEY.encode(), nam.value.encode(), hashlib.sha256).hexdigest()


def event_digest(event: AuditEvent) -> str:
    payload = {
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
        "outcome": event.outcome,
        "result_count": event.result_count,
        "client_ip": event.client_ip,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: str,
    *,
    actor: Any,
    outcome: str = Outcome.OK,
    target: models.Model | None = None,
    nam: NAM | None = None,
    on_behalf_of: Any = None,
    result_count: int | None = None,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `actor` is a user or None for the system; `target` the object concerned."""
    if outcome not in Outcome.values:
        raise ValueError(f"unknown audit outcome {outcome!r}")
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            created_at=timezone.now(),
            actor=actor if authenticated else None,
            actor_username=actor.get_username() if authenticated else "",
            actor_role=getattr(actor, "role", "") if authenticated else "",
            on_behalf_of=on_behalf_of,
            action=action,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            nam_hash=nam_hash(nam) if nam is not None else "",
            nam_masked=nam.masked() if nam is not None else "",
            outcome=outcome,
            result_count=result_count,
            client_ip=client_ip(request),
            details=details or {},
            prev_hash=head.last_hash,
        )
        event.hash = event_digest(event)
        event.save()
        head.last_seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event
