"""Who may see which payment authorization requests: the one rule, for every path.

Pages, the JSON API, FHIR, attachments, letters and exports all fetch requests through
`requests_visible_to` (whole requests) or `status_lines_visible_to` (the pharmacist's status fields), so
the rule of the data holds whatever door a reader comes through. `RULES` declares it; docs/access.md shows
the same table, and `pme/authorizations/tests/test_access_rule.py` fails when the two differ.

Windows are in the Régie's time zone and inclusive, as in the panorama: "sent in the last 90 days" starts
at midnight, Montréal time, 90 calendar days ago (`core.timeutils.window_start`).

This module decides; it does not audit. The doors (`reads.py`, `services.py`) call it and record the
read, or the refusal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet

from pme.accounts.models import Role, User
from pme.authorizations.lifecycle import Status
from pme.authorizations.models import AuthorizationRequest
from pme.core.prepared import stand_in
from pme.core.timeutils import add_months, local_today, start_of_local_day, window_start

# The seed notice's window for assistants (and the panorama's for everyone): requests sent in the last
# 90 days. The pharmacist's: requests valid today or sent in the last 12 months.
RECENT_DAYS = 90
STATUS_MONTHS = 12


def actor_shape(user: User) -> tuple[str, bool]:
    """What of a user changes the SQL of the access rules below: the role and whether the account is
    active. A prepared query (pme/core/prepared.py) is compiled once per shape, then run for any user."""
    return (user.role, user.is_active)


def shaped_actor(shape: tuple[Any, ...], pk: int) -> User:
    """The stand-in user a prepared query is compiled with: the shape's role and state (its first two
    items, as `actor_shape` gives them), and `pk`, the only value of the user that reaches the SQL."""
    return stand_in(User, pk, role=shape[0], is_active=shape[1])  # type: ignore[return-value]


class Whose(StrEnum):
    OWN = "own"  # the requests the user prescribes
    DELEGATING = "delegating"  # the prescribers the user works for, delegation active today
    ANY = "any"  # every prescriber's
    NONE = "none"


class Drafts(StrEnum):
    OWN = "own"  # drafts of their own requests, whoever entered them
    ENTERED = "entered"  # drafts the user entered, for a prescriber they work for today
    NONE = "none"


class Fields(StrEnum):
    WHOLE = "whole"  # the request with its clinical content, attachments, letters
    STATUS = "status"  # status, drug, dates, authorized period and quantity, prescriber's name
    NONE = "none"


@dataclass(frozen=True)
class Visibility:
    whose: Whose
    fields: Fields
    sent_within_days: int | None = None  # None: any age
    sent_within_months: int | None = None
    or_valid_today: bool = False  # also accepted requests whose authorization has not ended
    drafts: Drafts = Drafts.NONE


NOTHING = Visibility(Whose.NONE, Fields.NONE)

RULES: dict[str, Visibility] = {
    Role.PRESCRIBER: Visibility(Whose.OWN, Fields.WHOLE, drafts=Drafts.OWN),
    Role.COLLABORATOR: Visibility(
        Whose.DELEGATING, Fields.WHOLE, sent_within_days=RECENT_DAYS, drafts=Drafts.ENTERED
    ),
    Role.REVIEWER: Visibility(Whose.ANY, Fields.WHOLE),
    Role.PHARMACIST: Visibility(
        Whose.ANY, Fields.STATUS, sent_within_months=STATUS_MONTHS, or_valid_today=True
    ),
    Role.ACCESS_ADMIN: NOTHING,
    Role.PRIVACY_OFFICER: NOTHING,
}


def rule_for(user: User) -> Visibility:
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    return RULES.get(user.role, NOTHING)


def recent_start() -> dt.datetime:
    """Midnight, Montréal time, RECENT_DAYS calendar days ago: the first instant of the 90-day window."""
    return window_start(RECENT_DAYS)


def status_window_start() -> dt.datetime:
    return start_of_local_day(add_months(local_today(), -STATUS_MONTHS))


def _sent_condition(rule: Visibility) -> Q:
    sent = ~Q(status=Status.DRAFT)
    if rule.sent_within_days is not None:
        window = Q(submitted_at__gte=window_start(rule.sent_within_days))
    elif rule.sent_within_months is not None:
        since = start_of_local_day(add_months(local_today(), -rule.sent_within_months))
        window = Q(submitted_at__gte=since)
    else:
        return sent
    if rule.or_valid_today:
        window |= Q(status=Status.ACCEPTED, authorized_end__gte=local_today())
    return sent & window


def _visible(user: User, rule: Visibility, fields: Fields) -> QuerySet[AuthorizationRequest]:
    from pme.accounts.selectors import prescribers_for

    requests = AuthorizationRequest.objects.all()
    if rule.fields != fields or rule.whose == Whose.NONE:
        return requests.none()
    condition = _sent_condition(rule)
    if rule.drafts == Drafts.OWN:
        condition |= Q(status=Status.DRAFT)
    elif rule.drafts == Drafts.ENTERED:
        condition |= Q(status=Status.DRAFT, entered_by=user)
    if rule.whose == Whose.OWN:
        return requests.filter(condition, prescriber=user)
    if rule.whose == Whose.DELEGATING:
        return requests.filter(condition, prescriber__in=prescribers_for(user))
    return requests.filter(condition)


def requests_visible_to(user: User) -> QuerySet[AuthorizationRequest]:
    """The whole requests `user` may open (clinical content, attachments, letters), by RULES."""
    return _visible(user, rule_for(user), Fields.WHOLE)


def status_lines_visible_to(user: User) -> QuerySet[AuthorizationRequest]:
    """The requests whose status fields `user` may read (the pharmacist's look-up), by RULES. Callers
    read them with `.values(...)` of the status fields only."""
    return _visible(user, rule_for(user), Fields.STATUS)


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


def prescribers_user_follows(user: User) -> list[User]:
    """The prescribers whose requests the user follows today: a prescriber, themself; a collaborator,
    those with a delegation active today (read on every call, so a removal takes effect at once)."""
    from pme.accounts.selectors import prescribers_list

    if user.role == Role.PRESCRIBER and user.is_active:
        return [user]
    if user.role == Role.COLLABORATOR:
        return prescribers_list(user)
    return []


def may_write_for(user: User, prescriber: User) -> bool:
    """Drafting and renewing for `prescriber`: the prescriber, or a collaborator with the draft permission."""
    from pme.accounts.selectors import can_draft_for

    if user.role == Role.PRESCRIBER:
        return user.pk == prescriber.pk
    return user.role == Role.COLLABORATOR and can_draft_for(user, prescriber)
