"""The chainer: gaps only after the grace period, late events pinned, no fork, the anchor file, the
process itself; and writers that no longer wait for each other."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from pme.audit.chain import event_digest, verify_chain
from pme.audit.chainer import Anchorer, link_pending
from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent, AuditLink, LinkKind
from pme.audit.services import record
from pme.audit.tests.fixtures import ON_POSTGRESQL, postgres_only, tamper

ROOT = Path(__file__).resolve().parents[3]


def unused_seq() -> int:
    """A seq value consumed by a transaction that never commits: a real rollback on PostgreSQL (the
    sequence moves on), an event deleted before it was linked on SQLite (where a rollback also undoes
    the numbering, so no gap ever appears)."""
    if ON_POSTGRESQL:
        try:
            with transaction.atomic():
                seq = record(AuditCode.REQUEST_VIEWED, actor=None).seq
                raise RuntimeError
        except RuntimeError:
            return seq
    seq = record(AuditCode.REQUEST_VIEWED, actor=None).seq
    tamper(("DELETE FROM audit_auditevent WHERE seq = %s", [seq]))
    return seq


@pytest.mark.django_db
def test_a_hole_is_not_a_gap_until_the_grace_period_has_passed(settings):
    settings.AUDIT_GAP_GRACE_SECONDS = 300
    before = record(AuditCode.REQUEST_VIEWED, actor=None)
    hole = unused_seq()
    after = record(AuditCode.REQUEST_VIEWED, actor=None)
    now = timezone.now()
    first = link_pending(now=now + dt.timedelta(seconds=299))
    assert (first.linked, first.gaps, first.waiting, first.head_seq) == (1, 0, True, before.seq)
    report = verify_chain(now=now + dt.timedelta(seconds=299))
    assert report.ok
    assert report.backlog == 1
    assert not report.backlog_stale
    second = link_pending(now=now + dt.timedelta(seconds=301))
    assert (second.linked, second.gaps, second.head_seq) == (1, 1, after.seq)
    gap = AuditLink.objects.get(kind=LinkKind.GAP)
    assert (gap.seq, gap.last_seq) == (hole, hole)
    report = verify_chain()
    assert report.ok
    assert report.gaps == 1
    assert report.checked == 3


@pytest.mark.django_db
def test_an_event_committed_into_a_gap_is_pinned_and_reported(settings):
    """A transaction outlived the grace period: its event is not lost; the chainer pins its content
    in an audit.late_event event and verify_audit lists it."""
    record(AuditCode.REQUEST_VIEWED, actor=None)
    hole = unused_seq()
    record(AuditCode.REQUEST_VIEWED, actor=None)
    link_pending(now=timezone.now() + dt.timedelta(days=1))
    late = AuditEvent(
        seq=hole, created_at=timezone.now(), action=AuditCode.REQUEST_VIEWED, details={"late": True}
    )
    late.save()  # what the long transaction's INSERT finally commits
    report = verify_chain()
    assert (report.broken_seq, report.reason) == (hole, "event committed after its seq was recorded as a gap")
    result = link_pending()
    assert result.late == [hole]
    pin = AuditEvent.objects.get(action=AuditCode.AUDIT_LATE_EVENT)
    assert pin.details == {"seq": hole, "digest": event_digest(late), "action": "request.viewed"}
    link_pending()
    assert link_pending().late == []  # pinned once
    report = verify_chain()
    assert report.ok
    assert report.late_events == (hole,)
    out = io.StringIO()
    call_command("verify_audit", stdout=out, stderr=out)
    assert (
        f"Late events (committed after their seq was linked as a gap, content pinned): #{hole}"
        in out.getvalue()
    )
    # Altering the late event after it was pinned is found.
    tamper(("UPDATE audit_auditevent SET action = 'request.forged' WHERE seq = %s", [hole]))
    assert verify_chain().broken_seq == hole


@pytest.mark.django_db
def test_a_second_chainer_cannot_fork_the_chain(monkeypatch):
    """A round that read a stale head (another chainer linked in the meantime): its links collide on
    the links already there (the link's seq is its primary key) and it rolls back whole."""
    from pme.audit import chainer

    record(AuditCode.REQUEST_VIEWED, actor=None)
    link_pending()
    monkeypatch.setattr(chainer, "chain_head", lambda: (0, "0" * 64))
    with pytest.raises(IntegrityError):
        link_pending()
    monkeypatch.undo()
    assert AuditLink.objects.count() == 1
    assert verify_chain().ok


@pytest.mark.django_db
def test_the_anchor_file_gets_the_head_at_intervals(settings):
    settings.AUDIT_ANCHOR_INTERVAL_SECONDS = 60
    anchorer = Anchorer()
    now = timezone.now()
    record(AuditCode.REQUEST_VIEWED, actor=None)
    first = link_pending()
    assert anchorer.maybe_write(first.head_seq, first.head_hash, now=now)
    assert not anchorer.maybe_write(first.head_seq, first.head_hash, now=now + dt.timedelta(hours=1))  # same
    record(AuditCode.REQUEST_VIEWED, actor=None)
    second = link_pending()
    assert not anchorer.maybe_write(second.head_seq, second.head_hash, now=now + dt.timedelta(seconds=30))
    assert anchorer.maybe_write(second.head_seq, second.head_hash, now=now + dt.timedelta(seconds=61))
    lines = [json.loads(line) for line in settings.AUDIT_ANCHOR_FILE.read_text().splitlines()]
    assert [(line["kind"], line["seq"], line["hash"]) for line in lines] == [
        ("head", first.head_seq, first.head_hash),
        ("head", second.head_seq, second.head_hash),
    ]
    assert Anchorer().seq == second.head_seq  # a restarted chainer picks up from the file


@pytest.mark.django_db
def test_a_damaged_anchor_line_is_reported(settings, reviewer):
    record(AuditCode.REQUEST_VIEWED, actor=reviewer)
    call_command("audit_chainer", "--once", stdout=io.StringIO())
    with settings.AUDIT_ANCHOR_FILE.open("a") as handle:
        handle.write("not json\n")
    out = io.StringIO()
    call_command("verify_audit", stdout=out, stderr=out)
    assert "1 unreadable line(s) in the anchor file" in out.getvalue()


@pytest.mark.django_db
def test_an_anchor_line_for_a_different_head_is_found(settings, reviewer):
    record(AuditCode.REQUEST_VIEWED, actor=reviewer)
    call_command("audit_chainer", "--once", stdout=io.StringIO())
    seq = AuditLink.objects.get().seq
    settings.AUDIT_ANCHOR_FILE.write_text(
        json.dumps({"kind": "head", "seq": seq, "hash": "f" * 64, "at": "x"}) + "\n"
    )
    with pytest.raises(CommandError, match=rf"BROKEN at event #{seq}: link does not match the head recorded"):
        call_command("verify_audit", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_concurrent_writers_do_not_wait_for_each_other():
    """A transaction that recorded an event and stays open does not block another writer (the old
    chain-head row lock made it wait until the first one committed)."""
    first_open = threading.Event()
    release = threading.Event()

    def first() -> None:
        with transaction.atomic():
            record(AuditCode.REQUEST_VIEWED, actor=None)
            first_open.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert first_open.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        with transaction.atomic():
            second = record(AuditCode.REQUEST_VIEWED, actor=None)  # would raise after 2 s if it waited
        assert AuditEvent.objects.filter(seq=second.seq).exists()
    finally:
        release.set()
        thread.join()
    assert AuditEvent.objects.count() == 2


def test_the_chainer_process_links_and_stops_cleanly_on_sigterm(tmp_path):
    """`manage.py audit_chainer` (the Procfile's process) on its own SQLite database: links what a
    writer records while it runs, and a SIGTERM stops it between rounds."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "PME_HTTPS": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'chain.sqlite3'}",
        "PME_AUDIT_ANCHOR_FILE": str(tmp_path / "anchor.log"),
        "PME_AUDIT_ANCHOR_INTERVAL_SECONDS": "1",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    write = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from pme.audit.services import record; from pme.audit.codes import AuditCode;"
        "[record(AuditCode.REQUEST_VIEWED, actor=None) for _ in range(3)]"
    )
    subprocess.run([sys.executable, "-c", write], cwd=ROOT, env=env, check=True, timeout=120)
    process = subprocess.Popen(
        [*manage, "audit_chainer", "--interval", "0.5"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and '"seq":3' not in _read(tmp_path / "anchor.log"):
            time.sleep(0.3)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "linked 3 events" in output
    assert "Audit chainer stopped." in output
    verify = subprocess.run(
        [*manage, "verify_audit"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert verify.returncode == 0, verify.stderr
    assert (
        "Audit chain intact: 3 events checked (#1 to #3), 0 gaps, 1 anchored heads matched" in verify.stdout
    )


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""
