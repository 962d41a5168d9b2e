"""Second factor (issue 14, finding 11): locked and audited after repeated wrong codes, with a message
that says when to retry; required again after a password reset; cookies with the __Host- prefix."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pme.accounts import throttle
from pme.audit.models import AuditEvent

PASSWORD = "correct-horse-battery-staple-42"
NEW_PASSWORD = "une toute nouvelle phrase de passe"


def code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


@pytest.fixture
def staff_device(reviewer) -> TOTPDevice:
    return TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)


def logged_in(user) -> Client:
    client = Client()
    assert (
        client.post("/fr/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code
        == 302
    )
    return client


@pytest.mark.django_db
def test_wrong_codes_lock_the_second_factor_with_a_visible_time_and_an_audit_event(reviewer, staff_device):
    client = logged_in(reviewer)
    for _ in range(throttle.SECOND_FACTOR.free - 1):
        assert client.post("/fr/accounts/security/two-factor/", {"token": "000000"}).status_code == 200
    locking = client.post("/fr/accounts/security/two-factor/", {"token": "000000"})
    assert locking.status_code == 429
    assert locking["Retry-After"] == "60"
    assert "les codes sont refusés pendant 1 minute(s)" in locking.content.decode()
    # Even the right code is refused while locked, and that is recorded too.
    right = client.post("/fr/accounts/security/two-factor/", {"token": code(staff_device)})
    assert right.status_code == 429
    assert AuditEvent.objects.filter(action="mfa.locked", actor=reviewer).count() == 1
    assert AuditEvent.objects.filter(action="mfa.throttled", actor=reviewer).count() == 1
    assert client.get("/fr/review/").status_code == 302  # still not past the second factor
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        assert (
            client.post("/fr/accounts/security/two-factor/", {"token": code(staff_device)}).status_code == 302
        )


@pytest.mark.django_db
def test_a_password_reset_needs_the_second_factor_too(reviewer, staff_device):
    reviewer.email_verified_at = timezone.now()
    reviewer.save()
    uid = urlsafe_base64_encode(force_bytes(reviewer.pk))
    link = f"/fr/accounts/password/reset/{uid}/{default_token_generator.make_token(reviewer)}/"
    without = Client().post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert without.status_code == 200
    assert "Remplissez « Code de votre deuxième facteur »" in without.content.decode()
    wrong = Client().post(
        link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "second_factor_code": "000000"}
    )
    assert wrong.status_code == 200
    reviewer.refresh_from_db()
    assert reviewer.check_password(PASSWORD)  # a mailbox alone does not reset a staff password
    right = Client().post(
        link,
        {
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "second_factor_code": code(staff_device, 1),
        },
    )
    assert right.status_code == 302
    # And the next login asks for the second factor again.
    response = Client().post("/fr/accounts/login/", {"username": reviewer.username, "password": NEW_PASSWORD})
    assert response["Location"].startswith("/fr/accounts/security/two-factor/")


@pytest.mark.django_db
def test_under_https_the_cookies_carry_the_host_prefix():
    import subprocess
    import sys

    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.PME_DEVICE_COOKIE_NAME, "
            "s.SESSION_COOKIE_SECURE)",
        ],
        env={
            **__import__("os").environ,
            "DEBUG": "1",
            "PME_HTTPS": "1",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["__Host-pme_session", "__Host-pme_csrf", "__Host-pme_device", "True"]
