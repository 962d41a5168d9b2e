"""The accounts e-mails, as notices (pme.notices): queued in the transaction of the change that calls for
them, sent by the task worker with delivery records and retries, like every other notice.

Secrets (the one-time link token, the temporary password) are generated *inside* the renderer, at the
moment of sending, stored only as hashes, and exist in clear only in the e-mail: a notice keeps ids, never
a secret, because the notice and the task queue live in the database.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from pme.accounts import letters, mail
from pme.accounts.access import token_digest
from pme.accounts.models import AccessRequest, AccessRequestStatus, Delegation, User
from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.core.timeutils import now
from pme.notices.models import Notice
from pme.notices.registry import Message, register
from pme.notices.services import queue

LINK_LIFETIME = timedelta(days=7)
TEMPORARY_PASSWORD_LIFETIME = timedelta(days=14)
EMAIL_VERIFICATION_SALT = "pme.accounts.email-verification"
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from a letter without doubt

ACCESS_REQUEST_LINK = "accounts.access_request_link"
TEMPORARY_PASSWORD = "accounts.temporary_password"
USERNAME = "accounts.username"
ACCESS_REQUEST_REFUSED = "accounts.access_request_refused"
PASSWORD_RESET = "accounts.password_reset"
EMAIL_VERIFICATION = "accounts.email_verification"
DELEGATION_INVITATION = "accounts.delegation_invitation"


def new_temporary_password() -> str:
    """16 random characters (about 79 bits) in four groups, easy to type from a printed letter."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


# ---- Queueing: called by the services, in their transaction ------------------------------------------


def access_request_link(access_request: AccessRequest) -> None:
    queue(
        ACCESS_REQUEST_LINK,
        address=access_request.email,
        language=access_request.language,
        about=access_request,
    )


def temporary_password(user: User) -> None:
    queue(TEMPORARY_PASSWORD, recipient=user, about=user)


def username(user: User, *, prescriber: User) -> None:
    """The username of a new (or reset) account goes to the prescriber who vouched for the person."""
    queue(USERNAME, recipient=prescriber, about=user)


def access_request_refused(access_request: AccessRequest) -> None:
    queue(ACCESS_REQUEST_REFUSED, recipient=access_request.prescriber, about=access_request)


def password_reset(user: User) -> None:
    queue(PASSWORD_RESET, recipient=user, about=user)


def email_verification(user: User) -> None:
    queue(EMAIL_VERIFICATION, recipient=user, about=user)


def delegation_invitation(delegation: Delegation) -> None:
    queue(DELEGATION_INVITATION, recipient=delegation.collaborator, about=delegation)


# ---- Rendering: called by the task worker, in the notice's language ----------------------------------


def _render_access_request_link(notice: Notice) -> Message | None:
    """A fresh one-time link for the person's part of the form; any previous link stops working."""
    access_request = (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("prescriber")
        .get(pk=notice.object_id)
    )
    if access_request.status != AccessRequestStatus.AWAITING_USER:
        return None
    token = secrets.token_urlsafe(32)
    access_request.token_hash = token_digest(token)
    access_request.link_expires_at = now() + LINK_LIFETIME
    access_request.save(update_fields=["token_hash", "link_expires_at"])
    record(AuditCode.ACCESS_REQUEST_LINK_SENT, actor=None, target=access_request)
    prescriber = access_request.prescriber
    return mail.render(
        "access_request_link",
        language=notice.language,
        context={
            "access_request": access_request,
            "prescriber_name": prescriber.get_full_name() or prescriber.username,
            "link": mail.site_url("accounts:access_request_complete", token, language=notice.language),
            "expires_at": access_request.link_expires_at,
        },
    )


def _render_temporary_password(notice: Notice) -> Message | None:
    """Generates the temporary password, stores its hash and e-mails it, with its letter, to the person
    only. The username is never in this e-mail: it reaches the person through the prescriber."""
    user = User.objects.select_for_update().get(pk=notice.object_id)
    if not user.password_is_temporary or not user.is_active:
        return None
    password = new_temporary_password()
    user.set_password(password)
    user.temporary_password_expires_at = now() + TEMPORARY_PASSWORD_LIFETIME
    user.temporary_password_used_at = None
    user.save(update_fields=["password", "temporary_password_expires_at", "temporary_password_used_at"])
    record(AuditCode.TEMPORARY_PASSWORD_SENT, actor=None, target=user)
    expires_at = user.temporary_password_expires_at
    letter = letters.temporary_password_letter(
        person_name=user.get_full_name(), password=password, expires_at=expires_at
    )
    return mail.render(
        "temporary_password",
        language=notice.language,
        context={"user": user, "password": password, "expires_at": expires_at},
        attachments=[("pme-mot-de-passe-password.pdf", letter, "application/pdf")],
    )


def _render_username(notice: Notice) -> Message | None:
    user = User.objects.get(pk=notice.object_id)
    prescriber = notice.recipient
    assert prescriber is not None
    letter = letters.username_letter(
        person_name=user.get_full_name(),
        username=user.username,
        prescriber_name=prescriber.get_full_name() or prescriber.username,
        issued_at=now(),
    )
    record(AuditCode.USERNAME_SENT, actor=None, target=user, details={"to": prescriber.username})
    return mail.render(
        "username",
        language=notice.language,
        context={"user": user, "prescriber": prescriber},
        attachments=[("pme-nom-utilisateur-username.pdf", letter, "application/pdf")],
    )


def _render_access_request_refused(notice: Notice) -> Message | None:
    access_request = AccessRequest.objects.get(pk=notice.object_id)
    return mail.render(
        "access_request_refused",
        language=notice.language,
        context={
            "access_request": access_request,
            "link": mail.site_url(
                "accounts:access_request_detail", access_request.pk, language=notice.language
            ),
        },
    )


def _render_password_reset(notice: Notice) -> Message | None:
    user = User.objects.get(pk=notice.object_id)
    if not user.is_active or user.email_verified_at is None:
        return None
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return mail.render(
        "password_reset",
        language=notice.language,
        context={
            "user": user,
            "link": mail.site_url("accounts:password_reset_confirm", uid, token, language=notice.language),
        },
    )


def _render_email_verification(notice: Notice) -> Message | None:
    user = User.objects.get(pk=notice.object_id)
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=EMAIL_VERIFICATION_SALT)
    return mail.render(
        "email_verification",
        language=notice.language,
        context={
            "user": user,
            "link": mail.site_url("accounts:email_verify", token, language=notice.language),
        },
    )


def _render_delegation_invitation(notice: Notice) -> Message | None:
    delegation = Delegation.objects.select_related("prescriber").get(pk=notice.object_id)
    if delegation.removed_at is not None or delegation.declined_at is not None:
        return None  # withdrawn or declined before the e-mail left
    return mail.render(
        "delegation_invitation",
        language=notice.language,
        context={
            "delegation": delegation,
            "prescriber_name": delegation.prescriber.get_full_name() or delegation.prescriber.username,
            "link": mail.site_url("accounts:my_prescribers", language=notice.language),
        },
    )


def register_renderers() -> None:
    """From AccountsConfig.ready()."""
    register(ACCESS_REQUEST_LINK, _render_access_request_link)
    register(TEMPORARY_PASSWORD, _render_temporary_password)
    register(USERNAME, _render_username)
    register(ACCESS_REQUEST_REFUSED, _render_access_request_refused)
    register(PASSWORD_RESET, _render_password_reset)
    register(EMAIL_VERIFICATION, _render_email_verification)
    register(DELEGATION_INVITATION, _render_delegation_invitation)
