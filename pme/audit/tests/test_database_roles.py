"""Finding #10 of issue 14: the application's database role cannot rewrite the audit store.

On PostgreSQL with PME_DB_APP_ROLE set (CI's PostgreSQL pass: the owner `pme_owner` migrates and owns
the test database, the suite runs as `pme_app`, see `.ci/run` and fixtures._as_application_role), every
statement that would rewrite the trail fails for want of privilege, before any trigger is reached.
Skipped on SQLite, which has no roles; it cannot skip in CI (PME_CI_TWO_ROLES=1 turns a missing set-up
into a failure).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import DatabaseError, connection

from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent, AuditLink
from pme.audit.services import record
from pme.audit.tests.fixtures import ON_POSTGRESQL, TWO_ROLES_EXPECTED, link, run_sql

FORBIDDEN = [
    "UPDATE audit_auditevent SET action = 'request.forged'",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER pme_audit_event_append_only",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "DROP TRIGGER pme_audit_event_append_only ON audit_auditevent",
    "DROP TABLE audit_auditevent",
    "UPDATE audit_auditlink SET hash = 'f'",
    "DELETE FROM audit_auditlink",
    "TRUNCATE audit_auditlink",
    "ALTER TABLE audit_auditlink DISABLE TRIGGER pme_audit_link_append_only",
    "DROP TRIGGER pme_audit_link_append_only ON audit_auditlink",
    "UPDATE audit_chainanchor SET anchor_seq = 5",
    "INSERT INTO audit_chainanchor (id, anchor_seq, anchor_hash) VALUES (2, 5, 'f')",
    "DELETE FROM audit_chainanchor",
    "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'seq'), 1)",
    "CREATE OR REPLACE FUNCTION pme_audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RETURN OLD; END; $$",
]


def _roles() -> tuple[str, str, bool]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, session_user, rolsuper FROM pg_roles WHERE rolname = session_user"
        )
        current, session, superuser = cursor.fetchone()
    return current, session, superuser


@pytest.fixture
def as_application_role(db) -> None:
    if not ON_POSTGRESQL:
        if TWO_ROLES_EXPECTED:
            pytest.fail("PME_CI_TWO_ROLES=1 but the tests run on SQLite")
        pytest.skip(
            "database roles are PostgreSQL's; SQLite has none (the model refuses, verify_audit finds)"
        )
    if not settings.PME_DB_APP_ROLE:
        if TWO_ROLES_EXPECTED:
            pytest.fail("PME_CI_TWO_ROLES=1 but PME_DB_APP_ROLE is empty")
        pytest.skip("PME_DB_APP_ROLE is not set: one role does everything (CI's PostgreSQL pass sets it)")
    current, session, superuser = _roles()
    assert current == settings.PME_DB_APP_ROLE, "the suite does not run as the application role"
    if TWO_ROLES_EXPECTED:
        assert session != current, "the owner and the application role must be two roles"
        assert not superuser, f"the owner role {session!r} must not be a superuser"


@pytest.mark.django_db
@pytest.mark.parametrize("sql", FORBIDDEN)
def test_the_application_role_cannot_rewrite_the_audit_store(as_application_role, sql):
    record(AuditCode.REQUEST_VIEWED, actor=None)
    link()
    with pytest.raises(DatabaseError, match=r"permission denied|must be owner"):
        run_sql(sql)
    assert AuditEvent.objects.get().action == "request.viewed"
    assert AuditLink.objects.count() == 1


@pytest.mark.django_db
def test_the_application_role_can_write_and_link_events(as_application_role):
    """What it keeps: INSERT and SELECT, which is all `record` and the chainer need."""
    event = record(AuditCode.REQUEST_VIEWED, actor=None)
    assert link().linked == 1
    assert AuditLink.objects.get().seq == event.seq
