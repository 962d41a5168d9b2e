"""Passwords, temporary passwords, deactivation, e-mail verification and second factor (TOTP)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pme.accounts import tasks
from pme.accounts.models import AccessRequest, Role, User
from pme.audit.codes import AuditCode
from pme.audit.models import Outcome
from pme.audit.services import record
from pme.core.timeutils import now

RECOVERY_CODE_COUNT = 10


def _check_new_password(user: User, password: str, field: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    if user.password_is_temporary and user.check_password(password):
        raise ValidationError({field: [_("Choose a password different from the temporary one.")]})


@transaction.atomic
def use_temporary_password(user: User, *, request: HttpRequest | None = None) -> None:
    """Called at a login made with a temporary password: it will not work a second time."""
    User.objects.filter(pk=user.pk).update(temporary_password_used_at=now())
    user.temporary_password_used_at = now()
    record(AuditCode.TEMPORARY_PASSWORD_USED, actor=user, target=user, request=request)


@transaction.atomic
def change_password(
    user: User, *, actor: User, new_password: str, request: HttpRequest | None = None
) -> None:
    """Sets a password the person chose. The session hash changes, which ends the user's other
    sessions (Django checks it on each request); the view keeps the current one."""
    _check_new_password(user, new_password, "new_password1")
    was_temporary = user.password_is_temporary
    user.set_password(new_password)
    user.password_is_temporary = False
    user.temporary_password_expires_at = None
    user.temporary_password_used_at = None
    user.save()
    record(
        AuditCode.PASSWORD_CHANGED,
        actor=actor,
        target=user,
        request=request,
        details={"from_temporary": was_temporary},
    )


@transaction.atomic
def reset_password(user: User, *, new_password: str, request: HttpRequest | None = None) -> None:
    """Through the e-mailed link: the link's token is tied to the old password, so it works once."""
    _check_new_password(user, new_password, "new_password1")
    user.set_password(new_password)
    user.password_is_temporary = False
    user.temporary_password_expires_at = None
    user.temporary_password_used_at = None
    user.save()
    record(AuditCode.PASSWORD_RESET, actor=None, target=user, request=request)


@transaction.atomic
def request_password_reset(*, username: str, request: HttpRequest | None = None) -> None:
    """Sends a reset link when the account exists, is active and has a verified e-mail. The caller shows
    the same answer in every case, so the form does not reveal which usernames exist."""
    user = User.objects.filter(username__iexact=username.strip()).first()
    eligible = user is not None and user.is_active and user.email_verified_at is not None
    record(
        AuditCode.PASSWORD_RESET_REQUESTED,
        actor=None,
        target=user if eligible else None,
        outcome=Outcome.OK if eligible else Outcome.NOT_FOUND,
        request=request,
        details={} if eligible else {"username": username[:150]},
    )
    if eligible and user is not None:
        user_id = user.pk
        transaction.on_commit(lambda: tasks.send_password_reset.enqueue(user_id))


@transaction.atomic
def issue_temporary_password(user: User, *, actor: User) -> None:
    """An access administrator replaces the password with a temporary one, delivered split again: the
    password to the person, the username to the prescriber who vouched for them (for collaborators).
    The current password stops working at once and the person's sessions end."""
    if actor.role != Role.ACCESS_ADMIN:
        raise ValidationError(_("Only an access administrator can issue a temporary password."))
    if not user.is_active:
        raise ValidationError(_("Reactivate the account first: it is deactivated."))
    user.password = make_password(None)
    user.password_is_temporary = True
    user.temporary_password_expires_at = None
    user.temporary_password_used_at = None
    user.save()
    record(AuditCode.TEMPORARY_PASSWORD_ISSUED, actor=actor, target=user)
    origin = AccessRequest.objects.filter(account=user).select_related("prescriber").order_by("-pk").first()
    user_id = user.pk
    if origin is not None:
        prescriber_id = origin.prescriber_id
        transaction.on_commit(lambda: tasks.send_username.enqueue(user_id, prescriber_id))
    transaction.on_commit(lambda: tasks.send_temporary_password.enqueue(user_id))


