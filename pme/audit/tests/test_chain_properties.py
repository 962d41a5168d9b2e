"""Property tests of the chain (hypothesis): whatever the trail looks like, an altered, deleted, inserted or
reordered event is found at its seq; gaps left by rolled-back transactions are linked and verify; a
chainer that crashes mid-round loses nothing. On SQLite and PostgreSQL (CI runs both).

Each example runs in a savepoint rolled back at its end, with its own anchor file. On PostgreSQL the
sequence is not rolled back, so an example starts after the seq values earlier examples used: the
chainer links them as one leading gap (rounds run a day ahead, past the grace period).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from pme.audit import chainer
from pme.audit.chain import verify_chain
from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent, AuditLink, LinkKind
from pme.audit.services import record
from pme.audit.tests.fixtures import alter_event_in_database, tamper

EXAMPLES = hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
LATER = dt.timedelta(days=1)  # rounds run past the gap grace period


class _Undo(Exception):
    pass


@contextmanager
def example(tmp_path) -> Iterator[None]:
    """One hypothesis example: its own anchor file, everything it writes rolled back at the end."""
    settings.AUDIT_ANCHOR_FILE = tmp_path / f"anchor-{uuid.uuid4().hex}.log"
    try:
        with transaction.atomic():
            yield
            raise _Undo
    except _Undo:
        pass


def link_all() -> None:
    chainer.link_pending(now=timezone.now() + LATER)


def events(count: int) -> list[AuditEvent]:
    made = [record(AuditCode.REQUEST_VIEWED, actor=None, details={"n": n}) for n in range(count)]
    link_all()
    return made


def anchor_head() -> None:
    chainer.Anchorer().maybe_write(*_head(), now=timezone.now(), force=True)


def _head() -> tuple[int, str]:
    link = AuditLink.objects.order_by("-seq").first()
    assert link is not None
    return link.last_seq, link.hash


def reverify() -> int | None:
    return verify_chain(now=timezone.now()).broken_seq


@pytest.mark.django_db
@EXAMPLES
@given(
    count=st.integers(min_value=1, max_value=8),
    data=st.data(),
    column=st.sampled_from(
        [
            ("action", "request.forged"),
            ("actor_username", "someone.else"),
            ("details", '{"n": 99}'),
            ("object_id", "42"),
            ("nam_masked", "XXXX ···· ··00"),
        ]
    ),
)
def test_an_altered_event_is_found_at_its_seq(tmp_path, count, data, column):
    with example(tmp_path):
        made = events(count)
        target = data.draw(st.sampled_from(made))
        assert reverify() is None
        alter_event_in_database(target.seq, **dict([column]))
        report = verify_chain()
        assert (report.broken_seq, report.reason) == (target.seq, "content does not match its hash")


@pytest.mark.django_db
@EXAMPLES
@given(count=st.integers(min_value=1, max_value=8), data=st.data())
def test_a_deleted_event_is_found_at_its_seq(tmp_path, count, data):
    with example(tmp_path):
        made = events(count)
        target = data.draw(st.sampled_from(made))
        tamper(("DELETE FROM audit_auditevent WHERE seq = %s", [target.seq]))
        report = verify_chain()
        assert (report.broken_seq, report.reason) == (target.seq, "missing event")


@pytest.mark.django_db
@EXAMPLES
@given(count=st.integers(min_value=2, max_value=8), data=st.data())
def test_reordered_events_are_found(tmp_path, count, data):
    with example(tmp_path):
        made = events(count)
        first, second = sorted(
            data.draw(st.lists(st.sampled_from(made), min_size=2, max_size=2, unique=True)),
            key=lambda event: event.seq,
        )
        tamper(
            ("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [-first.seq, first.seq]),
            ("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [first.seq, second.seq]),
            ("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [second.seq, -first.seq]),
        )
        assert reverify() == first.seq


@pytest.mark.django_db
@EXAMPLES
@given(count=st.integers(min_value=2, max_value=8), data=st.data())
def test_an_event_inserted_into_the_chain_is_found(tmp_path, count, data):
    """Seq values are the events' primary key: an intruder can insert only where no event is, that is
    into a gap or before the anchor. Both are found."""
    with example(tmp_path):
        made = [record(AuditCode.REQUEST_VIEWED, actor=None, details={"n": n}) for n in range(count)]
        hole = data.draw(st.sampled_from(made[:-1]))  # a seq below the newest event, left unused
        tamper(("DELETE FROM audit_auditevent WHERE seq = %s", [hole.seq]))  # as if rolled back
        link_all()
        assert reverify() is None
        where = data.draw(st.sampled_from([hole.seq, 0, -5]))
        columns = "seq, created_at, actor_username, actor_role, action, object_type, object_id, nam_hash, "
        columns += "nam_masked, outcome, details"
        tamper(
            (
                f"INSERT INTO audit_auditevent ({columns}) VALUES (%s, %s, '', '', 'request.viewed', '', "
                "'', '', '', 'ok', '{}')",
                [where, timezone.now()],
            )
        )
        assert reverify() == (where if where > 0 else 0)


@pytest.mark.django_db
@EXAMPLES
@given(plan=st.lists(st.booleans(), min_size=1, max_size=12))
def test_gaps_left_by_rolled_back_transactions_are_linked_and_verify(tmp_path, plan):
    """`plan`: for each transaction, whether it commits (True) or rolls back (False) after recording."""
    with example(tmp_path):
        committed = []
        for commits in plan:
            try:
                with transaction.atomic():
                    event = record(AuditCode.REQUEST_VIEWED, actor=None)
                    if not commits:
                        raise _Undo
                committed.append(event.seq)
            except _Undo:
                pass
        link_all()
        report = verify_chain()
        assert report.ok, report.reason
        assert report.backlog == 0
        assert report.checked - report.gaps == len(committed)
        linked = set(AuditLink.objects.filter(kind=LinkKind.EVENT).values_list("seq", flat=True))
        assert linked == set(committed)


@pytest.mark.django_db
@EXAMPLES
@given(count=st.integers(min_value=1, max_value=10), crash_after=st.integers(min_value=0, max_value=10))
def test_a_chainer_crash_loses_nothing(tmp_path, monkeypatch, count, crash_after):
    """The chainer dies after hashing `crash_after` events of its round (a kill, a lost connection):
    the round's links roll back with it, and the next round links every event exactly once."""
    with example(tmp_path):
        made = [record(AuditCode.REQUEST_VIEWED, actor=None, details={"n": n}) for n in range(count)]
        real = chainer.event_link_hash
        calls = {"n": 0}

        def dying(event: AuditEvent, prev_hash: str) -> str:
            if calls["n"] == crash_after:
                raise SystemExit("chainer killed")
            calls["n"] += 1
            return real(event, prev_hash)

        monkeypatch.setattr(chainer, "event_link_hash", dying)
        crashed = crash_after < count
        if crashed:
            with pytest.raises(SystemExit):
                link_all()
            assert not AuditLink.objects.filter(kind=LinkKind.EVENT).exists()
        else:
            link_all()
        monkeypatch.setattr(chainer, "event_link_hash", real)
        link_all()
        link_all()  # a second round finds nothing to do
        linked = list(AuditLink.objects.filter(kind=LinkKind.EVENT).values_list("seq", flat=True))
        assert linked == [event.seq for event in made]
        assert verify_chain().ok


