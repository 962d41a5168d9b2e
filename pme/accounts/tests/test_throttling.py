"""Failed logins slow down further attempts, per account and per address, across worker processes;
unknown usernames and wrong passwords get the same answer; no delay lasts for ever."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from pme.accounts import throttle
from pme.audit.models import AuditEvent

ROOT = Path(__file__).resolve().parents[3]
LOGIN = "/fr/accounts/login/"


@pytest.fixture(autouse=True)
def _empty_cache(db):
    cache.clear()
    yield
    cache.clear()


def attempt(username: str, password: str, address: str = "10.0.0.1") -> tuple[int, str]:
    response = Client(REMOTE_ADDR=address).post(LOGIN, {"username": username, "password": password})
    html = response.content.decode()
    errors = re.findall(r'<div class="error-summary".*?</div>', html, re.S)
    return response.status_code, errors[0] if errors else ""


def test_delays_grow_then_stop_growing():
    free = throttle.ACCOUNT_FREE_FAILURES
    assert [throttle.delay_after(n, free) for n in range(free)] == [0] * free
    assert [throttle.delay_after(n, free) for n in range(free, free + 4)] == [15, 30, 60, 120]
    assert throttle.delay_after(free + 40, free) == throttle.MAX_DELAY == 15 * 60


@pytest.mark.django_db
def test_account_is_slowed_down_after_five_failures_even_with_the_right_password(prescriber, password):
    for _ in range(5):
        assert attempt(prescriber.username, "wrong")[0] == 200
    status, error = attempt(prescriber.username, password, address="10.9.9.9")  # from elsewhere too
    assert status == 429
    assert "Trop de tentatives échouées" in error
    assert AuditEvent.objects.filter(action="auth.login_throttled").count() == 1


@pytest.mark.django_db
def test_unknown_user_and_wrong_password_get_the_same_answers(prescriber):
    known = [attempt(prescriber.username, "wrong") for _ in range(6)]
    unknown = [attempt("nobody.here", "wrong") for _ in range(6)]
    assert [s for s, _ in known] == [s for s, _ in unknown] == [200] * 5 + [429]
    assert [e for _, e in known] == [e for _, e in unknown]
    assert "Le nom d'utilisateur ou le mot de passe" in known[0][1] or "mot de passe" in known[0][1]


@pytest.mark.django_db
def test_no_lockout_the_delay_ends_by_itself(prescriber, password):
    for _ in range(8):
        attempt(prescriber.username, "wrong")
    assert attempt(prescriber.username, password)[0] == 429
    with time_machine.travel(timezone.now() + timedelta(seconds=throttle.MAX_DELAY + 1)):
        assert attempt(prescriber.username, password)[0] == 302


@pytest.mark.django_db
def test_success_clears_the_accounts_counter(prescriber, password):
    for _ in range(4):
        attempt(prescriber.username, "wrong")
    assert attempt(prescriber.username, password)[0] == 302
    for _ in range(4):
        assert attempt(prescriber.username, "wrong")[0] == 200


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_slowed_down(prescriber, password):
    for n in range(throttle.ADDRESS_FREE_FAILURES):
        attempt(f"guess{n}", "wrong", address="203.0.113.7")
    assert attempt(prescriber.username, password, address="203.0.113.7")[0] == 429
    assert attempt(prescriber.username, password, address="198.51.100.1")[0] == 302


def run(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


def test_throttling_holds_across_two_worker_processes(tmp_path):
    """Two separate processes share nothing but the database: the failures counted by the first slow
    down the second. With a per-process cache the second would log in (302)."""
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
        "c('migrate', verbosity=0); c('createcachetable'); "
        "c('create_user', role='prescriber', username='dr.worker', email='w@example.org', "
        f"password='{good}', profession='specialist', professional_number='1999999')"
    )
    run("-c", setup, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"})
    worker = "pme/accounts/tests/throttle_worker.py"
    # Seven failures, spaced in (travelled) time so that each one counts; the last one is now, and
    # the account must then wait 30 seconds: ample time for a second process to start.
    first = run(worker, "dr.worker", "wrong", "7", "10.1.1.1", "spaced", env=env)
    assert first == "200 200 200 200 200 200 200"
    second = run(worker, "dr.worker", good, "1", "10.2.2.2", env=env)
    assert second == "429"
