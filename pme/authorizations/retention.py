"""Retention of payment authorization requests and their attachments (Law 25: destroy when the purpose
is met). Found by `manage.py apply_retention` (pme.core.retention).

- A sent request is deleted, with its versions, timeline, previous treatments, notifications and
  attachment files, `PME_REQUEST_RETENTION_YEARS` (default 10) after its last activity and the end of
  its authorization period, whichever is later.
- An abandoned draft (never sent) is deleted `PME_DRAFT_RETENTION_DAYS` (default 365) after it was last
  saved.
- A request form pre-filled by a clinic's record is deleted once opened or expired
  (pme/authorizations/prefill.py).
The audit trail keeps its own events (pme.audit.retention), so who saw what stays provable.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.authorizations import db_guards, queue
from pme.authorizations.lifecycle import Status
from pme.authorizations.models import (
    Attachment,
    AuthorizationRequest,
    Notification,
    PreviousTreatment,
    RequestVersion,
    TimelineEntry,
)
from pme.authorizations.prefill import PrefillRetention
from pme.core.retention import Progress, RetentionResult, years_before

CHUNK = 500


class RequestRetention:
    name = "authorizations.requests"

    def describe(self) -> str:
        return (
            f"Requests: kept {settings.PME_REQUEST_RETENTION_YEARS} years after their last activity "
            f"and the end of their authorization; never-sent drafts {settings.PME_DRAFT_RETENTION_DAYS} "
            "days; then deleted with their attachments."
        )

    def expired(self, now: dt.datetime) -> QuerySet[AuthorizationRequest]:
        cutoff = years_before(now, int(settings.PME_REQUEST_RETENTION_YEARS))
        draft_cutoff = now - dt.timedelta(days=int(settings.PME_DRAFT_RETENTION_DAYS))
        sent = (
            ~Q(status=Status.DRAFT)
            & Q(updated_at__lt=cutoff)
            & (Q(authorized_end__isnull=True) | Q(authorized_end__lt=cutoff.date()))
        )
        drafts = Q(status=Status.DRAFT, updated_at__lt=draft_cutoff)
        # A renewal points to the request it renews: the older one goes with (or after) it.
        return AuthorizationRequest.objects.filter(sent | drafts).filter(renewals__isnull=True)

    def apply(self, *, dry_run: bool, now: dt.datetime, progress: Progress) -> RetentionResult:
        ids = list(self.expired(now).values_list("pk", flat=True))
        files = Attachment.objects.filter(auth_request_id__in=ids).count()
        if dry_run or not ids:
            return RetentionResult(
                self.name, {"requests_deleted": len(ids), "files_deleted": files}, dry_run=dry_run
            )
        deleted = files_deleted = 0
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            paths = []
            with db_guards.suspended():  # one transaction; the guards are back before it commits
                for attachment in Attachment.objects.filter(auth_request_id__in=chunk):
                    paths.append(attachment.file.name)
                Attachment.objects.filter(auth_request_id__in=chunk).delete()
                queue.forget(AuthorizationRequest.objects.filter(pk__in=chunk))  # open ones leave the counts
                for model in (Notification, TimelineEntry, PreviousTreatment, RequestVersion):
                    model.objects.filter(auth_request_id__in=chunk).delete()
                deleted += (
                    AuthorizationRequest.objects.filter(pk__in=chunk)
                    .delete()[1]
                    .get(AuthorizationRequest._meta.label, 0)
                )
                record(AuditCode.REQUESTS_DELETED, actor=None, details={"count": len(chunk)})
                transaction.on_commit(partial(_delete_files, paths))
            files_deleted += len(paths)
            progress(f"{deleted}/{len(ids)} requests deleted")
        return RetentionResult(self.name, {"requests_deleted": deleted, "files_deleted": files_deleted})


def _delete_files(paths: list[str]) -> None:
    from django.core.files.storage import default_storage

    for path in paths:
        default_storage.delete(path)


POLICIES = (RequestRetention(), PrefillRetention())