@pytest.mark.django_db
@EXAMPLES
@given(count=st.integers(min_value=2, max_value=8), data=st.data())
def test_a_truncated_tail_is_found_through_the_anchor_file(tmp_path, count, data):
    """An intruder with the owner's rights deletes the newest events and their links: the chain left
    is intact in itself, but shorter than the head the anchor file recorded."""
    with example(tmp_path):
        made = events(count)
        anchor_head()
        cut = data.draw(st.sampled_from(made[1:]))
        tamper(
            ("DELETE FROM audit_auditevent WHERE seq >= %s", [cut.seq]),
            ("DELETE FROM audit_auditlink WHERE seq >= %s", [cut.seq]),
        )
        report = verify_chain()
        assert report.broken_seq == cut.seq
        assert "the anchor file records" in report.reason


@pytest.mark.django_db
@EXAMPLES
@given(count=st.integers(min_value=1, max_value=8), data=st.data())
def test_a_tail_rewritten_with_the_key_is_found_through_the_anchor_file(tmp_path, count, data):
    """Even holding the key, an intruder who rewrites an event and recomputes every later link cannot
    change the head the anchor file recorded."""
    with example(tmp_path):
        made = events(count)
        anchor_head()
        target = data.draw(st.sampled_from(made))
        alter_event_in_database(target.seq, action="request.forged")
        tamper(("DELETE FROM audit_auditlink WHERE seq >= %s", [target.seq]))
        link_all()  # relinks from the forged event on, with the right key
        report = verify_chain()
        assert report.broken_seq == made[-1].seq
        assert report.reason == "link does not match the head recorded in the anchor file"
