"""Deactivation and credential changes end every session and revoke every API token for good
(issue 14, finding 3): reactivation is a fresh start, never an old cookie or token back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from pme.accounts.models import ApiToken, User
from pme.accounts.services import security
from pme.accounts.services.api_tokens import hash_secret, issue_api_token
from pme.audit.models import AuditEvent
from pme.core.timeutils import now
from tests.personas import client_for

NEW_PASSWORD = "une toute nouvelle phrase de passe"


def token_for(user: User) -> Client:
    _token, secret = issue_api_token(user, name="EMR", expires_at=now() + dt.timedelta(days=30), actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def works(browser: Client, system: Client) -> tuple[int, int]:
    return (
        browser.get("/fr/accounts/security/").status_code,
        system.get("/api/v1/requests").status_code,
    )


@pytest.mark.django_db
def test_reactivation_does_not_bring_back_the_old_session_or_token(access_admin, prescriber):
    browser, system = client_for(prescriber), token_for(prescriber)
    assert works(browser, system) == (200, 200)
    admin = client_for(access_admin)
    admin.post(
        f"/fr/accounts/regie/accounts/{prescriber.pk}/deactivate/", {"reason": "Identifiants partagés"}
    )
    assert works(browser, system) == (302, 401)
    admin.post(f"/fr/accounts/regie/accounts/{prescriber.pk}/reactivate/")
    assert works(browser, system) == (302, 401)  # before the fix: (200, 200)
    assert ApiToken.objects.get(user=prescriber).revoked_at is not None
    revoked = AuditEvent.objects.get(action="api_token.revoked")
    assert (revoked.actor, revoked.details["reason"]) == (access_admin, "deactivated")


@pytest.mark.django_db
def test_a_temporary_password_then_a_new_one_do_not_bring_back_the_old_token(access_admin, prescriber):
    browser, system = client_for(prescriber), token_for(prescriber)
    client_for(access_admin).post(f"/fr/accounts/regie/accounts/{prescriber.pk}/temporary-password/")
    assert works(browser, system) == (302, 401)
    prescriber.refresh_from_db()
    security.change_password(prescriber, actor=prescriber, new_password=NEW_PASSWORD)
    assert works(browser, system) == (302, 401)  # before the fix: the old token worked again


@pytest.mark.django_db
def test_changing_the_password_revokes_the_tokens_and_ends_the_other_sessions(prescriber, password):
    here, elsewhere, system = client_for(prescriber), client_for(prescriber), token_for(prescriber)
    response = here.post(
        "/fr/accounts/password/",
        {"current_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert here.get("/fr/accounts/security/").status_code == 200  # this session stays
    assert works(elsewhere, system) == (302, 401)


@pytest.mark.django_db
def test_a_password_reset_ends_every_session_and_revokes_every_token(prescriber):
    browser, system = client_for(prescriber), token_for(prescriber)
    security.reset_password(prescriber, new_password=NEW_PASSWORD)
    assert works(browser, system) == (302, 401)


@pytest.mark.django_db
def test_a_user_without_a_role_cannot_log_in_anywhere(db):
    """createsuperuser makes such an account: no second factor would apply to it."""
    root = User.objects.create_superuser("root", "root@example.org", "une phrase de passe pour root")
    response = Client().post(
        "/fr/accounts/login/", {"username": "root", "password": "une phrase de passe pour root"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in Client().session
    session = Client()
    session.force_login(root)
    assert session.get("/fr/accounts/security/").status_code == 302  # an existing session is refused
    secret = "pme_a-token-made-behind-the-services-back"
    ApiToken.objects.create(
        user=root, name="x", secret_hash=hash_secret(secret), expires_at=now() + dt.timedelta(days=1)
    )
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/requests").status_code == 401
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 1
