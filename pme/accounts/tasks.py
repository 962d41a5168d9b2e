"""Background tasks (django-tasks) that send the accounts e-mails.

Secrets (the one-time link token, the temporary password) are generated *inside* the task, stored only
as hashes, and exist in clear only in the e-mail: task arguments are ids, because the task queue keeps
its arguments in the database.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from pme.accounts import letters, mail
from pme.accounts.access import token_digest
from pme.accounts.models import AccessRequest, AccessRequestStatus, Delegation, User
from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.core.timeutils import now

LINK_LIFETIME = timedelta(days=7)
TEMPORARY_PASSWORD_LIFETIME = timedelta(days=14)
EMAIL_VERIFICATION_SALT = "pme.accounts.email-verification"
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from a letter without doubt


def new_temporary_password() -> str:
    """16 random characters (about 79 bits) in four groups, easy to type from a printed letter."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


@task()
def send_access_request_link(access_request_id: int) -> None:
    """A fresh one-time link for the person's part of the form; any previous link stops working."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        access_request = AccessRequest.objects.select_for_update().get(pk=access_request_id)
        if access_request.status != AccessRequestStatus.AWAITING_USER:
            return
        access_request.token_hash = token_digest(token)
        access_request.link_expires_at = now() + LINK_LIFETIME
        access_request.save(update_fields=["token_hash", "link_expires_at"])
        record(AuditCode.ACCESS_REQUEST_LINK_SENT, actor=None, target=access_request)
    prescriber = access_request.prescriber
    mail.send(
        "access_request_link",
        to=access_request.email,
        language=access_request.language,
        context={
            "access_request": access_request,
            "prescriber_name": prescriber.get_full_name() or prescriber.username,
            "link": mail.site_url(
                "accounts:access_request_complete", token, language=access_request.language
            ),
            "expires_at": access_request.link_expires_at,
        },
    )


@task()
def send_temporary_password(user_id: int) -> None:
    """Generates the temporary password, stores its hash and e-mails it, with its letter, to the person
    only. The username is never in this e-mail: it reaches the person through the prescriber."""
    password = new_temporary_password()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        if not user.password_is_temporary or not user.is_active:
            return
        user.set_password(password)
        user.temporary_password_expires_at = now() + TEMPORARY_PASSWORD_LIFETIME
        user.temporary_password_used_at = None
        user.save(update_fields=["password", "temporary_password_expires_at", "temporary_password_used_at"])
        record(AuditCode.TEMPORARY_PASSWORD_SENT, actor=None, target=user)
    expires_at = user.temporary_password_expires_at
    assert expires_at is not None
    letter = letters.temporary_password_letter(
        person_name=user.get_full_name(), password=password, expires_at=expires_at
    )
    mail.send(
        "temporary_password",
        to=user.email,
        language=user.language,
        context={"user": user, "password": password, "expires_at": expires_at},
        attachments=[("pme-mot-de-passe-password.pdf", letter, "application/pdf")],
    )


@task()
def send_username(user_id: int, prescriber_id: int) -> None:
    """The username of a new (or reset) account goes to the prescriber who vouched for the person."""
    user = User.objects.get(pk=user_id)
    prescriber = User.objects.get(pk=prescriber_id)
    letter = letters.username_letter(
        person_name=user.get_full_name(),
        username=user.username,
        prescriber_name=prescriber.get_full_name() or prescriber.username,
        issued_at=now(),
    )
    with transaction.atomic():
        record(AuditCode.USERNAME_SENT, actor=None, target=user, details={"to": prescriber.username})
    mail.send(
        "username",
        to=prescriber.email,
        language=prescriber.language,
        context={"user": user, "prescriber": prescriber},
        attachments=[("pme-nom-utilisateur-username.pdf", letter, "application/pdf")],
    )


@task()
def send_access_request_refused(access_request_id: int) -> None:
    access_request = AccessRequest.objects.select_related("prescriber").get(pk=access_request_id)
    prescriber = access_request.prescriber
    mail.send(
        "access_request_refused",
        to=prescriber.email,
        language=prescriber.language,
        context={
            "access_request": access_request,
            "link": mail.site_url(
                "accounts:access_request_detail", access_request.pk, language=prescriber.language
            ),
        },
    )


@task()
def send_password_reset(user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    if not user.is_active or user.email_verified_at is None:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    mail.send(
        "password_reset",
        to=user.email,
        language=user.language,
        context={
            "user": user,
            "link": mail.site_url("accounts:password_reset_confirm", uid, token, language=user.language),
        },
    )


@task()
def send_email_verification(user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=EMAIL_VERIFICATION_SALT)
    mail.send(
        "email_verification",
        to=user.email,
        language=user.language,
        context={"user": user, "link": mail.site_url("accounts:email_verify", token, language=user.language)},
    )


@task()
def send_delegation_invitation(delegation_id: int) -> None:
    delegation = Delegation.objects.select_related("collaborator", "prescriber").get(pk=delegation_id)
    collaborator = delegation.collaborator
    mail.send(
        "delegation_invitation",
        to=collaborator.email,
        language=collaborator.language,
        context={
            "delegation": delegation,
            "prescriber_name": delegation.prescriber.get_full_name() or delegation.prescriber.username,
            "link": mail.site_url("accounts:my_prescribers", language=collaborator.language),
        },
    )
