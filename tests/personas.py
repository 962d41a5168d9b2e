"""Personas, named after their roles, shared by every test of the project.

Later capabilities link them (the collaborator to the prescriber through a delegation, ...) in their own
fixtures; the names here stay the vocabulary of the scenarios.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from pme.accounts.models import Role, User
from pme.accounts.tests.factories import (
    TEST_PASSWORD,
    PharmacistProfileFactory,
    PrescriberProfileFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fast_hashing_and_files(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


@pytest.fixture
def prescriber(db) -> User:
    return PrescriberProfileFactory.create(user__username="presc.a", user__first_name="Marie").user


@pytest.fixture
def collaborator(db) -> User:
    return UserFactory.create(username="collab.a", role=Role.COLLABORATOR)


@pytest.fixture
def other_prescriber(db) -> User:
    return PrescriberProfileFactory.create(user__username="presc.b", user__language="en").user


@pytest.fixture
def other_collaborator(db) -> User:
    return UserFactory.create(username="collab.b", role=Role.COLLABORATOR)


@pytest.fixture
def pharmacist(db) -> User:
    return PharmacistProfileFactory.create(user__username="pharm").user


@pytest.fixture
def reviewer(db) -> User:
    return UserFactory.create(username="CE200001", role=Role.REVIEWER)


@pytest.fixture
def access_admin(db) -> User:
    return UserFactory.create(username="CE200002", role=Role.ACCESS_ADMIN)


@pytest.fixture
def privacy_officer(db) -> User:
    return UserFactory.create(username="CE200003", role=Role.PRIVACY_OFFICER)


PERSONAS = (
    "anonymous",
    "prescriber",
    "collaborator",
    "other_prescriber",
    "other_collaborator",
    "pharmacist",
    "reviewer",
    "access_admin",
    "privacy_officer",
)


@pytest.fixture
def personas(request) -> SimpleNamespace:
    return SimpleNamespace(
        **{name: request.getfixturevalue(name) for name in PERSONAS if name != "anonymous"}
    )


def client_for(user: User | None) -> Client:
    """A test client logged in as `user` (anonymous for None), with a second factor where staff need one."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
