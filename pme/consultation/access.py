"""Who may use the look-ups. Both are role pages: other roles get 403 (the page exists for everyone).

What a look-up may *show* is decided in selectors.py, which starts from the authorizations app's doors
(`requests_visible_to` for the panorama, `requests_for_insured` for the pharmacist's status fields).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from pme.accounts.models import Role, User
from pme.accounts.selectors import prescribers_for

PANORAMA_ROLES = frozenset({Role.PRESCRIBER, Role.COLLABORATOR})


def require_panorama_user(user: User) -> None:
    if not user.is_authenticated or user.role not in PANORAMA_ROLES:
        raise PermissionDenied


def require_pharmacist(user: User) -> None:
    if not user.is_authenticated or user.role != Role.PHARMACIST:
        raise PermissionDenied


def panorama_prescribers(user: User) -> list[User]:
    """The prescribers whose requests the user follows today: a prescriber, themself; a collaborator, those
    with a delegation active today (read on every look-up, so a removal takes effect at once)."""
    if user.role == Role.PRESCRIBER and user.is_active:
        return [user]
    if user.role == Role.COLLABORATOR:
        return list(prescribers_for(user))
    return []
