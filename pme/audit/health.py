"""Can the audit trail be written right now? For /healthz: a service that cannot audit refuses every
read of personal information (fail closed), so load balancers must see it as down."""

from __future__ import annotations

from pme.audit.services import AuditUnavailable, probe_write


def audit_writable() -> bool:
    """Writes an event the way every read does (same table, triggers, privileges), then rolls it back:
    the trail gains nothing and no seq is consumed (`probe_write`), but a store that refuses writes
    (full disk, revoked INSERT, a failing trigger, a read-only replica) is seen before users meet its
    503s."""
    try:
        probe_write()
    except AuditUnavailable:
        return False
    return True
