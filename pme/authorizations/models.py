"""Payment authorization requests (*demandes d'autorisation de paiement*) and what hangs off them.

What the prescriber sent never changes after submission (Drug insurance act, s. 82): the columns listed
in FROZEN_FIELDS are refused by `save()` once the request has left the draft status, and by a database
trigger on every path (migration 0002), so neither the admin, a form, the API nor raw SQL can alter them.
Later information is *added*: `RequestVersion` rows (answers, corrections) and attachments.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pme.authorizations.content import draft_columns
from pme.authorizations.lifecycle import Action, Status
from pme.core.nam import NAM

# In a fixed order, so that the partial indexes' condition is the same SQL in every migration.
OPEN_STATUS_VALUES = [Status.SUBMITTED.value, Status.IN_REVIEW.value, Status.INFORMATION_REQUESTED.value]


class RequestKind(models.TextChoices):
    EXCEPTION_DRUG = "exception_drug", _("Exception drug")
    EXCEPTIONAL_PATIENT = "exceptional_patient", _("Exceptional patient")


class RequestType(models.TextChoices):
    FIRST = "first", _("First request")
    RENEWAL = "renewal", _("Renewal")
    CONTINUATION = "continuation", _("Continuation")
    RESTART = "restart", _("Restart after relapse")


class Urgency(models.TextChoices):
    STANDARD = "standard", _("Standard")
    URGENT = "urgent", _("Urgent")


class DurationUnit(models.TextChoices):
    DAYS = "days", _("days")
    WEEKS = "weeks", _("weeks")
    MONTHS = "months", _("months")


class AuthorizationRequest(models.Model):
    number = models.CharField(_("request number"), max_length=11, unique=True, null=True, blank=True)
    kind = models.CharField(_("kind of request"), max_length=24, choices=RequestKind.choices)
    request_type = models.CharField(
        _("type of request"), max_length=16, choices=RequestType.choices, default=RequestType.FIRST
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DRAFT)
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authorization_requests"
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    transmitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Insured person, as typed and checked at submission.
    nam = models.CharField(_("health insurance number"), max_length=12)
    insured_last_name = models.CharField(_("surname"), max_length=100)
    insured_first_name = models.CharField(_("first name"), max_length=100)
    insured_birth_date = models.DateField(_("birth date"))
    # Drug: a catalogue drug and the version of the indication claimed; or, for an exceptional patient,
    # possibly a drug not on the list, described in words.
    drug = models.ForeignKey(
        "catalogue.Drug", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    indication = models.ForeignKey(
        "catalogue.Indication", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drug_description = models.CharField(_("drug (name, strength, form)"), max_length=250, blank=True)
    din = models.CharField(
        _("DIN"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{8}$", _("A DIN has exactly 8 digits."))],
    )
    answers = models.JSONField(_("answers to the criteria"), default=dict, blank=True)
    evaluation = models.JSONField(_("evaluation of the criteria"), default=dict, blank=True)
    treatment_started = models.BooleanField(_("treatment already started"), default=False)
    requested_start = models.DateField(_("requested start date"), null=True, blank=True)
    requested_duration = models.PositiveSmallIntegerField(_("requested duration"), null=True, blank=True)
    requested_duration_unit = models.CharField(
        _("unit"), max_length=8, choices=DurationUnit.choices, default=DurationUnit.MONTHS
    )
    dosage = models.CharField(_("dosage"), max_length=250, blank=True)
    quantity = models.CharField(_("quantity"), max_length=120, blank=True)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.STANDARD)
    urgency_reason = models.CharField(_("reason for urgency"), max_length=500, blank=True)
    clinical_notes = models.TextField(_("clinical notes"), blank=True)
    # Exceptional patient measure.
    condition = models.TextField(_("condition"), blank=True)
    alternatives_unusable = models.TextField(
        _("why listed drugs or insured treatments cannot be used"), blank=True
    )
    seriousness = models.TextField(_("why the condition is serious"), blank=True)
    expected_benefit = models.TextField(_("expected measurable benefit"), blank=True)
    renewal_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewals"
    )
    # One form, one request: the token travels in the form, the key in the API's Idempotency-Key header.
    submission_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    idempotency_key = models.CharField(max_length=200, blank=True)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True)
    # Workflow and decision (written by services only).
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    automated = models.BooleanField(_("automated decision"), default=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    authorized_start = models.DateField(_("authorized from"), null=True, blank=True)
    authorized_end = models.DateField(_("authorized until"), null=True, blank=True)
    authorized_quantity = models.CharField(_("authorized quantity"), max_length=250, blank=True)
    is_review = models.BooleanField(_("review of a refusal"), default=False)
    # The coded reasons of the latest refusal, in both languages, for pages that cannot import the review
    # app (the panorama): [{"code": "...", "fr": "...", "en": "..."}]. Written by the refusal only.
    refusal_reasons = models.JSONField(_("refusal reasons"), default=list, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    row_version = models.PositiveIntegerField(default=1)
    # The review queue's order, kept by the lifecycle (pme/authorizations/queue.py), NULL when the request
    # is not open: 0 urgent, 1 standard, 2 paused (waiting for the prescriber); and the moment the request
    # (re)entered the queue (its sending, or the review asked).
    queue_rank = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    queued_since = models.DateTimeField(_("waiting since"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("payment authorization request")
        verbose_name_plural = _("payment authorization requests")
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            models.Index(fields=["nam", "submitted_at"], name="authreq_nam_sent"),
            models.Index(fields=["prescriber", "submitted_at"], name="authreq_prescriber_sent"),
            models.Index(fields=["status", "submitted_at"], name="authreq_status_sent"),
            models.Index(fields=["authorized_end"], name="authreq_auth_end"),
            # The review queue reads only open requests, in this order: its cost follows the number of
            # open requests (a few thousand), not the size of the table.
            models.Index(
                fields=["queue_rank", "queued_since", "id"],
                name="authreq_queue",
                condition=Q(status__in=OPEN_STATUS_VALUES),
            ),
            models.Index(
                fields=["assigned_to", "queue_rank", "queued_since", "id"],
                name="authreq_queue_assigned",
                condition=Q(status__in=OPEN_STATUS_VALUES),
            ),
            # The queue's drug filter lists the drugs that have an open request: one probe of this small
            # index per drug of the catalogue (an index-only semi-join), instead of reading every open row.
            models.Index(
                fields=["drug"],
                name="authreq_queue_drug",
                condition=Q(status__in=OPEN_STATUS_VALUES),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["prescriber", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="authreq_idempotency_key",
            ),
            # Sent requests have a number and a sending time; never-sent ones (drafts, and drafts the
            # prescriber discarded, which end as withdrawn) have neither.
            models.CheckConstraint(
                condition=(Q(number__isnull=False) & Q(submitted_at__isnull=False) & ~Q(status="draft"))
                | (
                    Q(number__isnull=True)
                    & Q(submitted_at__isnull=True)
                    & Q(status__in=["draft", "withdrawn"])
                ),
                name="authreq_sent_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"draft #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        loaded_status = getattr(self, "_loaded_status", "")
        if self.pk is not None and loaded_status not in ("", Status.DRAFT):
            changed = [f for f, v in getattr(self, "_loaded", {}).items() if getattr(self, f) != v]
            if changed:
                raise FrozenRequestError(changed)
        super().save(*args, **kwargs)
        self._loaded = {f: getattr(self, f) for f in FROZEN_FIELDS}
        self._loaded_status = self.status

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> AuthorizationRequest:
        instance = super().from_db(db, field_names, values)
        frozen, has_status = _frozen_among(tuple(field_names))
        loaded = instance.__dict__  # what getattr gives for a loaded column (its plain descriptor)
        instance._loaded = {f: loaded[f] for f in frozen}
        instance._loaded_status = instance.status if has_status else ""
        return instance

    @property
    def nam_value(self) -> NAM:
        return NAM(self.nam)

    @property
    def status_label(self) -> str:
        """`get_status_display()` without building the dict of every status (and translating each label)
        on each call: lists show one per row."""
        return str(Status(self.status).label)

    @property
    def drug_label(self) -> str:
        if self.drug_id and self.drug is not None:
            strength = f" {self.drug.strength}" if self.drug.strength else ""
            return f"{self.drug.generic_name}{strength}"
        return self.drug_description

    @property
    def refusal_reason_texts(self) -> list[str]:
        """The latest refusal's reasons in the active language."""
        from django.utils.translation import get_language

        key = "en" if (get_language() or "fr").startswith("en") else "fr"
        return [str(r.get(key) or r.get("fr") or r.get("code")) for r in self.refusal_reasons or []]

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT


