"""`record(...)`: one event, the right actor, role and NAM hash, inside the caller's transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from pme.audit.chain import GENESIS_HASH, event_link_hash
from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent, AuditLink, Outcome
from pme.audit.services import AuditUnavailable, HashedNAM, nam_hash, record
from pme.audit.tests.fixtures import link
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
    link()
    assert AuditLink.objects.get(seq=1).hash == event_link_hash(stored, GENESIS_HASH)


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
    assert second.nam_hash == first.nam_hash
    link()
    first_link, second_link = AuditLink.objects.order_by("seq")
    assert second_link.prev_hash == first_link.hash
    assert second_link.hash == event_link_hash(AuditEvent.objects.get(seq=second.seq), first_link.hash)


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
    # On PostgreSQL its seq stays used (sequences are never rolled back): the chainer records a gap
    # there once no transaction can still hold it (test_chain_properties, test_chainer).


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
