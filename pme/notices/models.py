"""One e-mail to one person, with its delivery record: every notice of the service goes through here
(decisions, questions, reminders, access requests), so every one is retried and accounted for the same
way. The row holds ids, never a secret nor health information: the message is rendered when sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (no more attempts)")
        DROPPED = "dropped", _("Not sent (no longer applies)")

    kind = models.CharField(max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # For people without an account yet (the person named in an access request).
    address = models.EmailField(blank=True)
    language = models.CharField(max_length=5, default="fr")
    # What the notice is about, for the trail and the renderer: e.g. "authorizations.authorizationrequest" 12.
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notice_due"),
            models.Index(fields=["object_type", "object_id"], name="notice_object"),
        ]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id or self.address} ({self.state})"
