"""Links between collaborators and prescribers: invite, accept, decline, remove."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pme.accounts import notices
from pme.accounts.models import Delegation, Role, User
from pme.accounts.services.access_requests import TransitionError
from pme.audit.codes import AuditCode
from pme.audit.services import record
from pme.core.timeutils import local_today, now


@transaction.atomic
def invite_collaborator(
    *,
    actor: User,
    username: str,
    permission: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Delegation:
    """A prescriber asks an existing collaborator account to work for them; the collaborator accepts."""
    if actor.role != Role.PRESCRIBER:
        raise ValidationError(_("Only a prescriber can add an assistant."))
    collaborator = User.objects.filter(
        username__iexact=username.strip(), role=Role.COLLABORATOR, is_active=True
    ).first()
    if collaborator is None:
        raise ValidationError({"username": _("No active assistant account has this username.")})
    starts_on = starts_on or local_today()
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date must be on or after the start date.")})
    if Delegation.objects.filter(
        collaborator=collaborator, prescriber=actor, removed_at__isnull=True, declined_at__isnull=True
    ).exists():
        raise ValidationError({"username": _("This assistant already works for you or has an invitation.")})
    delegation = Delegation.objects.create(
        collaborator=collaborator,
        prescriber=actor,
        permission=permission,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    record(AuditCode.DELEGATION_INVITED, actor=actor, target=delegation, details={"permission": permission})
    notices.delegation_invitation(delegation)
    return delegation


@transaction.atomic
def accept_delegation(delegation: Delegation, *, actor: User) -> Delegation:
    locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if locked.collaborator_id != actor.pk or not locked.is_pending:
        raise TransitionError(_("This invitation is no longer open."))
    locked.accepted_at = now()
    locked.save(update_fields=["accepted_at"])
    record(AuditCode.DELEGATION_ACCEPTED, actor=actor, target=locked, on_behalf_of=locked.prescriber)
    return locked


@transaction.atomic
def decline_delegation(delegation: Delegation, *, actor: User) -> Delegation:
    locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if locked.collaborator_id != actor.pk or not locked.is_pending:
        raise TransitionError(_("This invitation is no longer open."))
    locked.declined_at = now()
    locked.save(update_fields=["declined_at"])
    record(AuditCode.DELEGATION_DECLINED, actor=actor, target=locked, on_behalf_of=locked.prescriber)
    return locked


@transaction.atomic
def remove_delegation(delegation: Delegation, *, actor: User) -> Delegation:
    """Effective at once: every read of the collaborator goes through `selectors.prescribers_for`."""
    locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if locked.prescriber_id != actor.pk or locked.removed_at is not None:
        raise TransitionError(_("This assistant no longer works for you."))
    locked.removed_at = now()
    locked.removed_by = actor
    locked.save(update_fields=["removed_at", "removed_by"])
    record(
        AuditCode.DELEGATION_REMOVED,
        actor=actor,
        target=locked,
        details={"collaborator": locked.collaborator_id},
    )
    return locked
