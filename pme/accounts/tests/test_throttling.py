"""Login throttling (issue 14, finding 2): it slows down whoever guesses, and never locks out the person
the account belongs to, nor the people who share an address with a guesser; counters shared by worker
processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from pme.accounts import throttle
from pme.audit.models import AuditEvent

ROOT = Path(__file__).resolve().parents[3]
LOGIN = "/fr/accounts/login/"
ATTACKER = "203.0.113.7"
PERSON = "198.51.100.1"


def attempt(
    username: str, password: str, address: str = ATTACKER, client: Client | None = None
) -> tuple[int, str]:
    client = client or Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)
    html = response.content.decode()
    errors = re.findall(r'<div class="error-summary".*?</div>', html, re.S)
    return response.status_code, errors[0] if errors else ""


@pytest.mark.django_db
def test_one_address_guessing_one_account_waits_even_with_the_right_password(prescriber, password):
    for _ in range(throttle.PAIR.free):
        assert attempt(prescriber.username, "wrong")[0] == 200
    status, error = attempt(prescriber.username, password)
    assert status == 429
    assert "Trop de tentatives échouées" in error
    assert AuditEvent.objects.filter(action="auth.login_throttled").count() == 1


@pytest.mark.django_db
def test_the_person_logs_in_from_elsewhere_while_an_attacker_waits(prescriber, password):
    for _ in range(12):
        attempt(prescriber.username, "wrong")
    assert attempt(prescriber.username, password)[0] == 429
    assert attempt(prescriber.username, password, address=PERSON)[0] == 302


@pytest.mark.django_db
def test_failures_with_many_usernames_do_not_lock_out_the_address(prescriber, password):
    """The review: 20 failures with any usernames from one address put everyone there in 429. Behind a
    clinic's network or the proxy, that address is everybody's."""
    for n in range(40):
        attempt(f"guess{n}", "wrong")
    assert attempt(prescriber.username, password)[0] == 302


@pytest.mark.django_db
def test_a_spread_out_attack_stops_at_the_account_but_not_the_persons_own_browser(prescriber, password):
    browser = Client(REMOTE_ADDR=PERSON)
    assert attempt(prescriber.username, password, address=PERSON, client=browser)[0] == 302
    browser.post("/fr/accounts/logout/")
    for n in range(throttle.ACCOUNT.free):  # one failure from each of many addresses
        attempt(prescriber.username, "wrong", address=f"203.0.113.{n + 10}")
    assert attempt(prescriber.username, password, address="192.0.2.99")[0] == 429  # a new browser waits
    assert attempt(prescriber.username, password, address=PERSON, client=browser)[0] == 302  # known one


@pytest.mark.django_db
def test_unknown_user_and_wrong_password_get_the_same_answers(prescriber):
    known = [attempt(prescriber.username, "wrong") for _ in range(6)]
    unknown = [attempt("nobody.here", "wrong") for _ in range(6)]
    assert [s for s, _ in known] == [s for s, _ in unknown] == [200] * 5 + [429]
    assert [e for _, e in known] == [e for _, e in unknown]
    assert "mot de passe est erroné" in known[0][1]


@pytest.mark.django_db
def test_no_lockout_the_delay_ends_by_itself_and_hammering_does_not_lengthen_it(prescriber, password):
    for _ in range(8):
        attempt(prescriber.username, "wrong")
    for _ in range(30):
        assert attempt(prescriber.username, password)[0] == 429
    with time_machine.travel(timezone.now() + timedelta(seconds=throttle.PAIR.max_delay + 1)):
        assert attempt(prescriber.username, password)[0] == 302


@pytest.mark.django_db
def test_success_clears_the_counters(prescriber, password):
    for _ in range(4):
        attempt(prescriber.username, "wrong")
    assert attempt(prescriber.username, password)[0] == 302
    for _ in range(4):
        assert attempt(prescriber.username, "wrong")[0] == 200


@pytest.mark.django_db
def test_the_throttled_answer_says_when_to_retry(prescriber):
    for _ in range(throttle.PAIR.free):
        attempt(prescriber.username, "wrong")
    response = Client(REMOTE_ADDR=ATTACKER).post(LOGIN, {"username": prescriber.username, "password": "x"})
    assert response.status_code == 429
    assert response["Retry-After"] == "15"
    assert "Attendez 15 secondes" in response.content.decode()


def run(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


def test_throttling_holds_across_two_worker_processes(tmp_path):
    """Two separate processes share nothing but the database: the failures counted by the first slow
    down the second. With a per-process counter the second would log in (302)."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "PME_HTTPS": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'workers.sqlite3'}",
        "ALLOWED_HOSTS": "testserver",
        "PME_VAR_DIR": str(tmp_path),
        "LOG_LEVEL": "WARNING",
    }
    good = "a-good-long-passphrase-2026"
    setup = (
        "import django; django.setup(); from django.core.management import call_command as c; "
        "c('migrate', verbosity=0); "
        "c('create_user', role='prescriber', username='dr.worker', email='w@example.org', "
        f"password='{good}', profession='specialist', professional_number='1999999')"
    )
    run("-c", setup, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"})
    worker = "pme/accounts/tests/throttle_worker.py"
    # Seven failures, spaced in (travelled) time so that each one counts; the last one is now, and
    # the pair (account, address) must then wait 30 seconds: ample time for a second process to start.
    first = run(worker, "dr.worker", "wrong", "7", "10.1.1.1", "spaced", env=env)
    assert first == "200 200 200 200 200 200 200"
    second = run(worker, "dr.worker", good, "1", "10.1.1.1", env=env)
    assert second == "429"


@pytest.mark.django_db
def test_retention_deletes_the_counters_that_can_no_longer_delay_anyone(prescriber):
    from pme.accounts.retention import ThrottleCounterRetention
    from pme.core.models import ThrottleCounter

    attempt(prescriber.username, "wrong")
    assert ThrottleCounter.objects.count() == 2  # per (account, address) and per account
    policy = ThrottleCounterRetention()
    assert policy.apply(dry_run=False, now=timezone.now(), progress=print).counts == {"deleted": 0}
    later = timezone.now() + timedelta(seconds=throttle.PAIR.forget_after + 1)
    assert policy.apply(dry_run=True, now=later, progress=print).counts == {"deleted": 2}
    assert policy.apply(dry_run=False, now=later, progress=print).counts == {"deleted": 2}
    assert not ThrottleCounter.objects.exists()
