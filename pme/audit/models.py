"""The append-only audit trail (health-information act, s. 103: which information, who, when).

An event gets its `seq` from the database at INSERT (an identity column on PostgreSQL, AUTOINCREMENT on
SQLite), so concurrent writers never wait for each other. The chainer (`pme.audit.chainer`) then links
committed events in seq order into a keyed hash chain stored in `AuditLink`, a table of its own that is
only ever inserted into: the application's database role needs neither UPDATE nor DELETE anywhere in the
trail (docs/decisions/0005-audit-chain.md). Nothing in the code updates or deletes an event or a link.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Outcome(models.TextChoices):
    OK = "ok", _("Done")
    DENIED = "denied", _("Denied")
    NOT_FOUND = "not_found", _("Not found")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Bulk writes are refused too: the only removal path is retention (`pme.audit.retention`), which
    deletes the oldest prefix of the chain with raw SQL under the database trigger's control."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    # Given by the database at INSERT; a rolled-back transaction leaves a gap the chainer records.
    seq = models.BigAutoField(primary_key=True, editable=False)
    created_at = models.DateTimeField(db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    actor_username = models.CharField(max_length=150, blank=True, editable=False)
    actor_role = models.CharField(max_length=32, blank=True, editable=False)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    action = models.CharField(max_length=64, db_index=True, editable=False)
    object_type = models.CharField(max_length=64, blank=True, editable=False)
    object_id = models.CharField(max_length=64, blank=True, editable=False)
    nam_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    nam_masked = models.CharField(max_length=20, blank=True, editable=False)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.OK, editable=False)
    result_count = models.IntegerField(null=True, blank=True, editable=False)
    client_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    details = models.JSONField(default=dict, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["actor", "created_at"], name="audit_actor_time"),
            models.Index(fields=["nam_hash", "created_at"], name="audit_nam_time"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.actor_username} {self.created_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        # An INSERT, never Django's UPDATE-then-INSERT: the application role holds no UPDATE here.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class LinkKind(models.TextChoices):
    EVENT = "event", pgettext_lazy("audit chain link", "Event")
    GAP = "gap", pgettext_lazy("audit chain link", "Gap")


class AuditLinkQuerySet(models.QuerySet["AuditLink"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit links are insert-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit links are insert-only.")


class AuditLink(models.Model):
    """One link of the chain: either one event (`seq == last_seq`) or a gap, a run of seq values
    `seq..last_seq` that no committed event holds (taken by transactions that rolled back).

    `hash` = HMAC-SHA256(PME_AUDIT_CHAIN_KEY, canonical content including `prev_hash`), the content being
    the event's fields or the gap's bounds (`pme.audit.chain`). Links cover the seq values from the
    retention anchor up to the chain's head without overlap or hole; events beyond the head are the
    backlog the chainer has not linked yet.
    """

    seq = models.BigIntegerField(primary_key=True, editable=False)
    last_seq = models.BigIntegerField(editable=False)
    kind = models.CharField(max_length=8, choices=LinkKind.choices, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)
    linked_at = models.DateTimeField(editable=False)

    objects = AuditLinkQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit chain link")
        verbose_name_plural = _("audit chain links")

    def __str__(self) -> str:
        return f"link #{self.seq}-{self.last_seq} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit links are insert-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit links are insert-only.")


class ChainAnchor(models.Model):
    """Where the kept chain starts: the last seq removed by retention and its link's hash (0 and the
    genesis hash until retention first removes events). The first kept link starts at `anchor_seq + 1`
    and its `prev_hash` must equal `anchor_hash`. Only retention, under the owner role, changes it, and
    `verify_audit` believes it only if the anchor file says retention put it there."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain anchor #{self.anchor_seq}"


class HarmRisk(models.TextChoices):
    UNDER_ASSESSMENT = "under_assessment", _("Being assessed")
    NO = "no", _("No risk of serious harm")
    YES = "yes", _("Risk of serious harm")


class ConfidentialityIncident(models.Model):
    """One entry of the confidentiality-incident register (Law 25; regulation on confidentiality
    incidents, s. 11). The row holds the current state; every version, the first included, is kept in
    `IncidentVersion`, so a change never overwrites what was registered before."""

    reference = models.CharField(_("reference"), max_length=16, unique=True, editable=False)
    occurred_on = models.DateField(_("date of the incident"))
    occurred_until = models.DateField(_("end of the incident"), null=True, blank=True)
    discovered_on = models.DateField(_("date of discovery"))
    description = models.TextField(_("circumstances"))
    information_concerned = models.TextField(_("personal information concerned"))
    persons_count = models.PositiveIntegerField(_("number of persons concerned"))
    persons_count_estimated = models.BooleanField(_("the number is an estimate"), default=False)
    harm_risk = models.CharField(
        _("risk of serious harm"),
        max_length=20,
        choices=HarmRisk.choices,
        default=HarmRisk.UNDER_ASSESSMENT,
    )
    risk_assessment = models.TextField(_("risk assessment"))
    commission_notified_on = models.DateField(_("Commission notified on"), null=True, blank=True)
    persons_notified_on = models.DateField(_("persons concerned notified on"), null=True, blank=True)
    notifications_details = models.TextField(_("notifications: details"), blank=True)
    measures_taken = models.TextField(_("measures taken"))
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(editable=False)
    updated_at = models.DateTimeField(editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-discovered_on", "-id"]
        verbose_name = _("confidentiality incident")
        verbose_name_plural = _("confidentiality incidents")

    def __str__(self) -> str:
        return self.reference


# The register's fields, in display order; a version stores exactly these.
INCIDENT_FIELDS: tuple[str, ...] = (
    "occurred_on",
    "occurred_until",
    "discovered_on",
    "description",
    "information_concerned",
    "persons_count",
    "persons_count_estimated",
    "harm_risk",
    "risk_assessment",
    "commission_notified_on",
    "persons_notified_on",
    "notifications_details",
    "measures_taken",
)


class IncidentVersion(models.Model):
    """An append-only snapshot of an incident as saved by one person at one time."""

    incident = models.ForeignKey(
        ConfidentialityIncident, on_delete=models.PROTECT, related_name="versions", editable=False
    )
    version = models.PositiveIntegerField(editable=False)
    recorded_at = models.DateTimeField(editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    data = models.JSONField(editable=False)
    changed_fields = models.JSONField(default=list, editable=False)

    class Meta:
        ordering = ["incident", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "version"], name="audit_incident_version_unique")
        ]
        verbose_name = _("incident version")
        verbose_name_plural = _("incident versions")

    def __str__(self) -> str:
        return f"{self.incident_id} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Incident versions are append-only.")
        super().save(*args, **kwargs)