# What the prescriber sent: frozen once the request leaves the draft status. The content's columns come
# from its one declaration (content.DraftInput); the others say who sent it and from which form or call.
FROZEN_FIELDS = (
    *draft_columns(),
    "prescriber_id",
    "entered_by_id",
    "renewal_of_id",
    "submission_token",
    "idempotency_key",
    "idempotency_fingerprint",
)
# Column names for the database trigger (ForeignKey attnames are the column names).
FROZEN_COLUMNS = FROZEN_FIELDS


@functools.lru_cache(maxsize=256)
def _frozen_among(field_names: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
    """The frozen fields a query loaded, and whether it loaded the status: the same for every row of a
    query (a list of 25 rows no longer scans its 60 names once per frozen field and row)."""
    loaded = set(field_names)
    return tuple(f for f in FROZEN_FIELDS if f in loaded), "status" in loaded


class FrozenRequestError(Exception):
    def __init__(self, fields: list[str]) -> None:
        super().__init__(f"a submitted request cannot be changed (fields: {', '.join(fields)})")
        self.fields = fields


class PreviousTreatment(models.Model):
    class Outcome(models.TextChoices):
        INEFFECTIVE = "ineffective", _("Ineffective")
        NOT_TOLERATED = "not_tolerated", _("Not tolerated")
        CONTRAINDICATED = "contraindicated", _("Contraindicated")
        OTHER = "other", _("Other")

    auth_request = models.ForeignKey(
        AuthorizationRequest, on_delete=models.CASCADE, related_name="previous_treatments"
    )
    position = models.PositiveSmallIntegerField(default=0)
    drug_name = models.CharField(_("drug"), max_length=200)
    duration = models.CharField(_("duration"), max_length=100, blank=True)
    outcome = models.CharField(_("reason stopped"), max_length=16, choices=Outcome.choices)
    details = models.CharField(_("details"), max_length=300, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.drug_name} ({self.outcome})"


class RequestVersion(models.Model):
    """Something added to a request after its submission: the submitted content itself (number 1), an
    answer to an information request, a correction. Append-only."""

    class Kind(models.TextChoices):
        SUBMISSION = "submission", _("Request as sent")
        ANSWER = "answer", _("Answer to a request for information")
        CORRECTION = "correction", _("Correction")
        REVIEW_REQUEST = "review_request", _("Request for review")

    auth_request = models.ForeignKey(AuthorizationRequest, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField(blank=True)
    content = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["auth_request", "number"], name="authreq_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.auth_request} v{self.number} ({self.kind})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise FrozenRequestError(["version"])
        super().save(*args, **kwargs)


class TimelineEntry(models.Model):
    auth_request = models.ForeignKey(AuthorizationRequest, on_delete=models.PROTECT, related_name="timeline")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=24, choices=Action.choices)
    from_status = models.CharField(max_length=24, choices=Status.choices)
    to_status = models.CharField(max_length=24, choices=Status.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.auth_request}: {self.from_status} → {self.to_status}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the user's file name on disk: a random name under the request's folder.
    return f"attachments/{instance.auth_request_id}/{uuid.uuid4().hex}{instance.extension}"


class Attachment(models.Model):
    auth_request = models.ForeignKey(
        AuthorizationRequest, on_delete=models.PROTECT, related_name="attachments"
    )
    version = models.ForeignKey(
        RequestVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class RequestCounter(models.Model):
    """The last number given in a year: locked while a number is assigned, so numbers never repeat."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class QueueCount(models.Model):
    """How many requests are open in each status, split over a few shards (the request id modulo
    `pme.authorizations.queue.SHARDS`) so that concurrent transitions rarely wait for the same row. Kept
    in the transaction of every transition by pme/authorizations/queue.py; the count of a status is the
    sum of its shards."""

    status = models.CharField(max_length=24, choices=Status.choices)
    shard = models.PositiveSmallIntegerField()
    total = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["status", "shard"], name="queuecount_status_shard")]

    def __str__(self) -> str:
        return f"{self.status}[{self.shard}]: {self.total}"


class Notification(models.Model):
    """An item on a user's home page (and the e-mail that announced it)."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision")
        INFORMATION_REQUESTED = "information_requested", _("Information requested")
        EXPIRY = "expiry", _("Authorization ending soon")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    auth_request = models.ForeignKey(AuthorizationRequest, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class RequestPrefill(models.Model):
    """What a clinic's record knew when it suggested a request (a CDS Hooks card's link): the person, the
    drug, the dosage. Kept here behind an opaque handle so that the link itself carries no personal
    information; it opens once, for its prescriber, before `expires_at` (pme/authorizations/prefill.py)."""

    handle_hash = models.CharField(max_length=64, unique=True, editable=False)
    prescriber = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("pre-filled request form")
        verbose_name_plural = _("pre-filled request forms")

    def __str__(self) -> str:
        return f"prefill for {self.prescriber_id} until {self.expires_at:%Y-%m-%d %H:%M}"
