"""No update or delete path: not in the model, not in bulk, not in the admin, and on PostgreSQL not in
the database either, even for the owner (the trigger; the application role has no such privilege at
all: test_database_roles.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.db import DatabaseError
from django.db.models import ProtectedError

from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent, AuditLink
from pme.audit.services import record
from pme.audit.tests.fixtures import as_owner, link, postgres_only, run_sql


@pytest.fixture
def event(reviewer):
    return record(AuditCode.REQUEST_VIEWED, actor=reviewer)


@pytest.mark.django_db
def test_saving_an_existing_event_fails(event):
    event.action = "request.forged"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get().action == "request.viewed"


@pytest.mark.django_db
def test_deleting_an_event_fails(event):
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_bulk_update_and_delete_fail(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().action == "request.viewed"


@pytest.mark.django_db
def test_deleting_a_user_never_deletes_their_events(event, reviewer):
    with pytest.raises(ProtectedError):
        reviewer.delete()
    assert AuditEvent.objects.filter(actor=reviewer).count() == 1


def test_admin_offers_no_add_change_or_delete(rf):
    admin = site._registry[AuditEvent]
    request = rf.get("/")
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)


@pytest.mark.django_db
def test_links_cannot_be_saved_again_nor_deleted(event):
    link()
    chain_link = AuditLink.objects.get()
    with pytest.raises(PermissionError):
        chain_link.save()
    with pytest.raises(PermissionError):
        chain_link.delete()
    with pytest.raises(PermissionError):
        AuditLink.objects.update(hash="f" * 64)
    with pytest.raises(PermissionError):
        AuditLink.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'request.forged'",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_auditlink SET hash = 'f'",
        "DELETE FROM audit_auditlink",
    ],
    ids=["update-event", "delete-event", "update-link", "delete-link"],
)
@pytest.mark.usefixtures("event")
@postgres_only
def test_postgresql_refuses_raw_update_and_delete_even_to_the_owner(sql):
    link()
    with as_owner(), pytest.raises(DatabaseError, match="append-only"):
        run_sql(sql)
    assert AuditEvent.objects.get().action == "request.viewed"
    assert AuditLink.objects.count() == 1


@pytest.mark.django_db
@postgres_only
def test_postgresql_refuses_a_retention_delete_of_recent_events(event):
    """Even with the retention setting, an event less than a year old cannot be deleted."""
    with as_owner(), pytest.raises(DatabaseError):
        run_sql(
            "SELECT set_config('pme.audit_purge_through_seq', '100', true)", "DELETE FROM audit_auditevent"
        )
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
@postgres_only
def test_postgresql_allows_retention_to_delete_only_the_prefix_it_names(reviewer):
    with time_machine.travel(dt.datetime(2010, 1, 5, 12, tzinfo=dt.UTC), tick=False):
        old = [record(AuditCode.REQUEST_VIEWED, actor=reviewer) for _ in range(3)]
    allow = ("SELECT set_config('pme.audit_purge_through_seq', %s, true)", [str(old[1].seq)])
    with as_owner():
        run_sql(allow, ("DELETE FROM audit_auditevent WHERE seq <= %s", [old[1].seq]))
    with as_owner(), pytest.raises(DatabaseError):
        run_sql(allow, ("DELETE FROM audit_auditevent WHERE seq = %s", [old[2].seq]))
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [old[2].seq]
