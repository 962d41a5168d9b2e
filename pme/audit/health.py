"""Can the audit trail be written right now? For /healthz: a service that cannot audit refuses every
read of personal information (fail closed), so load balancers must see it as down."""

from __future__ import annotations

from django.db import DatabaseError, transaction

from pme.audit.codes import AuditCode
from pme.audit.services import record


class _RolledBack(Exception):
    """Undoes the probe: the event is written, then never kept."""


def audit_writable() -> bool:
    """Writes an event the way every read does (same table, triggers, privileges, chain), inside a
    transaction that is then rolled back: the trail gains nothing, but a store that refuses writes
    (full disk, revoked INSERT, a failing trigger) is seen before users meet its 503s."""
    try:
        with transaction.atomic():
            record(AuditCode.HEALTH_CHECKED, actor=None)
            raise _RolledBack
    except _RolledBack:
        return True
    except DatabaseError:  # AuditUnavailable included
        return False
