"""The Régie's review of payment authorization requests: decisions and what they rest on.

The request itself (status, authorized period and quantity, assigned reviewer) lives in
`pme.authorizations`; a `Decision` keeps, for every decision a reviewer makes, what was decided and why,
so that the letter, the prescriber's pages and the panorama can show the reasons later. Append-only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pme.authorizations.models import AuthorizationRequest
from pme.catalogue.models import localized


class RefusalReason(models.Model):
    """The managed list of refusal reasons (Django admin). A reason is never deleted once used: it is
    deactivated, so that old decisions keep their wording."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    text_fr = models.CharField(_("text (French)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=300)
    applies_to_criterion = models.BooleanField(
        _("names a criterion"),
        default=True,
        help_text=_("When checked, the reviewer says which criterion of the indication is not met."),
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("refusal reason")
        verbose_name_plural = _("refusal reasons")

    def __str__(self) -> str:
        return f"{self.code}: {self.text_fr}"

    @property
    def text(self) -> str:
        return localized(self, "text")


class DecisionKind(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")


class Decision(models.Model):
    """One decision of a reviewer on a request (acceptance, refusal, or request for information)."""

    auth_request = models.ForeignKey(AuthorizationRequest, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("decision"), max_length=24, choices=DecisionKind.choices)
    reasons: models.ManyToManyField[RefusalReason, DecisionReason] = models.ManyToManyField(
        RefusalReason, through="DecisionReason", related_name="+"
    )
    # Refusal: free text after the coded reasons; information request: the questions.
    text = models.TextField(_("text"), blank=True)
    authorized_start = models.DateField(_("authorized from"), null=True, blank=True)
    authorized_end = models.DateField(_("authorized until"), null=True, blank=True)
    authorized_quantity = models.CharField(_("authorized quantity"), max_length=250, blank=True)
    partial = models.BooleanField(_("partial acceptance"), default=False)
    is_review = models.BooleanField(_("decision on a review"), default=False)
    # Seconds the request waited for the Régie before this decision (information-requested time excluded).
    elapsed_seconds = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["kind", "created_at"], name="decision_kind_created")]

    def __str__(self) -> str:
        return f"{self.auth_request} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("a decision is never changed once recorded")
        super().save(*args, **kwargs)

    @property
    def has_letter(self) -> bool:
        return self.kind in (DecisionKind.ACCEPTED, DecisionKind.REFUSED)


class DecisionReason(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="reason_lines")
    reason = models.ForeignKey(RefusalReason, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    # The key of the indication's criterion the reason is about ("" when it names none).
    criterion_key = models.SlugField(max_length=60, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.reason.code} ({self.criterion_key or '-'})"


class ReviewerProfile(models.Model):
    """What a reviewer may do beyond the queue: a supervisor reassigns requests."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_supervisor = models.BooleanField(_("supervisor"), default=False)

    class Meta:
        verbose_name = _("reviewer profile")
        verbose_name_plural = _("reviewer profiles")

    def __str__(self) -> str:
        return f"{self.user_id} supervisor={self.is_supervisor}"
