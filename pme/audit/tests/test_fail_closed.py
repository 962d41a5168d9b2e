"""Fail closed: when the audit table cannot be written, the read is refused and nothing is shown.

The failure is real: a database trigger makes every INSERT into the audit table fail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent, ConfidentialityIncident
from pme.audit.services import AuditUnavailable, create_incident, record
from pme.audit.tests.fixtures import fr_url, incident_values


@pytest.fixture
def seen_events(collaborator, nam):
    return [record(AuditCode.REQUEST_VIEWED, actor=collaborator, nam=nam) for _ in range(2)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    ["audit:events", "audit:yearly_report", "audit:signals", "audit:incidents", "audit:events_csv"],
)
def test_the_read_is_refused_when_its_event_cannot_be_written(
    officer_client, seen_events, audit_insert_fails, url_name
):
    response = officer_client.get(fr_url(url_name))
    assert response.status_code == 503
    html = response.content.decode()
    assert "Ces renseignements ne peuvent pas être affichés pour le moment" in html
    assert "collab.a" not in html  # nothing of the trail leaked
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_the_who_accessed_report_is_refused_too(officer_client, seen_events, audit_insert_fails):
    today = timezone.localdate()
    form = {"nam": "GIRR72041523", "date_from": today - dt.timedelta(days=1), "date_to": today}
    response = officer_client.post(fr_url("audit:person_report"), form, follow=True)
    assert response.status_code == 503
    assert "GIRR ···· ··23" not in response.content.decode()


@pytest.mark.django_db
def test_a_change_is_rolled_back_when_its_event_cannot_be_written(privacy_officer, audit_insert_fails):
    with pytest.raises(AuditUnavailable):
        create_incident(actor=privacy_officer, values=incident_values())
    assert not ConfidentialityIncident.objects.exists()
