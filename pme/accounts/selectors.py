"""Reads on accounts, delegations and access requests.

`prescribers_for` and `can_draft_for` / `can_consult_for` are the one answer to "for whom may this
collaborator work today"; later apps (panorama, drafts) call them on every request, so a removal by the
prescriber takes effect on the collaborator's next page load.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from pme.accounts.models import (
    AccessRequest,
    AccessRequestStatus,
    ApiToken,
    Delegation,
    DelegationPermission,
    Role,
    User,
)
from pme.core.prepared import Prepared, stand_in
from pme.core.timeutils import local_today


def _active_on(day: date) -> Q:
    return Q(
        accepted_at__isnull=False, removed_at__isnull=True, declined_at__isnull=True, starts_on__lte=day
    ) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def active_delegations(*, on: date | None = None) -> QuerySet[Delegation]:
    return Delegation.objects.filter(_active_on(on or local_today()))


def prescribers_for(collaborator: User, *, on: date | None = None) -> QuerySet[User]:
    """The active prescribers `collaborator` works for on `on` (default: today, Montréal time).

    Empty for anyone who is not an active collaborator: a collaborator with no active link sees nothing.
    """
    if not collaborator.is_active or collaborator.role != Role.COLLABORATOR:
        return User.objects.none()
    ids = active_delegations(on=on).filter(collaborator=collaborator).values("prescriber_id")
    return User.objects.filter(pk__in=ids, is_active=True, role=Role.PRESCRIBER).order_by(
        "last_name", "first_name", "pk"
    )


def _prescribers_of(shape: tuple[bool], collaborator: int) -> QuerySet[User]:
    (active,) = shape
    return prescribers_for(stand_in(User, collaborator, role=Role.COLLABORATOR, is_active=active))  # type: ignore[arg-type]


PRESCRIBERS_TODAY = Prepared("prescribers_for", _prescribers_of)


def prescribers_list(collaborator: User) -> list[User]:
    """`prescribers_for(collaborator)` today, as a list, from its prepared form (pme/core/prepared.py)."""
    if not collaborator.is_active or collaborator.role != Role.COLLABORATOR:
        return []
    return PRESCRIBERS_TODAY.run((True,), collaborator=collaborator.pk)


def delegation_between(collaborator: User, prescriber: User, *, on: date | None = None) -> Delegation | None:
    if collaborator.role != Role.COLLABORATOR or not (collaborator.is_active and prescriber.is_active):
        return None
    return active_delegations(on=on).filter(collaborator=collaborator, prescriber=prescriber).first()


def can_consult_for(collaborator: User, prescriber: User, *, on: date | None = None) -> bool:
    """True when `collaborator` may view `prescriber`'s requests today (either permission)."""
    return delegation_between(collaborator, prescriber, on=on) is not None


def can_draft_for(collaborator: User, prescriber: User, *, on: date | None = None) -> bool:
    """True when `collaborator` may also draft requests for `prescriber` today."""
    delegation = delegation_between(collaborator, prescriber, on=on)
    return delegation is not None and delegation.permission == DelegationPermission.CONSULT_DRAFT


def delegations_of_prescriber(prescriber: User) -> QuerySet[Delegation]:
    """Current and pending links of a prescriber (removed and declined ones excluded)."""
    return (
        Delegation.objects.filter(prescriber=prescriber, removed_at__isnull=True, declined_at__isnull=True)
        .select_related("collaborator")
        .order_by("collaborator__last_name", "collaborator__first_name", "pk")
    )


def delegations_of_collaborator(collaborator: User) -> QuerySet[Delegation]:
    return (
        Delegation.objects.filter(
            collaborator=collaborator, removed_at__isnull=True, declined_at__isnull=True
        )
        .select_related("prescriber")
        .order_by("prescriber__last_name", "prescriber__first_name", "pk")
    )


def access_requests_of_prescriber(prescriber: User) -> QuerySet[AccessRequest]:
    return AccessRequest.objects.filter(prescriber=prescriber).select_related("account")


def access_request_queue() -> QuerySet[AccessRequest]:
    """Complete requests waiting for the Régie, oldest first (first received, first processed)."""
    return (
        AccessRequest.objects.filter(status=AccessRequestStatus.SUBMITTED)
        .select_related("prescriber")
        .order_by("completed_at", "pk")
    )


def oldest_waiting_date() -> date | None:
    """The reception date of the request being processed now: "requests received on <date>"."""
    first = access_request_queue().first()
    if first is None or first.completed_at is None:
        return None
    from pme.core.timeutils import REGIE_TZ

    return first.completed_at.astimezone(REGIE_TZ).date()


def find_accounts(query: str) -> QuerySet[User]:
    query = query.strip()
    if not query:
        return User.objects.none()
    return User.objects.filter(
        Q(username__iexact=query) | Q(last_name__iexact=query) | Q(email__iexact=query)
    ).order_by("username")[:50]


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def delegation_history_of(account: User) -> QuerySet[Delegation]:
    """Every delegation of a collaborator, ended ones included (the access administrators' view)."""
    return Delegation.objects.filter(collaborator=account).select_related("prescriber")
