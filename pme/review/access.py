"""The doors of the review. Review pages are a role area: any other role gets 403 (the page exists but
is not theirs), and an unknown request 404. Decision letters are objects of the request: whoever may see
the request (its prescriber, their collaborators, reviewers) may download them; anyone else gets 404,
exactly as for an unknown id, so that ids cannot be probed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from pme.accounts.models import Role, User
from pme.authorizations.access import get_request_for_user, requests_visible_to
from pme.authorizations.models import AuthorizationRequest
from pme.review.models import Decision, DecisionKind


def check_reviewer(user: User) -> None:
    if user.role != Role.REVIEWER:
        raise PermissionDenied


def get_request_for_review(user: User, pk: int) -> AuthorizationRequest:
    check_reviewer(user)
    return get_request_for_user(user, pk)


def get_letter_decision(user: User, pk: int) -> Decision:
    try:
        return Decision.objects.select_related(
            "auth_request", "auth_request__prescriber", "auth_request__indication", "auth_request__drug"
        ).get(
            pk=pk,
            kind__in=(DecisionKind.ACCEPTED, DecisionKind.REFUSED),
            auth_request__in=requests_visible_to(user),
        )
    except (Decision.DoesNotExist, ValueError):
        raise Http404 from None
