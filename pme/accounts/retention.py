"""Retention of the throttle counters (pme/core/throttle.py): a counter is kept only while it can still
delay someone (at most a day after its last failure), then deleted by `apply_retention`. The keys hold
hashes of usernames and addresses, never the values themselves."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.core import throttle
from pme.core.models import ThrottleCounter
from pme.core.retention import Progress, RetentionResult


class ThrottleCounterRetention:
    name = "accounts.throttle_counters"

    def describe(self) -> str:
        return (
            "Throttle counters (login, second factor, password reset, API tokens, look-ups): deleted once "
            "they can no longer delay anyone, at most a day after the last failure."
        )

    def apply(self, *, dry_run: bool, now: dt.datetime, progress: Progress) -> RetentionResult:
        at = now.timestamp()
        if dry_run:
            count = ThrottleCounter.objects.filter(expires_at__lte=at).count()
            return RetentionResult(self.name, {"deleted": count}, dry_run=True)
        with transaction.atomic():
            deleted = throttle.purge_expired(at=at)
            if deleted:
                record(
                    AuditCode.RETENTION_APPLIED, actor=None, details={"policy": self.name, "deleted": deleted}
                )
        progress(f"{self.name}: {deleted} deleted")
        return RetentionResult(self.name, {"deleted": deleted})


POLICIES = (ThrottleCounterRetention(),)
