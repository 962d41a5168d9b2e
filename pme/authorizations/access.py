"""The only door to payment authorization requests from views and the API.

`get_request_for_user` answers 404 for an unknown id and for a request the user may not see alike, so
that ids cannot be probed. Every successful read is audited by the caller through `record_view`.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pme.accounts.models import Role, User
from pme.authorizations.lifecycle import Status
from pme.authorizations.models import Attachment, AuthorizationRequest


def requests_visible_to(user: User) -> QuerySet[AuthorizationRequest]:
    """Prescriber: their own. Collaborator: those of the prescribers they work for today (drafts too, as
    they prepare them). Reviewer: every request sent. Everyone else: none (pharmacists use the status
    look-up, which shows status fields only)."""
    from pme.accounts.selectors import prescribers_for

    requests = AuthorizationRequest.objects.all()
    if not user.is_authenticated or not user.is_active:
        return requests.none()
    if user.role == Role.PRESCRIBER:
        return requests.filter(prescriber=user)
    if user.role == Role.COLLABORATOR:
        return requests.filter(prescriber__in=prescribers_for(user))
    if user.role == Role.REVIEWER:
        return requests.exclude(status=Status.DRAFT)
    return requests.none()


def get_request_for_user(user: User, pk: int) -> AuthorizationRequest:
    try:
        return (
            requests_visible_to(user)
            .select_related("prescriber", "entered_by", "drug", "indication", "indication__exception_code")
            .get(pk=pk)
        )
    except (AuthorizationRequest.DoesNotExist, ValueError):
        raise Http404 from None


def get_attachment_for_user(user: User, pk: int) -> Attachment:
    try:
        return Attachment.objects.select_related("auth_request").get(
            pk=pk, auth_request__in=requests_visible_to(user)
        )
    except (Attachment.DoesNotExist, ValueError):
        raise Http404 from None


def may_edit_draft(user: User, auth_request: AuthorizationRequest) -> bool:
    from pme.accounts.selectors import can_draft_for

    if auth_request.status != Status.DRAFT:
        return False
    if user.pk == auth_request.prescriber_id:
        return True
    return user.role == Role.COLLABORATOR and can_draft_for(user, auth_request.prescriber)


def acts_as_prescriber(user: User, auth_request: AuthorizationRequest) -> bool:
    """Transmit, withdraw, answer, ask a review, renew: the prescriber's own acts."""
    return user.role == Role.PRESCRIBER and user.pk == auth_request.prescriber_id


def prescribers_user_can_draft_for(user: User) -> list[User]:
    from pme.accounts.selectors import can_draft_for, prescribers_for

    if user.role == Role.PRESCRIBER:
        return [user]
    if user.role == Role.COLLABORATOR:
        return [p for p in prescribers_for(user) if can_draft_for(user, p)]
    return []


def may_write_for(user: User, prescriber: User) -> bool:
    """Drafting and renewing for `prescriber`: the prescriber, or a collaborator with the draft permission."""
    from pme.accounts.selectors import can_draft_for

    if user.role == Role.PRESCRIBER:
        return user.pk == prescriber.pk
    return user.role == Role.COLLABORATOR and can_draft_for(user, prescriber)