@transaction.atomic
def deactivate_user(user: User, *, actor: User, reason: str) -> None:
    """Effective at once: Django refuses inactive users on their next request."""
    if actor.role != Role.ACCESS_ADMIN:
        raise ValidationError(_("Only an access administrator can deactivate an account."))
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the deactivation.")})
    user.is_active = False
    user.deactivated_reason = reason.strip()
    user.save(update_fields=["is_active", "deactivated_reason"])
    record(AuditCode.ACCOUNT_DEACTIVATED, actor=actor, target=user, details={"reason": reason.strip()[:500]})


@transaction.atomic
def reactivate_user(user: User, *, actor: User) -> None:
    if actor.role != Role.ACCESS_ADMIN:
        raise ValidationError(_("Only an access administrator can reactivate an account."))
    user.is_active = True
    user.deactivated_reason = ""
    user.save(update_fields=["is_active", "deactivated_reason"])
    record(AuditCode.ACCOUNT_REACTIVATED, actor=actor, target=user)


@transaction.atomic
def request_email_verification(user: User, *, actor: User) -> None:
    record(AuditCode.EMAIL_VERIFICATION_SENT, actor=actor, target=user)
    user_id = user.pk
    transaction.on_commit(lambda: tasks.send_email_verification.enqueue(user_id))


@transaction.atomic
def verify_email(user: User, *, email: str) -> bool:
    """True when `email` is still the account's address (a link for an old address does nothing)."""
    if user.email.lower() != email.lower():
        return False
    user.email_verified_at = now()
    user.save(update_fields=["email_verified_at"])
    record(AuditCode.EMAIL_VERIFIED, actor=None, target=user)
    return True


# Second factor -------------------------------------------------------------------------------------


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device of an enrolment in progress (one per user, reused on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="PME", confirmed=False)
    return device


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def confirm_totp_device(device: TOTPDevice, *, actor: User, token: str) -> list[str] | None:
    """Confirms the device with a first code and returns new single-use recovery codes (shown once), or
    None when the code is wrong (the failure is kept: django-otp slows down repeated failures).
    Any earlier TOTP device of the user is removed."""
    if device.user_id != actor.pk or device.confirmed:
        raise ValidationError(_("This enrolment is no longer valid. Start again."))
    if not device.verify_token(token.strip().replace(" ", "")):
        record(AuditCode.MFA_ENROLMENT_FAILED, actor=actor, target=actor, outcome=Outcome.DENIED)
        return None
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(AuditCode.MFA_DEVICE_CONFIRMED, actor=actor, target=actor)
    return _new_recovery_codes(actor)


@transaction.atomic
def regenerate_recovery_codes(*, actor: User) -> list[str]:
    codes = _new_recovery_codes(actor)
    record(AuditCode.MFA_RECOVERY_CODES_GENERATED, actor=actor, target=actor)
    return codes


def verify_second_factor(user: User, *, token: str, request: HttpRequest | None = None) -> object | None:
    """The device that accepts `token` (a TOTP code or a recovery code), or None. A TOTP code is
    accepted once (django-otp remembers the last time step used); a recovery code is deleted when used.
    The outcome is audited either way."""
    token = token.strip().replace(" ", "").replace("-", "").lower()
    # Six digits are an app code; anything else is a recovery code. Trying a code only on its own kind
    # of device keeps one device's failures from slowing down the other.
    model = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    accepted = None
    with transaction.atomic():
        for device in model.objects.select_for_update().filter(user=user, confirmed=True):
            if device.verify_token(token):
                accepted = device
                break
        record(
            AuditCode.MFA_VERIFIED if accepted is not None else AuditCode.MFA_FAILED,
            actor=user,
            target=user,
            outcome=Outcome.OK if accepted is not None else Outcome.DENIED,
            request=request,
            details={"device": model.__name__},
        )
    return accepted
