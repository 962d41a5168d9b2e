"""Request forms pre-filled by a clinic's record (the link of a CDS Hooks card, pme/api/cds/).

The record knows the person, the drug and the dosage; the prescriber should not type them again. But a
link must never carry personal information (it ends up in browser histories, proxy logs, referrers), so
the record's facts are kept here, server-side, behind an opaque handle: 24 random bytes in the link,
only their SHA-256 in the database. A handle opens once, for its prescriber (or an assistant who may
draft for them), within PME_PREFILL_SECONDS; expired ones are deleted whenever a new one is made and by
`apply_retention`.

`take_prefill` is the door: it checks who opens, writes the audit event (`request.prefill_opened`, with
the person's keyed hash; a refusal writes `access.denied`) and returns the form's initial values.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from pme.accounts.models import User
from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.authorizations.access import may_write_for
from pme.authorizations.models import RequestPrefill
from pme.core.nam import NAM, InvalidNAM
from pme.core.retention import Progress, RetentionResult
from pme.core.timeutils import now

if TYPE_CHECKING:
    from django.http import HttpRequest

SERVICE = "request_prefill"


@dataclass(frozen=True)
class PrefillContent:
    """What the record sent; every field optional (the prescriber completes the form)."""

    nam: str = ""
    insured_last_name: str = ""
    insured_first_name: str = ""
    insured_birth_date: str = ""  # YYYY-MM-DD
    din: str = ""
    dosage: str = ""
    quantity: str = ""
    drug_description: str = ""


def _hash(handle: str) -> str:
    return hashlib.sha256(handle.encode()).hexdigest()


def create_prefill(*, prescriber: User, content: PrefillContent) -> str:
    """Stores the record's facts for `prescriber` and returns the handle to put in the link (the only
    time it exists in clear)."""
    moment = now()
    handle = secrets.token_urlsafe(24)
    with transaction.atomic():
        RequestPrefill.objects.filter(expires_at__lte=moment).delete()
        RequestPrefill.objects.create(
            handle_hash=_hash(handle),
            prescriber=prescriber,
            content=asdict(content),
            expires_at=moment + dt.timedelta(seconds=settings.PME_PREFILL_SECONDS),
        )
    return handle


def _initial(content: dict[str, Any]) -> dict[str, Any]:
    initial = {k: v for k, v in content.items() if v and k not in ("nam", "insured_birth_date")}
    nam = _nam(content)
    if nam is not None:  # else the record's NAM is not valid: the prescriber types it
        initial["nam"] = nam.formatted()
    with contextlib.suppress(ValueError):
        initial["insured_birth_date"] = dt.date.fromisoformat(content.get("insured_birth_date", ""))
    return initial


def _nam(content: dict[str, Any]) -> NAM | None:
    try:
        return NAM.parse(content.get("nam", ""))
    except InvalidNAM:
        return None


def take_prefill(
    *, actor: User, prescriber: User, handle: str, request: HttpRequest | None = None
) -> dict[str, Any] | None:
    """The request form's initial values, once; None (and an `access.denied` event) when the handle is
    unknown, expired, already used, or was made for another prescriber than the form's: the same answer
    for all, so handles cannot be probed."""
    with transaction.atomic():
        found = (
            RequestPrefill.objects.select_for_update()
            .filter(handle_hash=_hash(handle[:100]), expires_at__gt=now())
            .first()
        )
        if found is None or found.prescriber_id != prescriber.pk or not may_write_for(actor, prescriber):
            record(AuditCode.ACCESS_DENIED, actor=actor, request=request, details={"service": SERVICE})
            return None
        content = dict(found.content)
        found.delete()
        record(
            AuditCode.PREFILL_OPENED,
            actor=actor,
            nam=_nam(content),
            on_behalf_of=prescriber if actor.pk != prescriber.pk else None,
            request=request,
            details={"service": SERVICE, "din": content.get("din", "")},
        )
    return _initial(content)


class PrefillRetention:
    """Expired pre-filled forms are deleted (they are also deleted whenever a new one is made)."""

    name = "authorizations.prefills"

    def describe(self) -> str:
        return (
            f"Pre-filled request forms: kept {settings.PME_PREFILL_SECONDS} seconds at most, "
            "deleted once opened or expired."
        )

    def apply(self, *, dry_run: bool, now: dt.datetime, progress: Progress) -> RetentionResult:
        expired = RequestPrefill.objects.filter(expires_at__lte=now)
        if dry_run:
            return RetentionResult(self.name, {"deleted": expired.count()}, dry_run=True)
        deleted = expired.delete()[0]
        if deleted:
            record(AuditCode.RETENTION_APPLIED, actor=None, details={"policy": self.name, "deleted": deleted})
        return RetentionResult(self.name, {"deleted": deleted})
