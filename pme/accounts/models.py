"""Users, their role and their professional profile.

The role is a single field: a person who is both a prescriber and a reviewer has two accounts, as at the
Régie (staff usernames start with CE). Delegations (a collaborator works for a prescriber) and access
requests (form 4313) live in `pme/accounts/access_models.py`, imported at the end of this module.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

PROFESSIONAL_NUMBER_RE = re.compile(r"^[0-9]{7}$")


def new_security_stamp() -> str:
    return secrets.token_hex(16)


class Role(models.TextChoices):
    PRESCRIBER = "prescriber", _("Prescriber")
    COLLABORATOR = "collaborator", _("Administrative assistant")
    PHARMACIST = "pharmacist", _("Pharmacist")
    REVIEWER = "reviewer", _("Régie reviewer")
    ACCESS_ADMIN = "access_admin", _("Régie access administrator")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")

    @classmethod
    def staff_roles(cls) -> frozenset[str]:
        """Régie staff: second factor mandatory."""
        return frozenset({cls.REVIEWER, cls.ACCESS_ADMIN, cls.PRIVACY_OFFICER})


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


class Profession(models.TextChoices):
    GENERAL_PRACTITIONER = "general_practitioner", _("General practitioner")
    SPECIALIST = "specialist", _("Medical specialist")
    NURSE_PRACTITIONER = "nurse_practitioner", _("Nurse practitioner")
    PHARMACIST = "pharmacist", _("Pharmacist")
    MIDWIFE = "midwife", _("Midwife")
    DENTIST = "dentist", _("Dentist")


professional_number_validator = RegexValidator(
    PROFESSIONAL_NUMBER_RE, _("A professional number has exactly 7 digits."), code="professional_number"
)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    # A temporary password only lets its holder choose a new one; it expires, and works for one login.
    password_is_temporary = models.BooleanField(_("temporary password"), default=False)
    temporary_password_expires_at = models.DateTimeField(null=True, blank=True)
    temporary_password_used_at = models.DateTimeField(null=True, blank=True)
    # Password reset by e-mail is offered only to an address the person has proven to receive.
    email_verified_at = models.DateTimeField(_("e-mail verified on"), null=True, blank=True)
    deactivated_reason = models.CharField(_("reason for deactivation"), max_length=500, blank=True)
    # Part of the session hash: changing it ends every session of the account for good (deactivation
    # and every credential change do, pme/accounts/services/security.py); reactivation does not restore it.
    security_stamp = models.CharField(max_length=32, default=new_security_stamp, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def get_session_auth_hash(self) -> str:
        return self._session_hash(settings.SECRET_KEY)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(str(secret))

    def _session_hash(self, secret: str) -> str:
        """Django's hash of the password, with the security stamp: a session stays valid only while both
        are unchanged."""
        return salted_hmac(
            "pme.accounts.User.session",
            f"{self.password}|{self.security_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def rotate_security_stamp(self) -> None:
        self.security_stamp = new_security_stamp()

    @property
    def is_regie_staff(self) -> bool:
        return self.role in Role.staff_roles()

    def temporary_password_usable(self, now: datetime) -> bool:
        """A temporary password logs in once, before it expires."""
        return (
            self.temporary_password_used_at is None
            and self.temporary_password_expires_at is not None
            and now < self.temporary_password_expires_at
        )

    def clean(self) -> None:
        super().clean()
        if self.role not in Role.values:
            raise ValidationError({"role": _("Unknown role.")})


class PrescriberProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="prescriber_profile")
    profession = models.CharField(_("profession"), max_length=32, choices=Profession.choices)
    professional_number = models.CharField(
        _("professional number"),
        max_length=7,
        unique=True,
        validators=[professional_number_validator],
        help_text=_("7 digits: type of professional, licence number, and a digit assigned by the Régie."),
    )

    class Meta:
        verbose_name = _("prescriber profile")
        verbose_name_plural = _("prescriber profiles")

    def __str__(self) -> str:
        return f"{self.user.get_full_name()} ({self.professional_number})"


class PharmacistProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="pharmacist_profile")
    licence_number = models.CharField(
        _("licence number"), max_length=7, unique=True, validators=[professional_number_validator]
    )
    pharmacy = models.CharField(_("pharmacy"), max_length=200)

    class Meta:
        verbose_name = _("pharmacist profile")
        verbose_name_plural = _("pharmacist profiles")

    def __str__(self) -> str:
        return f"{self.user.get_full_name()} ({self.pharmacy})"


class ApiToken(models.Model):
    """A personal API token: a system (the clinic's record, the pharmacy's software) acts as its user.

    Only the SHA-256 of the secret is stored: the secret is shown once, when it is issued. A token acts
    with its user's role and delegations as they are at each call, and stops working when it expires, is
    revoked, or its user is deactivated (docs/api.md)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires on"))
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"

    def is_usable(self, at: datetime) -> bool:
        return self.revoked_at is None and at < self.expires_at


from pme.accounts.access_models import (  # noqa: E402  (models of the same app, split for size)
    AccessRequest,
    AccessRequestStatus,
    Delegation,
    DelegationPermission,
    StaffKind,
)

__all__ = [
    "AccessRequest",
    "AccessRequestStatus",
    "ApiToken",
    "Delegation",
    "DelegationPermission",
    "Language",
    "PharmacistProfile",
    "PrescriberProfile",
    "Profession",
    "Role",
    "StaffKind",
    "User",
]
