"""TOTP second factor: mandatory for Régie staff (no page without it), offered to everyone else,
enrolment with a QR code drawn by our server, codes accepted once, single-use recovery codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pme.accounts.middleware import SECOND_FACTOR_ALLOWED
from pme.audit.models import AuditEvent
from tests.test_permission_matrix import MATRIX

LOGIN = "/fr/accounts/login/"
VERIFY = "/fr/accounts/security/two-factor/"
SETUP = "/fr/accounts/security/two-factor/setup/"


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, t0=device.t0, step=device.step, digits=device.digits):06d}"


def logged_in(user, password: str) -> Client:
    client = Client()
    client.post(LOGIN, {"username": user.username, "password": password})
    assert client.session.get("_auth_user_id") == str(user.pk)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("staff", ["reviewer", "access_admin", "privacy_officer"])
def test_staff_reach_no_page_without_a_second_factor(request, staff, password):
    """Every URL of the project (the permission matrix lists them all), GET and POST alike."""
    user = request.getfixturevalue(staff)
    client = logged_in(user, password)
    checked = 0
    for (name, raw_args, method), _statuses in MATRIX.items():
        if name in SECOND_FACTOR_ALLOWED:
            continue
        args = [str(request.getfixturevalue(a[1:]).pk) if a.startswith("@") else a for a in raw_args]
        with translation.override("fr"):
            url = reverse(name, args=args)
        response = getattr(client, method.lower())(url)
        assert response.status_code == 302, f"{method} {url}"
        assert response["Location"].startswith(SETUP), f"{method} {url}"
        checked += 1
    assert checked > 25


@pytest.mark.django_db
def test_staff_login_goes_to_enrolment_then_the_code_opens_the_pages(reviewer, password):
    client = Client()
    response = client.post(LOGIN, {"username": reviewer.username, "password": password})
    assert response["Location"].startswith(SETUP)
    page = client.get(SETUP).content.decode()
    assert "<svg" in page  # the QR code is drawn inline by our server, no image service
    assert 'src="http' not in page
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    response = client.post(SETUP, {"token": "000000" if code(device) != "000000" else "111111"})
    assert "pas valide" in response.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):  # django-otp slows down retries
        response = client.post(SETUP, {"token": code(device)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vos codes de récupération" in html
    assert StaticToken.objects.filter(device__user=reviewer).count() == 10
    assert client.get("/fr/accounts/security/").status_code == 200
    assert AuditEvent.objects.filter(action="mfa.device_confirmed", actor=reviewer).exists()


@pytest.fixture
def enrolled_reviewer(reviewer) -> tuple[object, TOTPDevice]:
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    return reviewer, device


@pytest.mark.django_db
def test_a_code_is_accepted_once(enrolled_reviewer, password):
    reviewer, device = enrolled_reviewer
    first, second = logged_in(reviewer, password), logged_in(reviewer, password)
    current = code(device)
    assert first.post(VERIFY, {"token": current, "next": "/fr/"})["Location"] == "/fr/"
    response = second.post(VERIFY, {"token": current})
    assert response.status_code == 200
    assert "déjà été utilisé" in response.content.decode()
    assert second.get("/fr/accounts/security/")["Location"].startswith(VERIFY)
    assert AuditEvent.objects.filter(action="mfa.failed", actor=reviewer).count() == 1


@pytest.mark.django_db
def test_a_recovery_code_works_once(enrolled_reviewer, password):
    reviewer, _device = enrolled_reviewer
    from pme.accounts.services.security import regenerate_recovery_codes

    codes = regenerate_recovery_codes(actor=reviewer)
    client = logged_in(reviewer, password)
    assert client.post(VERIFY, {"token": codes[0].upper()}).status_code == 302
    other = logged_in(reviewer, password)
    assert other.post(VERIFY, {"token": codes[0]}).status_code == 200
    assert StaticToken.objects.filter(device__user=reviewer).count() == 9


@pytest.mark.django_db
def test_a_password_alone_cannot_enrol_a_new_device(enrolled_reviewer, password):
    reviewer, _device = enrolled_reviewer
    client = logged_in(reviewer, password)
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert client.post(SETUP, {"token": "123456"})["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=reviewer).count() == 1


@pytest.mark.django_db
def test_second_factor_is_optional_for_others_and_enforced_once_on(prescriber, password):
    client = logged_in(prescriber, password)
    assert client.get("/fr/accounts/security/").status_code == 200  # not required
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=prescriber)
    assert client.post(SETUP, {"token": code(device)}).status_code == 200
    later = logged_in(prescriber, password)
    assert later.get("/fr/accounts/assistants/")["Location"].startswith(VERIFY)
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        assert later.post(VERIFY, {"token": code(device)}).status_code == 302
        assert later.get("/fr/accounts/assistants/").status_code == 200
