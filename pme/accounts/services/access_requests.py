"""Form 4313, step by step: the prescriber's part, the person's part, the Régie's decision."""

from __future__ import annotations

import secrets

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pme.accounts import notices
from pme.accounts.models import (
    AccessRequest,
    AccessRequestStatus,
    Delegation,
    Role,
    User,
)
from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.core.timeutils import local_today, now


class TransitionError(ValidationError):
    """The access request is not in a state that allows this step (shown to the user as is)."""


def new_username() -> str:
    """`CE` and 6 random digits, unused: drawn at random so that usernames say nothing of their order."""
    for _attempt in range(50):
        candidate = f"CE{secrets.randbelow(900_000) + 100_000}"
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
    raise RuntimeError("no free CE username after 50 draws")  # 900,000 names: only if nearly all taken


@transaction.atomic
def create_access_request(
    *,
    actor: User,
    first_name: str,
    last_name: str,
    email: str,
    language: str,
    staff_kind: str,
    clinic: str,
    permission: str,
    attests_direction: bool,
    attests_no_sharing: bool,
) -> AccessRequest:
    """The prescriber's *Autorisation* part. The person then gets a one-time link by e-mail."""
    if actor.role != Role.PRESCRIBER or not actor.is_active:
        raise ValidationError(_("Only a prescriber can ask for access for a person."))
    if email.strip().lower() == (actor.email or "").strip().lower():
        raise ValidationError(
            {"email": _("Give the person's own e-mail address: it must differ from yours.")}
        )
    if not (attests_direction and attests_no_sharing):
        raise ValidationError(_("Both attestations are required."))
    access_request = AccessRequest.objects.create(
        prescriber=actor,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        language=language,
        staff_kind=staff_kind,
        clinic=clinic.strip(),
        permission=permission,
        attested_at=now(),
        user_first_name=first_name.strip(),
        user_last_name=last_name.strip(),
    )
    record(
        AuditCode.ACCESS_REQUEST_CREATED,
        actor=actor,
        target=access_request,
        details={"permission": permission, "staff_kind": staff_kind},
    )
    notices.access_request_link(access_request)
    return access_request


@transaction.atomic
def resend_access_request_link(access_request: AccessRequest, *, actor: User) -> None:
    if access_request.status != AccessRequestStatus.AWAITING_USER:
        raise TransitionError(_("This request no longer waits for the person's part."))
    record(AuditCode.ACCESS_REQUEST_LINK_REQUESTED, actor=actor, target=access_request)
    notices.access_request_link(access_request)


@transaction.atomic
def complete_access_request(
    access_request: AccessRequest,
    *,
    first_name: str,
    last_name: str,
    job_title: str,
    accepts_commitment: bool,
) -> AccessRequest:
    """The person's *Utilisateur* part, through the one-time link: the link stops working at once."""
    locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if not locked.link_is_open(now()):
        raise TransitionError(_("This link has expired or has already been used."))
    if not accepts_commitment:
        raise ValidationError({"accepts_commitment": _("You must accept the confidentiality commitment.")})
    locked.user_first_name = first_name.strip()
    locked.user_last_name = last_name.strip()
    locked.user_job_title = job_title.strip()
    locked.commitment_accepted_at = now()
    locked.status = AccessRequestStatus.SUBMITTED
    locked.completed_at = now()
    locked.token_hash = ""
    locked.save()
    record(AuditCode.ACCESS_REQUEST_COMPLETED, actor=None, target=locked)
    return locked


@transaction.atomic
def cancel_access_request(access_request: AccessRequest, *, actor: User) -> AccessRequest:
    locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if not locked.is_pending:
        raise TransitionError(_("Only a pending request can be cancelled."))
    locked.status = AccessRequestStatus.CANCELLED
    locked.cancelled_at = now()
    locked.token_hash = ""
    locked.save(update_fields=["status", "cancelled_at", "token_hash"])
    record(AuditCode.ACCESS_REQUEST_CANCELLED, actor=actor, target=locked)
    return locked


@transaction.atomic
def approve_access_request(access_request: AccessRequest, *, actor: User) -> User:
    """Creates the account (CE + 6 random digits), the delegation, and sends the credentials split:
    the username to the prescriber, the temporary password to the person."""
    if actor.role != Role.ACCESS_ADMIN:
        raise ValidationError(_("Only an access administrator can decide on an access request."))
    locked = AccessRequest.objects.select_for_update().select_related("prescriber").get(pk=access_request.pk)
    if locked.status != AccessRequestStatus.SUBMITTED:
        raise TransitionError(_("This request is not waiting for a decision."))
    moment = now()
    account = User.objects.create(
        username=new_username(),
        role=Role.COLLABORATOR,
        first_name=locked.user_first_name or locked.first_name,
        last_name=locked.user_last_name or locked.last_name,
        email=locked.email,
        language=locked.language,
        # The person proved they read this address by following the one-time link.
        email_verified_at=locked.completed_at,
        password=make_password(None),  # unusable until the task sets the temporary password
        password_is_temporary=True,
    )
    delegation = Delegation.objects.create(
        collaborator=account,
        prescriber=locked.prescriber,
        permission=locked.permission,
        starts_on=local_today(),
        accepted_at=locked.commitment_accepted_at or moment,
        access_request=locked,
    )
    locked.status = AccessRequestStatus.APPROVED
    locked.decided_at = moment
    locked.decided_by = actor
    locked.account = account
    locked.save(update_fields=["status", "decided_at", "decided_by", "account"])
    record(
        AuditCode.ACCESS_REQUEST_APPROVED, actor=actor, target=locked, details={"account": account.username}
    )
    record(AuditCode.USER_CREATED, actor=actor, target=account, details={"role": Role.COLLABORATOR})
    record(
        AuditCode.DELEGATION_CREATED,
        actor=actor,
        target=delegation,
        on_behalf_of=locked.prescriber,
        details={"permission": delegation.permission},
    )
    notices.username(account, prescriber=locked.prescriber)
    notices.temporary_password(account)
    return account


@transaction.atomic
def refuse_access_request(access_request: AccessRequest, *, actor: User, reason: str) -> AccessRequest:
    if actor.role != Role.ACCESS_ADMIN:
        raise ValidationError(_("Only an access administrator can decide on an access request."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the refusal: the prescriber will read it.")})
    locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if locked.status != AccessRequestStatus.SUBMITTED:
        raise TransitionError(_("This request is not waiting for a decision."))
    locked.status = AccessRequestStatus.REFUSED
    locked.decided_at = now()
    locked.decided_by = actor
    locked.refusal_reason = reason.strip()
    locked.save(update_fields=["status", "decided_at", "decided_by", "refusal_reason"])
    record(AuditCode.ACCESS_REQUEST_REFUSED, actor=actor, target=locked)
    notices.access_request_refused(locked)
    return locked
