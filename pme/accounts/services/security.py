"""Passwords, temporary passwords, deactivation, e-mail verification and second factor (TOTP)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pme.accounts import notices, throttle
from pme.accounts.models import AccessRequest, ApiToken, Role, User
from pme.audit.codes import AuditCode
from pme.audit.models import Outcome
from pme.audit.services import record
from pme.core import throttle as counters
from pme.core.throttle import Verdict
from pme.core.timeutils import now

RECOVERY_CODE_COUNT = 10


def end_sessions_and_tokens(user: User, *, actor: User | None, reason: str) -> None:
    """Ends every session of `user` and revokes every API token, for good: the new security stamp makes
    every session hash stale (Django ends such a session on its next request), and revoked tokens never
    work again, whatever happens to the account later (reactivation included). The caller saves `user`.
    """
    user.rotate_security_stamp()
    moment = now()
    for token in ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True):
        token.revoked_at = moment
        token.save(update_fields=["revoked_at"])
        record(
            AuditCode.API_TOKEN_REVOKED,
            actor=actor,
            target=token,
            details={"user": user.pk, "reason": reason},
        )


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
    """Sets a password the person chose. Every session ends and every API token is revoked; the view
    keeps the current session (update_session_auth_hash)."""
    _check_new_password(user, new_password, "new_password1")
    was_temporary = user.password_is_temporary
    user.set_password(new_password)
    user.password_is_temporary = False
    user.temporary_password_expires_at = None
    user.temporary_password_used_at = None
    end_sessions_and_tokens(user, actor=actor, reason="password_changed")
    user.save()
    record(
        AuditCode.PASSWORD_CHANGED,
        actor=actor,
        target=user,
        request=request,
        details={"from_temporary": was_temporary},
    )


def reset_password(
    user: User, *, new_password: str, second_factor_code: str = "", request: HttpRequest | None = None
) -> None:
    """Through the e-mailed link: the link's token is tied to the old password, so it works once. An
    account with a second factor must also give a code (a mailbox alone does not reset it), under the
    same lock as at login. Every session ends and every API token is revoked; the next login asks for
    the password and, for Régie staff, the second factor again."""
    _check_new_password(user, new_password, "new_password1")
    if has_second_factor(user):
        check = check_second_factor(user, token=second_factor_code, request=request)
        if check.device is None:
            raise ValidationError({"second_factor_code": [check.message()]})
    with transaction.atomic():
        user.set_password(new_password)
        user.password_is_temporary = False
        user.temporary_password_expires_at = None
        user.temporary_password_used_at = None
        end_sessions_and_tokens(user, actor=None, reason="password_reset")
        user.save()
        record(AuditCode.PASSWORD_RESET, actor=None, target=user, request=request)


@transaction.atomic
def request_password_reset(*, username: str, request: HttpRequest) -> Verdict:
    """Sends a reset link when the account exists, is active and has a verified e-mail. The caller shows
    the same answer in every case, so the form does not reveal which usernames exist. Throttled per
    username typed and per address (pme/accounts/throttle.py): a refusal is returned, and nothing is sent,
    so nobody can flood a person's mailbox."""
    verdict = throttle.reset_allowed(request, username)
    if not verdict.allowed:
        record(
            AuditCode.PASSWORD_RESET_THROTTLED,
            actor=None,
            outcome=Outcome.DENIED,
            request=request,
            details={"username": username[:150]},
        )
        return verdict
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
        notices.password_reset(user)
    return verdict


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
    end_sessions_and_tokens(user, actor=actor, reason="temporary_password_issued")
    user.save()
    record(AuditCode.TEMPORARY_PASSWORD_ISSUED, actor=actor, target=user)
    origin = AccessRequest.objects.filter(account=user).select_related("prescriber").order_by("-pk").first()
    if origin is not None:
        notices.username(user, prescriber=origin.prescriber)
    notices.temporary_password(user)


@transaction.atomic
def deactivate_user(user: User, *, actor: User, reason: str) -> None:
    """Effective at once and for good: every session ends and every API token is revoked, so a later
    reactivation gives a fresh start, never an old cookie or token back."""
    if actor.role != Role.ACCESS_ADMIN:
        raise ValidationError(_("Only an access administrator can deactivate an account."))
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the deactivation.")})
    user.is_active = False
    user.deactivated_reason = reason.strip()
    end_sessions_and_tokens(user, actor=actor, reason="deactivated")
    user.save(update_fields=["is_active", "deactivated_reason", "security_stamp"])
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
    notices.email_verification(user)


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


@dataclass(frozen=True)
class SecondFactorCheck:
    device: object | None
    locked_for: int = 0  # seconds before another code is accepted; 0 when not locked

    def message(self) -> str:
        """Why the code was refused, in the user's language."""
        if self.locked_for:
            minutes = max(1, -(-self.locked_for // 60))
            return _(
                "Too many wrong codes: for your security, codes are refused for %(minutes)s minute(s). "
                "Try again after that; if you lost your device, contact the assistance centre."
            ) % {"minutes": minutes}
        return _("This code is not valid, or was already used. Wait for the next code, then try again.")


def check_second_factor(user: User, *, token: str, request: HttpRequest | None = None) -> SecondFactorCheck:
    """Checks a TOTP code or a recovery code under a lock per user (pme/accounts/throttle.py: after 5
    wrong codes in a row, codes are refused for one minute, doubling up to one hour). A TOTP code is
    accepted once (django-otp remembers the last time step used); a recovery code is deleted when used.
    Every outcome is audited: accepted, wrong, the wrong code that starts the lock, and codes refused
    while locked."""
    key = throttle.second_factor_key(user.pk)
    wait = counters.wait_seconds(key) or counters.admit(key, throttle.SECOND_FACTOR)
    if wait:
        with transaction.atomic():
            record(AuditCode.MFA_THROTTLED, actor=user, target=user, outcome=Outcome.DENIED, request=request)
        return SecondFactorCheck(None, wait)
    token = token.strip().replace(" ", "").replace("-", "").lower()
    # Six digits are an app code; anything else is a recovery code.
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
        if accepted is not None:
            counters.clear(key)
            return SecondFactorCheck(accepted)
        locked_for = counters.wait_seconds(key)
        if locked_for:
            record(
                AuditCode.MFA_LOCKED,
                actor=user,
                target=user,
                outcome=Outcome.DENIED,
                request=request,
                details={"seconds": locked_for, "failures": counters.failures(key)},
            )
    return SecondFactorCheck(None, locked_for)


def verify_second_factor(user: User, *, token: str, request: HttpRequest | None = None) -> object | None:
    """The device that accepts `token`, or None (see check_second_factor)."""
    return check_second_factor(user, token=token, request=request).device
