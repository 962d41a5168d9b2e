"""Bad input gets the right 4xx in the caller's language and format, never a 500 (issue 14, finding 7):
413 for oversize bodies, 400 for malformed or too-deep JSON, an OperationOutcome for every FHIR error,
503 when the audit trail cannot be written, and /healthz reporting the audit store."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from pme.audit.models import AuditEvent
from tests.personas import bearer_client_for, client_for

FHIR_JSON = "application/fhir+json"
TOO_BIG = b'{"x": "' + b"a" * (3 * 1024 * 1024) + b'"}'  # over Django's 2.5 MB


def deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def outcome(response) -> dict:
    assert response["Content-Type"].startswith(FHIR_JSON), response["Content-Type"]
    body = json.loads(response.content)
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"][0]


@pytest.mark.django_db
def test_claim_submit_nested_3000_deep_is_a_400_operation_outcome(prescriber):
    response = bearer_client_for(prescriber).post(
        "/fhir/R4/Claim/$submit", data=deep(3000), content_type=FHIR_JSON
    )
    assert response.status_code == 400
    assert outcome(response)["code"] == "invalid"


@pytest.mark.django_db
def test_json_api_nested_too_deep_is_a_400_in_the_callers_language(prescriber):
    client = bearer_client_for(prescriber)
    body = b'{"kind": ' + deep(3000) + b"}"
    for language, words in (("fr", "imbriqué trop profondément"), ("en", "nested too deeply")):
        response = client.post(
            "/api/v1/requests", data=body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 400
        assert response.json()["code"] == "too_deep"
        assert words in response.json()["message"]


@pytest.mark.django_db
def test_malformed_json_is_a_400(prescriber):
    api = bearer_client_for(prescriber).post(
        "/api/v1/requests", data=b"{nope", content_type="application/json"
    )
    assert (api.status_code, api.json()["code"]) == (400, "bad_body")
    fhir = bearer_client_for(prescriber).post("/fhir/R4/Claim/$submit", data=b"{nope", content_type=FHIR_JSON)
    assert fhir.status_code == 400
    assert outcome(fhir)["code"] == "invalid"


@pytest.mark.django_db
def test_oversize_bodies_are_413_in_each_format(prescriber):
    api = bearer_client_for(prescriber).post(
        "/api/v1/requests", data=TOO_BIG, content_type="application/json"
    )
    assert (api.status_code, api.json()["code"]) == (413, "too_large")
    fhir = bearer_client_for(prescriber).post("/fhir/R4/Claim/$submit", data=TOO_BIG, content_type=FHIR_JSON)
    assert fhir.status_code == 413
    assert outcome(fhir)["code"] == "too-costly"
    page = client_for(prescriber).post(
        "/fr/accounts/password/",
        data=b"a=" + b"b" * (3 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert page.status_code == 413
    assert "trop volumineux" in page.content.decode()


@pytest.mark.django_db
def test_every_fhir_error_is_an_operation_outcome(settings, prescriber):
    settings.DEBUG = False  # Django's own debug pages would answer otherwise
    client = bearer_client_for(prescriber)
    wrong_method = client.get("/fhir/R4/Claim/$submit")
    assert wrong_method.status_code == 405
    assert outcome(wrong_method)["code"] == "not-supported"
    assert wrong_method["Allow"] == "POST"
    unknown = client.get("/fhir/R4/Patient/123")
    assert unknown.status_code == 404
    assert outcome(unknown)["code"] == "not-found"
    assert Client().post("/fhir/R4/Claim/$inquire", data=b"{}", content_type=FHIR_JSON).status_code == 401


@pytest.mark.django_db
def test_an_unexpected_fhir_failure_is_a_500_operation_outcome(prescriber, monkeypatch):
    from pme.api.fhir import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "read_claim_bundle", broken)
    response = bearer_client_for(prescriber).post(
        "/fhir/R4/Claim/$submit", data=b"{}", content_type=FHIR_JSON
    )
    assert response.status_code == 500
    assert outcome(response)["code"] == "exception"


@pytest.mark.django_db
def test_unknown_api_addresses_answer_in_the_apis_format(settings):
    settings.DEBUG = False
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_when_the_audit_cannot_be_written_reads_get_503_everywhere(request, prescriber, sent_request):
    browser, system = client_for(prescriber), bearer_client_for(prescriber)
    request.getfixturevalue("audit_insert_fails")  # from now on, every audit INSERT fails
    page = browser.get(f"/fr/requests/{sent_request.pk}/")
    assert page.status_code == 503
    assert sent_request.nam not in page.content.decode()
    api = system.get(f"/api/v1/requests/{sent_request.pk}")
    assert (api.status_code, api.json()["code"]) == (503, "audit_unavailable")
    assert "journal d'audit" in api.json()["message"]
    fhir = system.get(f"/fhir/R4/ClaimResponse/{sent_request.pk}")
    assert fhir.status_code == 503
    assert outcome(fhir)["code"] == "transient"
    assert not AuditEvent.objects.filter(action="request.viewed").exists()


@pytest.mark.django_db
def test_healthz_reports_the_audit_store(audit_insert_fails):
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "audit": "down"}


@pytest.mark.django_db
def test_healthz_is_green_and_leaves_no_event():
    response = Client().get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok", "audit": "ok"}
    assert not AuditEvent.objects.exists()
