"""Temporary passwords, password rules, sessions, deactivation and password reset, through HTTP."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from pme.accounts.models import Role, User
from pme.accounts.services import security
from pme.accounts.tests.factories import AccessRequestFactory, UserFactory
from pme.audit.models import AuditEvent
from tests.personas import client_for

LOGIN = "/fr/accounts/login/"
NEW_PASSWORD = "une longue phrase de passe à moi"


def log_in(client: Client, username: str, password: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.fixture
def newcomer(db) -> tuple[User, str]:
    """An account with a temporary password, as an approval makes it (password set by the task)."""
    user = UserFactory.create(username="CE482913", role=Role.COLLABORATOR, password_is_temporary=True)
    user.set_password("tmp-pass-word-1234")
    user.temporary_password_expires_at = timezone.now() + timedelta(days=14)
    user.save()
    return user, "tmp-pass-word-1234"


# Temporary passwords ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_temporary_password_allows_nothing_but_choosing_a_new_one(newcomer):
    user, temporary = newcomer
    client = Client()
    response = log_in(client, user.username, temporary)
    assert response["Location"] == "/fr/accounts/password/"
    for path in ("/fr/", "/fr/accounts/prescribers/", "/fr/accounts/security/"):
        assert client.get(path)["Location"] == "/fr/accounts/password/", path
    assert client.get("/fr/help/").status_code == 200
    page = client.get("/fr/accounts/password/").content.decode()
    assert "Mot de passe actuel" not in page  # the temporary password was just proven
    response = client.post(
        "/fr/accounts/password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == "/fr/"
    assert client.get("/fr/").status_code == 200
    user.refresh_from_db()
    assert not user.password_is_temporary
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(temporary)
    assert AuditEvent.objects.filter(action="account.password_changed", actor=user).exists()


@pytest.mark.django_db
def test_the_new_password_must_differ_from_the_temporary_one(newcomer):
    user, _temporary = newcomer
    user.set_password("le mot de passe temporaire")
    user.save()
    client = Client()
    log_in(client, user.username, "le mot de passe temporaire")
    response = client.post(
        "/fr/accounts/password/",
        {"new_password1": "le mot de passe temporaire", "new_password2": "le mot de passe temporaire"},
    )
    assert response.status_code == 200
    assert "différent du mot de passe temporaire" in response.content.decode()


@pytest.mark.django_db
def test_a_temporary_password_works_for_one_login_only(newcomer):
    user, temporary = newcomer
    first = Client()
    assert log_in(first, user.username, temporary)["Location"] == "/fr/accounts/password/"
    first.post("/fr/accounts/logout/")
    response = log_in(Client(), user.username, temporary)
    assert response.status_code == 200
    assert "déjà été utilisé" in response.content.decode()


@pytest.mark.django_db
def test_an_expired_temporary_password_fails(newcomer):
    user, temporary = newcomer
    with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)):
        client = Client()
        response = log_in(client, user.username, temporary)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "est expiré" in response.content.decode()


# Password rules (NIST SP 800-63B) ----------------------------------------------------------------


def test_production_hashes_with_argon2():
    from config import settings as project_settings  # the tests themselves use a fast hasher

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.django_db
def test_a_long_password_is_not_truncated(prescriber):
    long_password = "a" * 100 + "bcdefghijklmnopqrstuvwxyz0"
    prescriber.set_password(long_password)
    prescriber.save()
    assert log_in(Client(), prescriber.username, long_password[:-1]).status_code == 200
    assert log_in(Client(), prescriber.username, long_password).status_code == 302


@pytest.mark.django_db
def test_changing_the_password_ends_the_other_sessions(prescriber, password):
    elsewhere, here = Client(), Client()
    log_in(elsewhere, prescriber.username, password)
    log_in(here, prescriber.username, password)
    response = here.post(
        "/fr/accounts/password/",
        {"current_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert here.get("/fr/accounts/security/").status_code == 200  # this session stays
    assert elsewhere.get("/fr/accounts/security/").status_code == 302  # the other one is over
    assert "_auth_user_id" not in elsewhere.session


@pytest.mark.django_db
def test_changing_the_password_needs_the_current_one(prescriber):
    response = client_for(prescriber).post(
        "/fr/accounts/password/",
        {"current_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "pas votre mot de passe actuel" in response.content.decode()


# Sessions ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_gives_a_new_session_id(prescriber, password):
    client = Client()
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    log_in(client, prescriber.username, password)
    assert client.session.session_key != before
    assert AuditEvent.objects.filter(action="auth.login", actor=prescriber).exists()


@pytest.mark.django_db
def test_session_ends_after_30_idle_minutes(prescriber, password):
    client = Client()
    log_in(client, prescriber.username, password)
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert client.get("/fr/accounts/security/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=29 + 31)):
        response = client.get("/fr/accounts/security/")
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/accounts/login/?expired=idle")
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.session_expired").exists()


@pytest.mark.django_db
def test_session_ends_12_hours_after_login_even_when_active(prescriber, password):
    client = Client()
    log_in(client, prescriber.username, password)
    start = timezone.now()
    for minutes in range(25, 12 * 60, 25):  # a request every 25 minutes keeps it from idling
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get("/fr/accounts/security/").status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=12, minutes=10)):
        response = client.get("/fr/accounts/security/")
    assert response["Location"].startswith("/fr/accounts/login/?expired=absolute")


@pytest.mark.django_db
def test_logout_ends_the_session_on_the_server(prescriber, password):
    client = Client()
    log_in(client, prescriber.username, password)
    key = client.session.session_key
    client.post("/fr/accounts/logout/")
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()
    assert AuditEvent.objects.filter(action="auth.logout", actor=prescriber).exists()


# Deactivation and new temporary password ------------------------------------------------------------


@pytest.mark.django_db
def test_deactivation_is_effective_at_once(access_admin, collaborator, password):
    theirs = Client()
    log_in(theirs, collaborator.username, password)
    assert theirs.get("/fr/accounts/prescribers/").status_code == 200
    response = client_for(access_admin).post(
        f"/fr/accounts/regie/accounts/{collaborator.pk}/deactivate/", {"reason": "Identifiants partagés"}
    )
    assert response.status_code == 302
    assert theirs.get("/fr/accounts/prescribers/").status_code == 302  # logged out on the next request
    assert log_in(Client(), collaborator.username, password).status_code == 200
    event = AuditEvent.objects.get(action="account.deactivated")
    assert event.actor == access_admin
    assert event.details == {"reason": "Identifiants partagés"}


@pytest.mark.django_db
def test_access_admin_issues_a_new_temporary_password_split_again(
    access_admin, collaborator, prescriber, password, django_capture_on_commit_callbacks
):
    AccessRequestFactory.create(prescriber=prescriber, account=collaborator, status="approved")
    theirs = Client()
    log_in(theirs, collaborator.username, password)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(access_admin).post(f"/fr/accounts/regie/accounts/{collaborator.pk}/temporary-password/")
    assert theirs.get("/fr/accounts/prescribers/").status_code == 302  # old sessions end
    assert log_in(Client(), collaborator.username, password).status_code == 200  # old password dead
    to_person = next(m for m in mail.outbox if m.to == [collaborator.email])
    to_prescriber = next(m for m in mail.outbox if m.to == [prescriber.email])
    temporary = re.search(r"^\s{4}(\S+)$", str(to_person.body), re.M).group(1)  # type: ignore[union-attr]
    assert temporary not in to_prescriber.body
    assert collaborator.username in to_prescriber.body
    assert collaborator.username not in to_person.body
    assert log_in(Client(), collaborator.username, temporary)["Location"] == "/fr/accounts/password/"


# Password reset by e-mail ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_by_email_link_works_once(prescriber, django_capture_on_commit_callbacks):
    prescriber.email_verified_at = timezone.now()
    prescriber.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/fr/accounts/password/reset/", {"username": prescriber.username})
    assert "Consultez vos courriels" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == [prescriber.email]
    path = re.search(r"https?://[^/\s]+(/\S+)", str(message.body)).group(1)  # type: ignore[union-attr]
    client = Client()
    assert client.get(path).status_code == 200
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == LOGIN
    assert log_in(Client(), prescriber.username, NEW_PASSWORD).status_code == 302
    assert Client().get(path).status_code == 404  # used: the token was tied to the old password


@pytest.mark.django_db
def test_password_reset_answers_the_same_without_verified_email_or_account(
    prescriber, django_capture_on_commit_callbacks
):
    assert prescriber.email_verified_at is None
    with django_capture_on_commit_callbacks(execute=True):
        unverified = Client().post("/fr/accounts/password/reset/", {"username": prescriber.username})
        unknown = Client().post("/fr/accounts/password/reset/", {"username": "nobody-here"})
    assert not mail.outbox
    assert unverified.content == unknown.content


@pytest.mark.django_db
def test_email_verification_link(prescriber, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(prescriber).post("/fr/accounts/security/email/")
    path = re.search(r"https?://[^/\s]+(/\S+)", str(mail.outbox[0].body)).group(1)  # type: ignore[union-attr]
    assert Client().get(path).status_code == 200
    prescriber.refresh_from_db()
    assert prescriber.email_verified_at is not None


@pytest.mark.django_db
def test_verify_email_ignores_an_old_address(prescriber):
    assert not security.verify_email(prescriber, email="old@example.org")
    prescriber.refresh_from_db()
    assert prescriber.email_verified_at is None
