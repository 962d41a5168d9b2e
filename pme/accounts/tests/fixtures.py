"""Account objects the permission matrix and the accounts tests point at (loaded as a pytest plugin by
the root conftest, so `tests/test_permission_matrix.py` sees them too)."""

from __future__ import annotations

import pytest

from pme.accounts.models import AccessRequest, AccessRequestStatus, Delegation, User
from pme.accounts.tests.factories import AccessRequestFactory, DelegationFactory


@pytest.fixture
def access_request_awaiting(prescriber: User) -> AccessRequest:
    """Made by `prescriber`; the person has not filled their part yet."""
    return AccessRequestFactory.create(
        prescriber=prescriber,
        status=AccessRequestStatus.AWAITING_USER,
        completed_at=None,
        commitment_accepted_at=None,
    )


@pytest.fixture
def access_request_submitted(prescriber: User) -> AccessRequest:
    """Made by `prescriber`, completed by the person: in the Régie's queue."""
    return AccessRequestFactory.create(prescriber=prescriber)


@pytest.fixture
def access_request_approved(prescriber: User, collaborator: User) -> AccessRequest:
    return AccessRequestFactory.create(
        prescriber=prescriber, status=AccessRequestStatus.APPROVED, account=collaborator
    )


@pytest.fixture
def collaborator_delegation(collaborator: User, prescriber: User) -> Delegation:
    """The link that makes `collaborator` work for `prescriber` (made by the persona fixture)."""
    return Delegation.objects.get(collaborator=collaborator, prescriber=prescriber)


@pytest.fixture
def invitation(collaborator: User, other_prescriber: User) -> Delegation:
    """`other_prescriber` invites `collaborator`; not answered yet."""
    return DelegationFactory.create(collaborator=collaborator, prescriber=other_prescriber, accepted_at=None)


@pytest.fixture
def prescriber_api_token(prescriber):
    import datetime as dt

    from pme.accounts.services.api_tokens import issue_api_token
    from pme.core.timeutils import now

    token, _secret = issue_api_token(
        prescriber, name="EMR", expires_at=now() + dt.timedelta(days=30), actor=prescriber
    )
    return token


def _reload_urls() -> None:
    import importlib

    from django.urls import clear_url_caches

    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def admin_on(settings):
    """The Django admin switched on (PME_ADMIN_ENABLED=1) for one test: its URLs exist only then."""
    settings.PME_ADMIN_ENABLED = True
    _reload_urls()
    yield
    settings.PME_ADMIN_ENABLED = False
    _reload_urls()
