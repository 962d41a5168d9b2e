"""`manage.py verify_audit` recomputes the chain, compares it with the anchor file and names the first
broken link; `manage.py audit_chainer` links the events."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from pme.audit.chain import event_link_hash, verify_chain
from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent, AuditLink
from pme.audit.services import record
from pme.audit.tests.fixtures import alter_event_in_database, link, tamper


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out, stderr=out)
    return out.getvalue()


def chainer_once() -> str:
    out = io.StringIO()
    call_command("audit_chainer", "--once", stdout=out)
    return out.getvalue()


@pytest.fixture
def five_events(reviewer, nam):
    made = [record(AuditCode.REQUEST_VIEWED, actor=reviewer, nam=nam, details={"n": n}) for n in range(5)]
    chainer_once()
    return made


@pytest.mark.django_db
def test_an_empty_trail_is_intact():
    assert "Audit chain intact: 0 events checked" in verify()


@pytest.mark.django_db
def test_the_chainer_links_and_anchors_and_the_chain_is_intact(reviewer, settings):
    made = [record(AuditCode.REQUEST_VIEWED, actor=reviewer) for _ in range(5)]
    first, last = made[0].seq, made[-1].seq
    assert "linked 5 events, 0 gaps" in chainer_once()
    output = verify()
    assert f"Audit chain intact: 5 events checked (#1 to #{last}), 0 gaps, 1 anchored heads matched" in output
    head = AuditLink.objects.get(seq=last)
    assert f"Head: #{last} {head.hash}" in output
    assert settings.AUDIT_ANCHOR_FILE.read_text().count(f'"seq":{last}') == 1
    assert AuditLink.objects.get(seq=first).hash == event_link_hash(
        AuditEvent.objects.get(seq=first), "0" * 64
    )
    assert "linked 0 events" in chainer_once()  # idempotent: nothing linked twice


@pytest.mark.django_db
def test_the_chain_is_keyed(five_events, settings):
    """Links made under one key do not verify under another: without the key (kept outside the
    database), nobody can recompute a link that verifies."""
    assert verify_chain().ok
    settings.AUDIT_CHAIN_KEY = "another-key-" * 4
    report = verify_chain()
    assert (report.broken_seq, report.reason) == (five_events[0].seq, "content does not match its hash")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "columns",
    [{"action": "request.forged"}, {"actor_username": "someone.else"}, {"details": '{"n": 99}'}],
    ids=["action", "username", "details"],
)
def test_a_row_altered_in_the_database_is_found(five_events, columns):
    seq = five_events[2].seq
    alter_event_in_database(seq, **columns)
    with pytest.raises(
        CommandError, match=rf"BROKEN at event #{seq}: content does not match its hash"
    ) as exc:
        verify()
    assert exc.value.returncode == 1  # manage.py exits with status 1


@pytest.mark.django_db
def test_a_link_rehashed_without_the_key_breaks(five_events, settings):
    """The intruder alters an event and recomputes its link, but without the key: it does not verify."""
    seq = five_events[1].seq
    alter_event_in_database(seq, action="request.forged")
    key = settings.AUDIT_CHAIN_KEY
    settings.AUDIT_CHAIN_KEY = "a-guess-at-the-key-" * 3
    forged = event_link_hash(AuditEvent.objects.get(seq=seq), AuditLink.objects.get(seq=seq).prev_hash)
    settings.AUDIT_CHAIN_KEY = key
    tamper(("UPDATE audit_auditlink SET hash = %s WHERE seq = %s", [forged, seq]))
    with pytest.raises(CommandError, match=rf"BROKEN at event #{seq}: content does not match its hash"):
        verify()


@pytest.mark.django_db
@pytest.mark.parametrize("index", [2, 4, 0], ids=["middle", "newest", "oldest"])
def test_a_removed_row_is_found(five_events, index):
    seq = five_events[index].seq
    tamper(("DELETE FROM audit_auditevent WHERE seq = %s", [seq]))
    with pytest.raises(CommandError, match=rf"BROKEN at event #{seq}: missing event"):
        verify()


@pytest.mark.django_db
def test_a_removed_link_is_found(five_events):
    seq = five_events[2].seq
    tamper(("DELETE FROM audit_auditlink WHERE seq = %s", [seq]))
    with pytest.raises(CommandError, match=rf"BROKEN at event #{seq}: missing link"):
        verify()


@pytest.mark.django_db
def test_a_truncated_tail_is_found(five_events):
    last = five_events[-1].seq
    tamper(
        ("DELETE FROM audit_auditevent WHERE seq = %s", [last]),
        ("DELETE FROM audit_auditlink WHERE seq = %s", [last]),
    )
    with pytest.raises(
        CommandError, match=rf"BROKEN at event #{last}: chain ends at #{last - 1} but the anchor"
    ):
        verify()


@pytest.mark.django_db
def test_progress_is_reported_on_long_chains(reviewer):
    for _ in range(7):
        record(AuditCode.REQUEST_VIEWED, actor=reviewer)
    link()
    seen: list[tuple[int, int]] = []
    report = verify_chain(progress=lambda checked, total: seen.append((checked, total)), every=3)
    assert report.ok
    assert [checked for checked, _total in seen] == [3, 6]
    assert all(total >= 7 for _checked, total in seen)


@pytest.mark.django_db
def test_a_fresh_backlog_is_reported_and_an_old_one_fails(reviewer):
    record(AuditCode.REQUEST_VIEWED, actor=reviewer)
    assert "1 events not linked yet" in verify()  # the chainer's next round will take it
    later = time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    with later, pytest.raises(CommandError, match=r"BACKLOG: 1 events not linked yet.*Is the chainer"):
        verify()
    link()
    assert "events not linked" not in verify()
