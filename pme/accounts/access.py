"""The only way views fetch protected account objects.

Every function returns the object or raises Http404, for unknown and forbidden ids alike, so that ids
cannot be probed (a collaborator of prescriber A learns nothing about prescriber B).
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.http import Http404

from pme.accounts.models import AccessRequest, ApiToken, Delegation, Role, User


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def require_role(user: User, *roles: str) -> None:
    """Pages of one role: 403 for the others (the page itself exists for everyone)."""
    if not user.is_authenticated or user.role not in roles:
        raise PermissionDenied


def get_access_request_of_prescriber(user: User, pk: int) -> AccessRequest:
    if user.role != Role.PRESCRIBER:
        raise Http404
    found = AccessRequest.objects.filter(pk=pk, prescriber=user).select_related("account").first()
    if found is None:
        raise Http404
    return found


def get_access_request_for_admin(user: User, pk: int) -> AccessRequest:
    if user.role != Role.ACCESS_ADMIN:
        raise Http404
    found = AccessRequest.objects.filter(pk=pk).select_related("prescriber", "account").first()
    if found is None:
        raise Http404
    return found


def get_access_request_letter(user: User, pk: int) -> AccessRequest:
    """The username letter: for the prescriber who made the request, and for access administrators."""
    if user.role == Role.ACCESS_ADMIN:
        return get_access_request_for_admin(user, pk)
    return get_access_request_of_prescriber(user, pk)


def get_access_request_by_token(token: str) -> AccessRequest:
    """The person's part of the form, reached only through the link e-mailed to them."""
    if not token or len(token) > 100:
        raise Http404
    found = AccessRequest.objects.filter(token_hash=token_digest(token)).first()
    if found is None:
        raise Http404
    return found


def get_delegation_of_prescriber(user: User, pk: int) -> Delegation:
    if user.role != Role.PRESCRIBER:
        raise Http404
    found = (
        Delegation.objects.filter(pk=pk, prescriber=user, removed_at__isnull=True, declined_at__isnull=True)
        .select_related("collaborator")
        .first()
    )
    if found is None:
        raise Http404
    return found


def get_invitation_of_collaborator(user: User, pk: int) -> Delegation:
    """A pending link offered to this collaborator."""
    if user.role != Role.COLLABORATOR:
        raise Http404
    found = (
        Delegation.objects.filter(
            pk=pk,
            collaborator=user,
            accepted_at__isnull=True,
            declined_at__isnull=True,
            removed_at__isnull=True,
        )
        .select_related("prescriber")
        .first()
    )
    if found is None:
        raise Http404
    return found


def get_account_for_admin(user: User, pk: int) -> User:
    if user.role != Role.ACCESS_ADMIN:
        raise Http404
    found = User.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def get_own_api_token(user: User, pk: int) -> ApiToken:
    """A token of `user`; someone else's token is a 404, as an unknown one."""
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise Http404
    return token


def user_for_password_reset(pk: int) -> User | None:
    """The account a reset link may name: active, with a verified e-mail (else None, as unknown)."""
    return User.objects.filter(pk=pk, is_active=True, email_verified_at__isnull=False).first()


def user_by_pk(pk: int) -> User | None:
    return User.objects.filter(pk=pk).first()
