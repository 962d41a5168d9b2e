"""/healthz probes the audit store without leaving a gap in the chain per call."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent
from pme.audit.services import record
from pme.audit.tests.fixtures import as_owner, link, postgres_only, run_sql


@pytest.mark.django_db
def test_health_checks_consume_no_seq_and_leave_no_gap():
    """A probe written in a rolled-back transaction would use up a seq value of the sequence on
    PostgreSQL at every call, and the chain would fill with gaps; the probe uses none."""
    first = record(AuditCode.REQUEST_VIEWED, actor=None)
    for _ in range(3):
        assert Client().get("/healthz").json()["audit"] == "ok"
    second = record(AuditCode.REQUEST_VIEWED, actor=None)
    assert second.seq == first.seq + 1
    assert link().gaps == 0
    assert not AuditEvent.objects.filter(action=AuditCode.HEALTH_CHECKED).exists()


@pytest.mark.django_db
@postgres_only
def test_healthz_is_503_when_the_application_role_loses_insert():
    if not settings.PME_DB_APP_ROLE:
        pytest.skip("needs PME_DB_APP_ROLE (CI's PostgreSQL pass sets it)")
    role = settings.PME_DB_APP_ROLE
    with as_owner():
        run_sql(f'REVOKE INSERT ON audit_auditevent FROM "{role}"')  # rolled back with the test
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "audit": "down"}
