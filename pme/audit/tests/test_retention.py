"""`manage.py apply_retention`: the audit trail's own period, as the oldest prefix of the chain."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from pme.audit.chain import verify_chain
from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent, AuditLink, ChainAnchor
from pme.audit.retention import AuditEventRetention
from pme.audit.services import record
from pme.audit.tests.fixtures import alter_event_in_database, as_owner, link, postgres_only, tamper
from pme.core.retention import discover_policies, years_before

LONG_AGO = dt.datetime(2012, 3, 1, 15, tzinfo=dt.UTC)
RECENTLY = dt.datetime(2026, 3, 1, 15, tzinfo=dt.UTC)


@pytest.fixture
def old_and_recent(reviewer, settings):
    settings.AUDIT_RETENTION_YEARS = 10
    with time_machine.travel(LONG_AGO, tick=False):
        old = [record(AuditCode.REQUEST_VIEWED, actor=reviewer, details={"n": n}) for n in range(3)]
    with time_machine.travel(RECENTLY, tick=False):
        recent = [record(AuditCode.REQUEST_VIEWED, actor=reviewer) for _ in range(2)]
    link()
    return old, recent


def retention(*args: str) -> str:
    """apply_retention as the operator runs it: under the database owner role."""
    out = io.StringIO()
    with as_owner():
        call_command("apply_retention", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.django_db
def test_dry_run_counts_and_changes_nothing(old_and_recent):
    output = retention("--dry-run")
    assert "audit.events: Audit events: kept 10 years" in output
    assert "would do: deleted 3" in output
    assert AuditEvent.objects.count() == 5


@pytest.mark.django_db
def test_old_events_are_deleted_and_the_chain_stays_verifiable(old_and_recent, settings):
    old, recent = old_and_recent
    output = retention()
    assert "deleted 3 of 3 audit events" in output
    assert "done: deleted 3" in output
    kept = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert kept == [recent[0].seq, recent[1].seq, recent[1].seq + 1]
    anchor = ChainAnchor.objects.get()
    assert not AuditLink.objects.filter(seq__lte=old[-1].seq).exists()
    assert anchor.anchor_seq == old[-1].seq
    applied = AuditEvent.objects.get(action="retention.applied")
    assert applied.details == {"policy": "audit.events", "deleted": 3, "anchor_seq": old[-1].seq}
    lines = [json.loads(line) for line in settings.AUDIT_ANCHOR_FILE.read_text().splitlines()]
    assert [(line["kind"], line["seq"], line["hash"]) for line in lines] == [
        ("retention", anchor.anchor_seq, anchor.anchor_hash)
    ]
    link()
    assert verify_chain().ok
    # Running again has nothing left to do.
    assert "done: deleted 0" in retention()


@pytest.mark.django_db
def test_an_anchor_moved_without_the_anchor_file_is_found(old_and_recent):
    """Someone with DELETE on the trail removes the oldest events and moves the anchor as retention
    would, but cannot write the anchor file: verify_audit refuses the anchor."""
    old, _recent = old_and_recent
    last_old = AuditLink.objects.get(seq=old[-1].seq)
    tamper(
        ("DELETE FROM audit_auditevent WHERE seq <= %s", [old[-1].seq]),
        ("DELETE FROM audit_auditlink WHERE seq <= %s", [old[-1].seq]),
    )
    with as_owner():
        ChainAnchor.objects.update_or_create(
            pk=1, defaults={"anchor_seq": old[-1].seq, "anchor_hash": last_old.hash}
        )
    report = verify_chain()
    assert (report.broken_seq, report.reason) == (
        old[-1].seq,
        "retention anchor not confirmed by the anchor file",
    )


@pytest.mark.django_db
@postgres_only
def test_retention_refuses_under_the_application_role(old_and_recent, settings):
    """The application role may not delete audit events; retention says to run it as the owner."""
    if not settings.PME_DB_APP_ROLE:
        pytest.skip("needs PME_DB_APP_ROLE (CI's PostgreSQL pass sets it)")
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"Retention refused by: audit\.events"):
        call_command("apply_retention", stdout=out, stderr=out)
    assert "retention runs under the owner role" in out.getvalue()
    assert AuditEvent.objects.count() == 5


@pytest.mark.django_db
def test_tampering_after_retention_is_still_found(old_and_recent):
    _old, recent = old_and_recent
    retention()
    alter_event_in_database(recent[0].seq, action="request.forged")
    report = verify_chain()
    assert report.broken_seq == recent[0].seq


@pytest.mark.django_db
def test_removing_the_first_kept_event_after_retention_is_found(old_and_recent):
    _old, recent = old_and_recent
    retention()
    tamper(("DELETE FROM audit_auditevent WHERE seq = %s", [recent[0].seq]))
    assert verify_chain().broken_seq == recent[0].seq


@pytest.mark.django_db
def test_retention_refuses_to_destroy_a_tampered_prefix(old_and_recent):
    old, _recent = old_and_recent
    alter_event_in_database(old[1].seq, action="request.forged")
    with pytest.raises(CommandError, match=r"Retention refused by: audit\.events"):
        retention()
    assert AuditEvent.objects.count() == 5
    assert ChainAnchor.objects.get().anchor_seq == 0


@pytest.mark.django_db
def test_nothing_to_do_on_a_young_trail(reviewer):
    record(AuditCode.REQUEST_VIEWED, actor=reviewer)
    assert "done: deleted 0" in retention()
    assert AuditEvent.objects.count() == 1


def test_apps_plug_in_their_policies_by_module():
    names = [policy.name for policy in discover_policies()]
    assert "audit.events" in names
    assert names[-1] == "audit.events"  # the trail is purged after the apps it describes


def test_years_before_handles_29_february():
    moment = dt.datetime(2028, 2, 29, 12, tzinfo=dt.UTC)
    assert years_before(moment, 10) == dt.datetime(2018, 2, 28, 12, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_cutoff_never_removes_an_event_younger_than_the_period(old_and_recent, settings):
    old, _recent = old_and_recent
    settings.AUDIT_RETENTION_YEARS = 20
    assert AuditEventRetention().cutoff_seq(dt.datetime(2026, 11, 1, tzinfo=dt.UTC)) == 0
    settings.AUDIT_RETENTION_YEARS = 10
    assert AuditEventRetention().cutoff_seq(dt.datetime(2026, 11, 1, tzinfo=dt.UTC)) == old[-1].seq
