"""`record(...)`: one event, the right actor, role and NAM hash, inside the caller's transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent, ChainHead, Outcome
from pme.audit.services import GENESIS_HASH, AuditUnavailable, HashedNAM, event_digest, nam_hash, record
from tests.personas import client_for


@pytest.mark.django_db
def test_record_writes_exactly_one_event_with_actor_role_and_nam_hash(collaborator, prescriber, nam, rf):
    request = rf.get("/", REMOTE_ADDR="192.0.2.7")
    event = record(
        AuditCode.REQUEST_VIEWED,
        actor=collaborator,
        nam=nam,
        on_behalf_of=prescriber,
        target=prescriber,
        request=request,
        details={"why": "panorama"},
    )
    assert AuditEvent.objects.count() == 1
    stored = AuditEvent.objects.get()
    assert stored.pk == event.pk
    assert stored.actor == collaborator
    assert stored.actor_username == "collab.a"
    assert stored.actor_role == "collaborator"
    assert stored.on_behalf_of == prescriber
    assert stored.nam_hash == nam_hash(nam)
    assert stored.nam_masked == "GIRR ···· ··23"
    assert "GIRR72041523" not in str(stored.__dict__)
    assert stored.object_type == "accounts.user"
    assert stored.object_id == str(prescriber.pk)
    assert stored.client_ip == "192.0.2.7"
    assert stored.outcome == Outcome.OK
    assert stored.seq == 1
    assert stored.prev_hash == GENESIS_HASH
    assert stored.hash == event_digest(stored)


@pytest.mark.django_db
def test_nam_hash_is_keyed(nam, settings):
    first = nam_hash(nam)
    settings.AUDIT_NAM_KEY = "another-key"
    assert nam_hash(nam) != first
    assert len(first) == 64


@pytest.mark.django_db
def test_events_are_chained(pharmacist, nam):
    first = record(AuditCode.INSURED_SEARCHED, actor=pharmacist, nam=nam, result_count=2)
    second = record(AuditCode.INSURED_SEARCHED, actor=pharmacist, nam=HashedNAM.of(nam), result_count=0)
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert second.nam_hash == first.nam_hash
    head = ChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (second.seq, second.hash)


@pytest.mark.django_db
def test_event_is_rolled_back_with_the_callers_transaction(reviewer):
    class Abort(Exception):
        pass

    def change_that_fails() -> None:
        with transaction.atomic():
            record(AuditCode.REQUEST_VIEWED, actor=reviewer)
            assert AuditEvent.objects.count() == 1
            raise Abort

    with pytest.raises(Abort):
        change_that_fails()
    assert AuditEvent.objects.count() == 0
    # The chain head was rolled back too: the next event is still number 1.
    assert record(AuditCode.REQUEST_VIEWED, actor=reviewer).seq == 1


@pytest.mark.django_db
def test_system_and_anonymous_actors_are_recorded_without_a_user(client):
    event = record(AuditCode.RETENTION_APPLIED, actor=None)
    assert event.actor is None
    assert event.actor_username == ""


@pytest.mark.django_db
def test_unknown_outcome_is_refused(reviewer):
    with pytest.raises(ValueError, match="unknown audit outcome"):
        record(AuditCode.REQUEST_VIEWED, actor=reviewer, outcome="maybe")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_forbidden_attempt_is_recorded_as_denied(reviewer):
    client = client_for(reviewer)
    response = client.get("/fr/audit/")
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="audit.access.denied")
    assert event.outcome == Outcome.DENIED
    assert event.actor == reviewer
    assert event.details == {"page": "audit:events", "method": "GET"}


@pytest.mark.django_db
def test_record_raises_audit_unavailable_when_the_database_refuses(reviewer, audit_insert_fails):
    with pytest.raises(AuditUnavailable):
        record(AuditCode.REQUEST_VIEWED, actor=reviewer)
