"""Writes on accounts. Every function takes keyword-only arguments and an `actor` (None = operator CLI)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pme.accounts.models import (
    Language,
    PharmacistProfile,
    PrescriberProfile,
    Profession,
    Role,
    User,
    professional_number_validator,
)
from pme.audit.codes import AuditCode
from pme.audit.services import record


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    role: str,
    username: str,
    email: str,
    password: str,
    language: str = Language.FRENCH,
    first_name: str = "",
    last_name: str = "",
    profession: str | None = None,
    professional_number: str | None = None,
    pharmacy: str | None = None,
) -> User:
    """Creates a user and, for prescribers and pharmacists, their professional profile.

    Raises ValidationError with every problem found, before anything is written.
    """
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if role not in Role.values:
        err(
            "role",
            _("Unknown role %(role)s. Choose one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)},
        )
    if language not in Language.values:
        err("language", _("Unknown language %(language)s: use fr or en.") % {"language": language})
    if not username or User.objects.filter(username__iexact=username).exists():
        err("username", _("This username is empty or already taken."))
    if role in (Role.PRESCRIBER, Role.PHARMACIST):
        try:
            professional_number_validator(professional_number or "")
        except ValidationError as exc:
            err("professional_number", str(exc.messages[0]))
    if role == Role.PRESCRIBER and profession not in Profession.values:
        err(
            "profession",
            _("A prescriber needs a profession: %(choices)s.") % {"choices": ", ".join(Profession.values)},
        )
    if role == Role.PHARMACIST and not pharmacy:
        err("pharmacy", _("A pharmacist needs the name of their pharmacy."))
    user = User(
        username=username,
        email=email,
        role=role,
        language=language,
        first_name=first_name,
        last_name=last_name,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        for message in exc.messages:
            err("password", str(message))
    if errors:
        raise ValidationError(errors)

    user.set_password(password)
    user.save()
    details: dict[str, Any] = {"role": role}
    if role == Role.PRESCRIBER:
        PrescriberProfile.objects.create(
            user=user, profession=profession or "", professional_number=professional_number or ""
        )
        details["profession"] = profession
    elif role == Role.PHARMACIST:
        PharmacistProfile.objects.create(
            user=user, licence_number=professional_number or "", pharmacy=pharmacy or ""
        )
    record(AuditCode.USER_CREATED, actor=actor, target=user, details=details)
    return user
