"""The client address comes from X-Forwarded-For only through a configured trusted proxy (issue 14,
finding 2): otherwise anyone could pick the address the throttles and the audit trail see."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from pme.accounts import throttle
from pme.audit.models import AuditEvent
from pme.core.middleware import client_address

TRUSTED = ("10.0.0.1", "10.1.0.0/16")


def test_the_right_most_untrusted_hop_is_the_client():
    assert client_address("10.0.0.1", "198.51.100.7", TRUSTED) == "198.51.100.7"
    assert client_address("10.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.2.3", TRUSTED) == "198.51.100.7"
    assert client_address("203.0.113.9", "198.51.100.7", TRUSTED) == "203.0.113.9"  # not our proxy
    assert client_address("10.0.0.1", "not-an-address", TRUSTED) == "10.0.0.1"
    assert client_address("10.0.0.1", "198.51.100.7", ()) == "10.0.0.1"


@pytest.mark.django_db
def test_a_forged_header_from_outside_is_ignored(prescriber):
    for n in range(throttle.PAIR.free):
        Client(REMOTE_ADDR="203.0.113.9").post(
            "/fr/accounts/login/",
            {"username": prescriber.username, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",  # a new "address" each time would dodge the throttle
        )
    assert AuditEvent.objects.filter(action="auth.login_failed", client_ip="203.0.113.9").count() == 5
    again = Client(REMOTE_ADDR="203.0.113.9").post(
        "/fr/accounts/login/",
        {"username": prescriber.username, "password": "x"},
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert again.status_code == 429


@pytest.mark.django_db
def test_behind_the_trusted_proxy_each_client_is_told_apart(settings, prescriber, password):
    with override_settings(PME_TRUSTED_PROXIES=["10.0.0.1"]):
        proxy = Client(REMOTE_ADDR="10.0.0.1")
        for _ in range(8):
            proxy.post(
                "/fr/accounts/login/",
                {"username": prescriber.username, "password": "wrong"},
                HTTP_X_FORWARDED_FOR="203.0.113.9",
            )
        person = proxy.post(
            "/fr/accounts/login/",
            {"username": prescriber.username, "password": password},
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )
    assert person.status_code == 302  # the attacker behind the same proxy waits; the person does not
    assert AuditEvent.objects.filter(action="auth.login", client_ip="198.51.100.1").exists()


def test_env_example_lists_the_trusted_proxies():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / ".env.example").read_text()
    assert "PME_TRUSTED_PROXIES=" in text
