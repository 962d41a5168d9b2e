"""The confidentiality-incident register: Law 25 fields, privacy officer only, every change kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pme.audit.models import AuditEvent, ConfidentialityIncident, IncidentVersion
from pme.audit.services import create_incident, update_incident
from pme.audit.tests.fixtures import fr_url, incident_values


def form_data(**overrides):
    data = {k: ("" if v is None else v) for k, v in incident_values(**overrides).items()}
    if not data["persons_count_estimated"]:
        del data["persons_count_estimated"]  # an unticked checkbox is not sent
    return data


@pytest.mark.django_db
def test_privacy_officer_registers_an_incident(officer_client, privacy_officer):
    response = officer_client.post(fr_url("audit:incident_new"), form_data(persons_count=12))
    incident = ConfidentialityIncident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == fr_url("audit:incident", [incident.pk])
    assert incident.reference == f"INC-{timezone.localdate().year}-001"
    assert incident.persons_count == 12
    assert incident.created_by == privacy_officer
    version = IncidentVersion.objects.get()
    assert (version.version, version.data["persons_count"]) == (1, 12)
    event = AuditEvent.objects.get(action="incident.created")
    assert event.actor == privacy_officer
    assert event.object_id == str(incident.pk)


@pytest.mark.django_db
def test_dates_that_contradict_each_other_are_refused(officer_client):
    today = timezone.localdate()
    data = form_data(occurred_on=today - dt.timedelta(days=1), discovered_on=today - dt.timedelta(days=4))
    response = officer_client.post(fr_url("audit:incident_new"), data)
    assert response.status_code == 400
    assert "L&#x27;incident ne peut pas avoir été découvert avant d&#x27;avoir eu lieu." in (
        response.content.decode()
    )
    assert not ConfidentialityIncident.objects.exists()
    assert not AuditEvent.objects.filter(action="incident.created").exists()


@pytest.mark.django_db
def test_missing_required_fields_are_listed(officer_client):
    response = officer_client.post(fr_url("audit:incident_new"), {})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_description"' in html  # the error summary links to the field
    assert not ConfidentialityIncident.objects.exists()


@pytest.mark.django_db
def test_an_update_keeps_every_version_and_is_audited(officer_client, incident, privacy_officer):
    response = officer_client.post(
        fr_url("audit:incident_edit", [incident.pk]),
        form_data(persons_count=40, persons_count_estimated=True, harm_risk="yes"),
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.version == 2
    versions = {v.version: v for v in incident.versions.all()}
    assert versions[1].data["persons_count"] == 1  # the first version is unchanged
    assert versions[2].data["persons_count"] == 40
    assert versions[2].changed_fields == ["persons_count", "persons_count_estimated", "harm_risk"]
    event = AuditEvent.objects.get(action="incident.updated")
    assert event.details["changed"] == ["persons_count", "persons_count_estimated", "harm_risk"]
    page = officer_client.get(fr_url("audit:incident", [incident.pk])).content.decode()
    assert "Version 2" in page
    assert "Version 1" in page
    assert "Risque de préjudice sérieux" in page


@pytest.mark.django_db
def test_saving_without_changes_writes_nothing(officer_client, incident):
    officer_client.post(fr_url("audit:incident_edit", [incident.pk]), form_data())
    incident.refresh_from_db()
    assert incident.version == 1
    assert not AuditEvent.objects.filter(action="incident.updated").exists()


@pytest.mark.django_db
def test_reading_the_register_and_an_incident_is_audited(officer_client, incident):
    officer_client.get(fr_url("audit:incidents"))
    officer_client.get(fr_url("audit:incident", [incident.pk]))
    assert AuditEvent.objects.filter(action="incident.listed").count() == 1
    assert AuditEvent.objects.filter(action="incident.viewed", object_id=str(incident.pk)).count() == 1


@pytest.mark.django_db
def test_unknown_incident_is_404(officer_client):
    assert officer_client.get(fr_url("audit:incident", [999])).status_code == 404


@pytest.mark.django_db
def test_a_version_cannot_be_rewritten(incident):
    version = incident.versions.get()
    version.data = {}
    with pytest.raises(PermissionError):
        version.save()


@pytest.mark.django_db
def test_service_rejects_a_notification_before_discovery(privacy_officer):
    today = timezone.localdate()
    values = incident_values(commission_notified_on=today - dt.timedelta(days=4))
    with pytest.raises(ValidationError) as exc:
        create_incident(actor=privacy_officer, values=values)
    assert "commission_notified_on" in exc.value.message_dict


@pytest.mark.django_db
def test_service_update_returns_the_changed_fields(incident, privacy_officer):
    incident, changed = update_incident(
        actor=privacy_officer,
        incident_id=incident.pk,
        values=incident_values(measures_taken="Nouvelle procédure."),
    )
    assert changed == ["measures_taken"]
    assert incident.version == 2
