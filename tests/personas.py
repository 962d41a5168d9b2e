"""Personas, named after their roles, shared by every test of the project.

`collaborator` works for `prescriber`, and `other_collaborator` for `other_prescriber`, through an
accepted delegation with the consult permission. Régie staff get a verified second factor from
`client_for`, since they can open no page without one.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished

from pme.accounts.models import Role, User
from pme.accounts.tests.factories import (
    TEST_PASSWORD,
    DelegationFactory,
    PharmacistProfileFactory,
    PrescriberProfileFactory,
    UserFactory,
)


def _fail_on_task_error(sender: object, task_result: object, **kwargs: object) -> None:
    """The immediate task backend records a task's exception and carries on; a test must not."""
    if getattr(task_result, "status", None) == TaskResultStatus.FAILED:
        raise AssertionError(task_result.errors[-1].traceback)  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fast_hashing_and_files(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "private"
    # Tasks (e-mails) run at once, in the test's process, when the transaction commits.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    task_finished.connect(_fail_on_task_error)
    yield
    task_finished.disconnect(_fail_on_task_error)


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


@pytest.fixture
def prescriber(db) -> User:
    return PrescriberProfileFactory.create(user__username="presc.a", user__first_name="Marie").user


@pytest.fixture
def collaborator(db, prescriber) -> User:
    user = UserFactory.create(username="collab.a", role=Role.COLLABORATOR)
    DelegationFactory.create(collaborator=user, prescriber=prescriber)
    return user


@pytest.fixture
def other_prescriber(db) -> User:
    return PrescriberProfileFactory.create(user__username="presc.b", user__language="en").user


@pytest.fixture
def other_collaborator(db, other_prescriber) -> User:
    user = UserFactory.create(username="collab.b", role=Role.COLLABORATOR)
    DelegationFactory.create(collaborator=user, prescriber=other_prescriber)
    return user


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
        if user.is_regie_staff:
            verify_second_factor(client, user)
    return client


def verify_second_factor(client: Client, user: User) -> TOTPDevice:
    """Marks the client's session as having passed the second factor, with a confirmed TOTP device."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def bearer_client_for(user: User | None) -> Client:
    """A test client calling the API with a fresh personal token of `user` (none for anonymous).
    Régie staff get a confirmed second-factor device first: their tokens need one."""
    from pme.accounts.services.api_tokens import issue_api_token
    from pme.core.timeutils import now

    if user is None:
        return Client()
    if user.is_regie_staff and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    _token, secret = issue_api_token(user, name="tests", expires_at=now() + dt.timedelta(days=30), actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
