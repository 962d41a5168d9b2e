"""Every way in goes through the same throttle, second factor and audit (issue 14, finding 1): the
pages' login, the Django admin (off by default; when on, it has no login form of its own), API and FHIR
bearer tokens, and the password reset. An account without a role gets in nowhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from pme.accounts import throttle
from pme.accounts.models import ApiToken, User
from pme.accounts.services.api_tokens import hash_secret, issue_api_token
from pme.audit.models import AuditEvent
from pme.core.timeutils import now
from tests.personas import client_for

PASSWORD = "correct-horse-battery-staple-42"
ADDRESS = "203.0.113.50"


@pytest.fixture
def root(db) -> User:
    """What `createsuperuser` makes: every permission, and no role."""
    return User.objects.create_superuser("root", "root@example.org", PASSWORD)


# The pages' login ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_login_throttles_audits_and_asks_staff_for_the_second_factor(reviewer):
    client = Client(REMOTE_ADDR=ADDRESS)
    statuses = [
        client.post("/fr/accounts/login/", {"username": reviewer.username, "password": "wrong"}).status_code
        for _ in range(throttle.PAIR.free + 1)
    ]
    assert statuses == [200] * throttle.PAIR.free + [429]
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == throttle.PAIR.free
    assert AuditEvent.objects.filter(action="auth.login_throttled").count() == 1
    fresh = Client(REMOTE_ADDR="198.51.100.20")
    response = fresh.post("/fr/accounts/login/", {"username": reviewer.username, "password": PASSWORD})
    assert response["Location"].startswith("/fr/accounts/security/two-factor/setup/")
    assert fresh.get("/fr/review/")["Location"].startswith("/fr/accounts/security/two-factor/setup/")


@pytest.mark.django_db
def test_an_account_without_a_role_logs_in_nowhere(root):
    response = Client().post("/fr/accounts/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="auth.login_failed").details == {"username": "root"}
    secret = "pme_made-behind-the-services-back"
    ApiToken.objects.create(
        user=root, name="x", secret_hash=hash_secret(secret), expires_at=now() + dt.timedelta(days=1)
    )
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/requests").status_code == 401


# The Django admin -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_is_off_by_default(reviewer):
    assert Client().get("/fr/admin/").status_code == 404
    assert Client().post("/fr/admin/login/", {"username": "root", "password": PASSWORD}).status_code == 404


@pytest.mark.django_db
def test_the_admin_has_no_login_form_of_its_own(admin_on, root):
    """The review: 30 wrong passwords on /fr/admin/login/ were never throttled, and a role-less
    superuser saw a request's NAM with the password alone."""
    for _ in range(30):
        response = Client(REMOTE_ADDR=ADDRESS).post(
            "/fr/admin/login/", {"username": "root", "password": "wrong"}
        )
        assert response.status_code == 302
        assert response["Location"].startswith("/fr/accounts/login/?next=")
    with_password = Client()
    with_password.post("/fr/admin/login/", {"username": "root", "password": PASSWORD})
    assert "_auth_user_id" not in with_password.session
    assert with_password.get("/fr/admin/")["Location"].startswith("/fr/admin/login/")


@pytest.mark.django_db
def test_the_admin_needs_a_staff_role_the_is_staff_flag_and_the_second_factor(
    admin_on, reviewer, prescriber, root
):
    reviewer.is_staff = True
    reviewer.save()
    prescriber.is_staff = True
    prescriber.save()
    password_only = Client()
    password_only.post("/fr/accounts/login/", {"username": reviewer.username, "password": PASSWORD})
    assert password_only.get("/fr/admin/")["Location"].startswith("/fr/accounts/security/two-factor/")
    assert client_for(prescriber).get("/fr/admin/").status_code == 403  # not Régie staff
    forced_root = Client()
    forced_root.force_login(root)
    assert forced_root.get("/fr/admin/").status_code == 302  # the session of a role-less account is refused
    verified = client_for(reviewer)
    assert verified.get("/fr/admin/").status_code == 200
    event = AuditEvent.objects.get(action="admin.viewed")
    assert (event.actor, event.details["page"]) == (reviewer, "admin:index")


@pytest.mark.django_db
def test_an_admin_page_showing_a_request_is_audited_with_its_object(admin_on, reviewer, sent_request):
    reviewer.is_staff = reviewer.is_superuser = True
    reviewer.save()
    response = client_for(reviewer).get(
        f"/fr/admin/authorizations/authorizationrequest/{sent_request.pk}/change/"
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="admin.viewed")
    assert event.details["object"] == str(sent_request.pk)


@pytest.mark.django_db
def test_the_admin_cannot_change_accounts_behind_the_services_back(admin_on, access_admin, prescriber):
    access_admin.is_staff = access_admin.is_superuser = True
    access_admin.save()
    client = client_for(access_admin)
    assert client.get(f"/fr/admin/accounts/user/{prescriber.pk}/password/").status_code == 403
    assert client.post(f"/fr/admin/accounts/user/{prescriber.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=prescriber.pk).exists()


def admin_routes() -> list[str]:
    from tests.test_permission_matrix import url_names

    return sorted(name for name in url_names() if name.startswith("admin:"))


@pytest.mark.django_db
def test_when_on_every_admin_url_refuses_everyone_but_verified_staff(admin_on, personas):
    """The permission matrix's counterpart for the admin: its index and every model's list."""
    names = admin_routes()
    assert "admin:index" in names
    lists = [n for n in names if n.endswith("_changelist")]
    assert lists
    from django.urls import reverse

    for name in ["admin:index", *lists]:
        url = reverse(name)
        assert Client().get(url).status_code == 302, name
        for persona in ("prescriber", "collaborator", "pharmacist", "reviewer"):
            assert client_for(getattr(personas, persona)).get(url).status_code == 403, (name, persona)


# API and FHIR tokens ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/requests", "/fhir/R4/ClaimResponse/1"])
def test_bearer_doors_throttle_bad_tokens_and_audit_them(url):
    client = Client(HTTP_AUTHORIZATION="Bearer pme_guess", REMOTE_ADDR=ADDRESS)
    statuses = [client.get(url).status_code for _ in range(throttle.TOKEN_ADDRESS.free + 1)]
    assert statuses == [401] * throttle.TOKEN_ADDRESS.free + [429]
    assert AuditEvent.objects.filter(action="api_token.failed").count() == throttle.TOKEN_ADDRESS.free


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/review/queue", "/fhir/R4/ClaimResponse/1"])
def test_a_staff_token_needs_a_second_factor(reviewer, url):
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    _token, secret = issue_api_token(
        reviewer, name="x", expires_at=now() + dt.timedelta(days=5), actor=reviewer
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(url).status_code in (200, 404)
    device.delete()  # a staff account without a second factor can do nothing through a token either
    assert client.get(url).status_code == 401


# Password reset --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_reset_door_is_throttled_audited_and_needs_the_second_factor(reviewer):
    statuses = [
        Client(REMOTE_ADDR=ADDRESS)
        .post("/fr/accounts/password/reset/", {"username": reviewer.username})
        .status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert AuditEvent.objects.filter(action="account.password_reset_requested").count() == 2
    assert AuditEvent.objects.filter(action="account.password_reset_throttled").count() == 1
    TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    reviewer.email_verified_at = timezone.now()
    reviewer.save()
    uid = urlsafe_base64_encode(force_bytes(reviewer.pk))
    page = Client().get(f"/fr/accounts/password/reset/{uid}/{default_token_generator.make_token(reviewer)}/")
    assert 'name="second_factor_code"' in page.content.decode()
