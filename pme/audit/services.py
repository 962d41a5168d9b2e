"""`record(...)`: the one way to write to the audit trail.

It joins the caller's transaction, so an event is committed exactly when the change it describes is,
and rolled back with it. If the event cannot be written the exception propagates: the caller's read or
change fails with it (fail closed). Writing takes no lock: the database numbers the event at INSERT and
the chainer links it into the hash chain after it commits (pme/audit/chainer.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, connections, models, router, transaction
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django.utils.translation import gettext as _

from pme.audit.channel import current_address, current_channel
from pme.audit.codes import AuditCode
from pme.audit.models import (
    INCIDENT_FIELDS,
    AuditEvent,
    ConfidentialityIncident,
    IncidentVersion,
    Outcome,
)
from pme.core.nam import NAM

if TYPE_CHECKING:
    from django.http import HttpRequest


class AuditUnavailable(DatabaseError):
    """The event could not be written. A subclass of DatabaseError so that existing handlers still see a
    database failure; `audited_read` turns it into a refusal page (fail closed)."""


def nam_hash(nam: NAM) -> str:
    """Keyed hash so events can be found by NAM without the NAM being stored in clear."""
    return hmac.new(settings.AUDIT_NAM_KEY.encode(), nam.value.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class HashedNAM:
    """An insured person as the trail knows them: keyed hash and masked form, never the NAM itself.

    Lets a page that kept only these (e.g. a privacy officer's saved search) record its event."""

    hash: str
    masked: str

    @classmethod
    def of(cls, nam: NAM) -> HashedNAM:
        return cls(nam_hash(nam), nam.masked())


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: AuditCode,
    *,
    actor: Any,
    outcome: str = Outcome.OK,
    target: models.Model | None = None,
    nam: NAM | HashedNAM | None = None,
    on_behalf_of: Any = None,
    result_count: int | None = None,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `actor` is a user or None for the system; `target` the object concerned.

    Raises AuditUnavailable when the database refuses the write; the caller's transaction must then fail
    with it (never catch it to carry on: a read or change that is not recorded must not happen).
    """
    if not isinstance(action, AuditCode):
        # A free string would reach the trail without a sentence for the privacy officer.
        raise ValueError(f"unknown audit action {action!r}: declare it in pme/audit/codes.py")
    if outcome not in Outcome.values:
        raise ValueError(f"unknown audit outcome {outcome!r}")
    try:
        return _append(
            action,
            actor=actor,
            outcome=outcome,
            target=target,
            nam=nam,
            on_behalf_of=on_behalf_of,
            result_count=result_count,
            request=request,
            details=details,
        )
    except DatabaseError as exc:
        raise AuditUnavailable(f"audit event {action!r} could not be written") from exc


def _build(
    action: AuditCode,
    *,
    actor: Any,
    outcome: str,
    target: models.Model | None,
    nam: NAM | HashedNAM | None,
    on_behalf_of: Any,
    result_count: int | None,
    request: HttpRequest | None,
    details: dict[str, Any] | None,
) -> AuditEvent:
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    insured = HashedNAM.of(nam) if isinstance(nam, NAM) else nam
    return AuditEvent(
        created_at=timezone.now(),
        actor=actor if authenticated else None,
        actor_username=actor.get_username() if authenticated else "",
        actor_role=getattr(actor, "role", "") if authenticated else "",
        on_behalf_of=on_behalf_of,
        action=action.value,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        nam_hash=insured.hash if insured is not None else "",
        nam_masked=insured.masked if insured is not None else "",
        outcome=outcome,
        result_count=result_count,
        client_ip=client_ip(request) if request is not None else current_address(),
        details={**current_channel(), **(details or {})},
    )


def _append(action: AuditCode, **fields: Any) -> AuditEvent:
    event = _build(action, **fields)
    # One INSERT (the database gives the seq). Inside the caller's transaction without a savepoint: a
    # refused write marks that transaction for rollback, and AuditUnavailable takes the caller out of it
    # (every door renders its refusal after its block has rolled back: pme/audit/access.py, the API's and
    # FHIR's handlers). Alone, the INSERT is its own transaction.
    using = router.db_for_write(AuditEvent)
    with transaction.atomic(using=using, savepoint=False):
        _insert(event, using)
    return event


_FIELDS = [f for f in AuditEvent._meta.local_concrete_fields if not f.primary_key]


def _insert(event: AuditEvent, using: str) -> None:
    """`event.save()` without building the INSERT each time (every audited read writes one): the SQL
    Django compiles for this model, once per connection, run with each event's values as the model
    would prepare them (`get_db_prep_save`: JSON, address, date and time). The database gives `seq`."""
    target = connections[using]
    sql = target.__dict__.get("_pme_audit_insert")
    if sql is None:
        query = InsertQuery(AuditEvent)
        query.insert_values(_FIELDS, [event])
        compiler = query.get_compiler(connection=target)
        compiler.returning_fields = [AuditEvent._meta.pk]
        [(sql, _params)] = compiler.as_sql()
        target.__dict__["_pme_audit_insert"] = sql
    params = [f.get_db_prep_save(getattr(event, f.attname), target) for f in _FIELDS]
    with target.cursor() as cursor:
        cursor.execute(sql, params)
        if target.features.can_return_columns_from_insert:
            event.seq = cursor.fetchone()[0]
        else:  # pragma: no cover (SQLite before 3.35)
            event.seq = target.ops.last_insert_id(cursor, AuditEvent._meta.db_table, "seq")
    event._state.adding = False
    event._state.db = using


def probe_write() -> None:
    """Writes a health-check event exactly as `record` does (same table, triggers, privileges, disk) and
    rolls it back. It goes in under a negative seq that the database's sequence never hands out, so the
    probe consumes no seq: a /healthz call leaves no gap in the chain. Raises AuditUnavailable."""
    event = _build(
        AuditCode.HEALTH_CHECKED,
        actor=None,
        outcome=Outcome.OK,
        target=None,
        nam=None,
        on_behalf_of=None,
        result_count=None,
        request=None,
        details=None,
    )
    event.seq = -1 - secrets.randbelow(2**62)  # distinct per probe: concurrent probes never wait
    try:
        with transaction.atomic():
            event.save()
            transaction.set_rollback(True)
    except DatabaseError as exc:
        raise AuditUnavailable("the audit trail refuses writes") from exc


# ---- Confidentiality-incident register -------------------------------------------------------------


def _snapshot(incident: ConfidentialityIncident) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in INCIDENT_FIELDS:
        value = getattr(incident, name)
        data[name] = value.isoformat() if isinstance(value, dt.date) else value
    return data


def _check_incident(values: dict[str, Any]) -> None:
    """The register's rules; raises ValidationError naming every field in error, before any write."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    occurred = values.get("occurred_on")
    for name in (
        "occurred_on",
        "occurred_until",
        "discovered_on",
        "commission_notified_on",
        "persons_notified_on",
    ):
        value = values.get(name)
        if value is not None and value > today:
            errors.setdefault(name, []).append(_("This date is in the future."))
    until = values.get("occurred_until")
    if occurred and until and until < occurred:
        errors.setdefault("occurred_until", []).append(
            _("The end of the incident cannot be before its start.")
        )
    discovered = values.get("discovered_on")
    if occurred and discovered and discovered < occurred:
        errors.setdefault("discovered_on", []).append(
            _("The incident cannot have been discovered before it happened.")
        )
    for name in ("commission_notified_on", "persons_notified_on"):
        value = values.get(name)
        if discovered and value and value < discovered:
            errors.setdefault(name, []).append(_("A notification cannot come before the discovery."))
    if errors:
        raise ValidationError(errors)


INCIDENT_REFERENCE_LOCK = 0x504D45494E43  # "PMEINC": the advisory lock of incident reference numbers


def _lock_incident_references() -> None:
    """Serializes the numbering of incidents (a few a year) until commit, so two officers never get the
    same reference; the unique constraint on `reference` backs it. SQLite serializes writers anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INCIDENT_REFERENCE_LOCK])


def _next_reference(year: int) -> str:
    prefix = f"INC-{year}-"
    count = ConfidentialityIncident.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{count + 1:03d}"


@transaction.atomic
def create_incident(
    *, actor: Any, values: dict[str, Any], request: HttpRequest | None = None
) -> ConfidentialityIncident:
    """Registers an incident and its first version. `values` holds the fields of INCIDENT_FIELDS."""
    _check_officer(actor)
    _check_incident(values)
    now = timezone.now()
    _lock_incident_references()
    incident = ConfidentialityIncident(
        reference=_next_reference(timezone.localdate().year),
        created_at=now,
        updated_at=now,
        created_by=actor,
        updated_by=actor,
        **{name: values.get(name) for name in INCIDENT_FIELDS},
    )
    incident.full_clean(exclude=["created_by", "updated_by"])
    incident.save()
    IncidentVersion.objects.create(
        incident=incident,
        version=1,
        recorded_at=now,
        recorded_by=actor,
        data=_snapshot(incident),
        changed_fields=list(INCIDENT_FIELDS),
    )
    record(
        AuditCode.INCIDENT_CREATED,
        actor=actor,
        target=incident,
        request=request,
        details={"reference": incident.reference, "version": 1},
    )
    return incident


def _check_officer(actor: Any) -> None:
    from django.core.exceptions import PermissionDenied

    if getattr(actor, "role", None) != "privacy_officer":  # the register is the privacy officer's
        raise PermissionDenied


@transaction.atomic
def update_incident(
    *,
    actor: Any,
    incident_id: int,
    values: dict[str, Any],
    request: HttpRequest | None = None,
) -> tuple[ConfidentialityIncident, list[str]]:
    """Saves a new version of the incident; the previous versions stay. Returns it and the changed
    field names (nothing is written when nothing changed)."""
    _check_officer(actor)
    _check_incident(values)
    locked = ConfidentialityIncident.objects.select_for_update().get(pk=incident_id)
    before = _snapshot(locked)
    for name in INCIDENT_FIELDS:
        setattr(locked, name, values.get(name))
    after = _snapshot(locked)
    changed = [name for name in INCIDENT_FIELDS if before[name] != after[name]]
    if not changed:
        return locked, []
    locked.full_clean(exclude=["created_by", "updated_by"])
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.updated_by = actor
    locked.save()
    IncidentVersion.objects.create(
        incident=locked,
        version=locked.version,
        recorded_at=locked.updated_at,
        recorded_by=actor,
        data=after,
        changed_fields=changed,
    )
    record(
        AuditCode.INCIDENT_UPDATED,
        actor=actor,
        target=locked,
        request=request,
        details={"reference": locked.reference, "version": locked.version, "changed": changed},
    )
    return locked, changed
