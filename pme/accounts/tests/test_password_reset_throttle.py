"""Password-reset requests are throttled per username and per address, with a clear message and no
e-mail flood (issue 14, finding 8)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from pme.audit.models import AuditEvent

RESET = "/fr/accounts/password/reset/"


@pytest.mark.django_db
def test_twenty_requests_in_a_second_send_at_most_a_few_e_mails(
    prescriber, django_capture_on_commit_callbacks
):
    prescriber.email_verified_at = timezone.now()
    prescriber.save()
    client = Client(REMOTE_ADDR="203.0.113.5")
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [client.post(RESET, {"username": prescriber.username}).status_code for _ in range(20)]
    assert statuses == [200, 200] + [429] * 18  # before the fix: 20 e-mails
    assert len(mail.outbox) == 2
    refused = client.post(RESET, {"username": prescriber.username})
    assert refused["Retry-After"]
    assert "Vous avez demandé plusieurs liens en peu de temps" in refused.content.decode()
    assert AuditEvent.objects.filter(action="account.password_reset_throttled").count() == 19


@pytest.mark.django_db
def test_unknown_usernames_are_throttled_alike_and_one_address_is_limited_too(prescriber):
    client = Client(REMOTE_ADDR="203.0.113.6")
    known = [client.post(RESET, {"username": prescriber.username}).status_code for _ in range(3)]
    unknown = [client.post(RESET, {"username": "nobody.here"}).status_code for _ in range(3)]
    assert known == unknown == [200, 200, 429]  # nothing tells an existing username apart
    many = [client.post(RESET, {"username": f"someone{n}"}).status_code for n in range(30)]
    assert many.count(200) == 10 - 4  # half the address's hourly 20 at once, minus the four it used
    assert Client(REMOTE_ADDR="198.51.100.9").post(RESET, {"username": "someone-else"}).status_code == 200
