"""Look-up throttling: a clear 429 past the limit, never more than the limit in any window, and a count
shared by separate worker processes (real Python processes on one database; the exactness under
simultaneous requests is proven in pme/core/tests/test_throttle.py)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from pme.audit.models import AuditEvent, Outcome
from pme.consultation import throttle
from pme.core.models import ThrottleCounter
from tests.personas import client_for

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def limit_3(settings):
    settings.PME_LOOKUP_LIMIT = 3
    settings.PME_LOOKUP_WINDOW_SECONDS = 600


@pytest.mark.django_db
def test_past_the_limit_the_look_up_is_refused_with_a_clear_message(limit_3, collaborator):
    """Three in 10 minutes: two at once, then one every five minutes (never more than three in any
    10 minutes)."""
    client = client_for(collaborator)
    start = timezone.now()
    client.post("/fr/consultation/", {"nam": "TREM 8553 1512"})
    for minute in range(2):  # at 0 and 1 minute
        with time_machine.travel(start + dt.timedelta(minutes=minute), tick=False):
            assert client.get("/fr/consultation/results/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        refused = client.get("/fr/consultation/results/")
        again = client.post("/fr/consultation/", {"nam": "GAGL 7012 1088"})  # a new search too
    for response in (refused, again):
        assert response.status_code == 429
        assert response["Retry-After"] == "180"
        html = response.content.decode()
        assert "les consultations sont limitées à 3 par utilisateur toutes les 10 minutes" in html
        assert "Vous pourrez chercher de nouveau dans 3 minutes." in html
    assert AuditEvent.objects.filter(action="insured.searched", outcome=Outcome.OK).count() == 2
    assert AuditEvent.objects.filter(action="insured.searched", outcome=Outcome.DENIED).count() == 2
    # When the wait is over, one more is allowed, and only one.
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
        assert client.get("/fr/consultation/results/").status_code == 200
        assert client.get("/fr/consultation/results/").status_code == 429


@pytest.mark.django_db
def test_the_limit_is_per_user(limit_3, collaborator, other_collaborator):
    for user in (collaborator, other_collaborator):
        client = client_for(user)
        client.post("/fr/consultation/", {"nam": "TREM 8553 1512"})
        assert [client.get("/fr/consultation/results/").status_code for _ in range(3)] == [200, 200, 429]


def test_the_limit_and_window_come_from_the_environment():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.PME_LOOKUP_LIMIT, settings.PME_LOOKUP_WINDOW_SECONDS)",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PME_LOOKUP_LIMIT": "5",
            "PME_LOOKUP_WINDOW_SECONDS": "120",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["5", "120"]
    assert (settings.PME_LOOKUP_LIMIT, settings.PME_LOOKUP_WINDOW_SECONDS) == (60, 600)  # the defaults


WORKER = """
import sys, django
django.setup()
from pme.consultation import throttle
user_pk, hits = int(sys.argv[1]), int(sys.argv[2])
print(sum(throttle.count_look_up(user_pk).allowed for _ in range(hits)))
"""


def _database_url(tmp_path: Path) -> str:
    """The suite's own PostgreSQL test database, or a SQLite file (the in-memory test database cannot be
    shared with another process) with the cache table created."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    _run(url, [str(ROOT / "manage.py"), "migrate", "--verbosity=0"])
    return url


def _run(url: str, argv: list[str]) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "PME_HTTPS": "0",
        "DATABASE_URL": url,
        "PME_LOOKUP_LIMIT": "60",
        "PME_LOOKUP_WINDOW_SECONDS": "600",
    }
    result = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.django_db(transaction=True)
def test_the_count_is_shared_by_two_worker_processes(tmp_path):
    url = _database_url(tmp_path)
    user_pk = 10**9 + secrets.randbelow(10**6)  # a key no other test uses
    first = _run(url, ["-c", WORKER, str(user_pk), "40"])
    second = _run(url, ["-c", WORKER, str(user_pk), "40"])  # another process, the same user
    # 60 in 10 minutes lets 30 through at once; a per-process count would have let 60 through.
    assert (first, second) == ("30", "0")
    if connection.vendor == "postgresql":
        from pme.core import throttle as counters

        counters.clear(f"lookup:user:{user_pk}")


@pytest.mark.django_db
def test_the_verdict_says_when_the_next_look_up_is_allowed(settings):
    settings.PME_LOOKUP_LIMIT = 2
    settings.PME_LOOKUP_WINDOW_SECONDS = 100
    assert throttle.count_look_up(7, at=1000.0) == throttle.Verdict(True, 0)
    assert throttle.peek(7, at=1030.0) == throttle.Verdict(False, 20)
    assert throttle.count_look_up(7, at=1030.0) == throttle.Verdict(False, 20)  # refused, uncounted
    assert throttle.count_look_up(7, at=1050.0) == throttle.Verdict(True, 0)


@pytest.mark.django_db
def test_a_look_up_whose_event_cannot_be_written_is_not_counted(limit_3, collaborator, audit_insert_fails):
    """The count, the read and the event commit together: a look-up refused because the audit is down
    (503) leaves no count behind, so it costs the user nothing."""
    client = client_for(collaborator)
    client.post("/fr/consultation/", {"nam": "TREM 8553 1512"})
    assert [client.get("/fr/consultation/results/").status_code for _ in range(4)] == [503] * 4
    assert not ThrottleCounter.objects.filter(key=f"lookup:user:{collaborator.pk}").exists()
    assert not AuditEvent.objects.exists()
