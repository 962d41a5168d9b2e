"""Access requests (form 4313) and delegations (a collaborator works for a prescriber).

Imported by `pme.accounts.models`; import from there.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DelegationPermission(models.TextChoices):
    CONSULT = "consult", _("View requests")
    CONSULT_DRAFT = "consult_draft", _("View requests and draft new ones")


class StaffKind(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("Administrative staff")
    NURSING = "nursing", _("Nursing staff")


class AccessRequestStatus(models.TextChoices):
    AWAITING_USER = "awaiting_user", _("Waiting for the person to fill their part")
    SUBMITTED = "submitted", _("Awaiting processing by the Régie")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


class AccessRequest(models.Model):
    """Form 4313: the prescriber's *Autorisation* part, then the person's *Utilisateur* part.

    The one-time link token is stored only as a SHA-256 hash; the link works once, for 7 days.
    """

    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_requests_made"
    )
    # Autorisation part, filled by the prescriber.
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("the person's own e-mail address"))
    language = models.CharField(_("the person's language"), max_length=2, default="fr")
    staff_kind = models.CharField(_("role"), max_length=16, choices=StaffKind.choices)
    clinic = models.CharField(_("clinic or establishment"), max_length=200)
    permission = models.CharField(_("permission"), max_length=16, choices=DelegationPermission.choices)
    attested_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    # The one-time link sent to the person.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    # Utilisateur part, filled by the person through the link.
    user_first_name = models.CharField(_("first name"), max_length=150, blank=True)
    user_last_name = models.CharField(_("last name"), max_length=150, blank=True)
    user_job_title = models.CharField(_("job title"), max_length=150, blank=True)
    commitment_accepted_at = models.DateTimeField(null=True, blank=True)
    # The Régie's decision.
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AccessRequestStatus.choices,
        default=AccessRequestStatus.AWAITING_USER,
        db_index=True,
    )
    completed_at = models.DateTimeField(_("received on"), null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refusal_reason = models.TextField(_("reason for the refusal"), blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_requests_received",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")

    def __str__(self) -> str:
        return f"4313 #{self.pk} {self.first_name} {self.last_name} ({self.status})"

    def link_is_open(self, now: datetime) -> bool:
        return (
            self.status == AccessRequestStatus.AWAITING_USER
            and bool(self.token_hash)
            and self.link_expires_at is not None
            and now < self.link_expires_at
        )

    @property
    def is_pending(self) -> bool:
        return self.status in (AccessRequestStatus.AWAITING_USER, AccessRequestStatus.SUBMITTED)

    @property
    def status_css(self) -> str:
        """The shared status shapes: waiting for someone, with the Régie, accepted, refused, withdrawn."""
        return {
            AccessRequestStatus.AWAITING_USER: "information_requested",
            AccessRequestStatus.SUBMITTED: "submitted",
            AccessRequestStatus.APPROVED: "accepted",
            AccessRequestStatus.REFUSED: "refused",
            AccessRequestStatus.CANCELLED: "withdrawn",
        }[AccessRequestStatus(self.status)]


class Delegation(models.Model):
    """A collaborator works for a prescriber, with a permission, from `starts_on` to `ends_on` (optional).

    A link made by a prescriber for an existing collaborator needs the collaborator's acceptance; a link
    made by approving an access request is accepted by the person's own part of the form. Removal is a
    timestamp, so the history stays.
    """

    collaborator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_received"
    )
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_given"
    )
    permission = models.CharField(_("permission"), max_length=16, choices=DelegationPermission.choices)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    access_request = models.ForeignKey(
        AccessRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="delegations"
    )

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.UniqueConstraint(
                fields=["collaborator", "prescriber"],
                condition=Q(removed_at__isnull=True, declined_at__isnull=True),
                name="one_open_delegation_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.collaborator_id} → {self.prescriber_id} ({self.permission})"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.declined_at is None and self.removed_at is None

    def is_active_on(self, day: date) -> bool:
        return (
            self.accepted_at is not None
            and self.removed_at is None
            and self.starts_on <= day
            and (self.ends_on is None or day <= self.ends_on)
        )
