"""`manage.py verify_audit` recomputes the chain and names the first broken link."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from pme.audit.chain import verify_chain
from pme.audit.codes import AuditCode
from pme.audit.models import ChainHead
from pme.audit.services import record
from pme.audit.tests.fixtures import alter_event_in_database, tamper


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


@pytest.fixture
def five_events(reviewer, nam):
    return [record(AuditCode.REQUEST_VIEWED, actor=reviewer, nam=nam, details={"n": n}) for n in range(5)]


@pytest.mark.django_db
def test_an_empty_trail_is_intact():
    assert "Audit chain intact: 0 events checked" in verify()


@pytest.mark.django_db
def test_an_untouched_chain_is_intact(five_events):
    output = verify()
    assert "Audit chain intact: 5 events checked (#1 to #5)" in output
    assert f"Head: #5 {five_events[-1].hash}" in output


@pytest.mark.django_db
@pytest.mark.parametrize(
    "columns",
    [{"action": "request.forged"}, {"actor_username": "someone.else"}, {"details": '{"n": 99}'}],
    ids=["action", "username", "details"],
)
def test_a_row_altered_in_the_database_is_found(five_events, columns):
    alter_event_in_database(3, **columns)
    with pytest.raises(CommandError, match=r"BROKEN at event #3: content does not match its hash") as exc:
        verify()
    assert exc.value.returncode == 1  # manage.py exits with status 1


@pytest.mark.django_db
def test_a_row_rehashed_by_the_intruder_breaks_the_next_link(five_events):
    from pme.audit.models import AuditEvent
    from pme.audit.services import event_digest

    forged = AuditEvent.objects.get(seq=2)
    forged.action = "request.forged"
    alter_event_in_database(2, action="request.forged", hash=event_digest(forged))
    with pytest.raises(CommandError, match=r"BROKEN at event #3: previous hash does not match"):
        verify()


@pytest.mark.django_db
@pytest.mark.parametrize(("seq", "broken"), [(3, 3), (5, 5), (1, 1)], ids=["middle", "newest", "oldest"])
def test_a_removed_row_is_found(five_events, seq, broken):
    tamper(("DELETE FROM audit_auditevent WHERE seq = %s", [seq]))
    with pytest.raises(CommandError, match=rf"BROKEN at event #{broken}: missing event"):
        verify()


@pytest.mark.django_db
def test_a_rewritten_head_is_found(five_events):
    ChainHead.objects.filter(pk=1).update(last_hash="f" * 64)
    with pytest.raises(CommandError, match=r"BROKEN at event #5: chain head hash"):
        verify()


@pytest.mark.django_db
def test_progress_is_reported_on_long_chains(reviewer):
    for _ in range(7):
        record(AuditCode.REQUEST_VIEWED, actor=reviewer)
    seen: list[tuple[int, int]] = []
    report = verify_chain(progress=lambda checked, total: seen.append((checked, total)), every=3)
    assert report.ok
    assert seen == [(3, 7), (6, 7)]
