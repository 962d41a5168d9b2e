"""FHIR R4 through HTTP: every resource we answer parses with fhir.resources and round-trips; $submit
then $inquire; decisions as review actions; errors as OperationOutcome; a real client (fhirclient)
reads our metadata and a ClaimResponse from a live server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.claimresponse import ClaimResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome

from pme.api.common import professional_number
from pme.api.fhir import mapping
from pme.authorizations.models import AuthorizationRequest
from pme.review.services import ReasonInput, refuse_request, take_request
from pme.review.tests.factories import reason
from tests.personas import bearer_client_for

NAM = "TREM85531512"


def round_trip(model: Any, data: dict[str, Any]) -> Any:
    resource = model.model_validate(data)
    again = json.loads(resource.model_dump_json(exclude_none=True))
    assert again == data
    return resource


def claim_bundle(prescriber, *, identifier="claim-1", indication=None, answers=None) -> dict[str, Any]:
    supporting: list[dict[str, Any]] = []
    if indication is not None:
        supporting.append(
            {
                "sequence": 1,
                "category": {"coding": [{"system": mapping.INFO_SYSTEM, "code": "indication"}]},
                "valueString": str(indication.pk),
            }
        )
        supporting.append(
            {
                "sequence": 2,
                "category": {"coding": [{"system": mapping.INFO_SYSTEM, "code": "questionnaire"}]},
                "valueReference": {"reference": "QuestionnaireResponse/qr1"},
            }
        )
    else:
        for i, (code, text) in enumerate(
            [
                ("condition", "rare disease"),
                ("alternatives_unusable", "none works"),
                ("seriousness", "life-threatening"),
                ("expected_benefit", "fewer hospital stays"),
            ],
            start=1,
        ):
            supporting.append(
                {
                    "sequence": i,
                    "category": {"coding": [{"system": mapping.INFO_SYSTEM, "code": code}]},
                    "valueString": text,
                }
            )
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:claim",
                "resource": {
                    "resourceType": "Claim",
                    "identifier": [{"system": "urn:emr", "value": identifier}],
                    "status": "active",
                    "type": {"coding": [{"code": "pharmacy"}]},
                    "use": "preauthorization",
                    "patient": {"reference": "Patient/p1"},
                    "created": "2026-11-25",
                    "provider": {"reference": "Practitioner/pr1"},
                    "priority": {"coding": [{"code": "normal"}]},
                    "prescription": {"reference": "MedicationRequest/mr1"},
                    "insurance": [{"sequence": 1, "focal": True, "coverage": {"display": "RAMQ"}}],
                    "supportingInfo": supporting,
                    "item": [
                        {
                            "sequence": 1,
                            "productOrService": {"text": "drug X 10 mg tablet"},
                            "servicedPeriod": {"start": "2026-12-01", "end": "2027-05-31"},
                        }
                    ],
                },
            },
            {
                "resource": {
                    "resourceType": "Patient",
                    "id": "p1",
                    "identifier": [{"system": mapping.NAM_SYSTEM, "value": NAM}],
                    "name": [{"family": "Tremblay", "given": ["Julie"]}],
                    "birthDate": "1985-03-15",
                }
            },
            {
                "resource": {
                    "resourceType": "Practitioner",
                    "id": "pr1",
                    "identifier": [
                        {"system": mapping.PRESCRIBER_SYSTEM, "value": professional_number(prescriber)}
                    ],
                }
            },
            {
                "resource": {
                    "resourceType": "MedicationRequest",
                    "id": "mr1",
                    "status": "active",
                    "intent": "order",
                    "subject": {"reference": "Patient/p1"},
                    "medicationCodeableConcept": {
                        "coding": [{"system": mapping.DIN_SYSTEM, "code": "02470365"}],
                        "text": "drug X 10 mg tablet",
                    },
                    "dosageInstruction": [{"text": "10 mg a day"}],
                    "dispenseRequest": {"quantity": {"value": 30, "unit": "tablets"}},
                }
            },
            {
                "resource": {
                    "resourceType": "QuestionnaireResponse",
                    "id": "qr1",
                    "status": "completed",
                    "item": [
                        {"linkId": key, "answer": [{"valueBoolean": value}]}
                        for key, value in (answers or {}).items()
                    ],
                }
            },
        ],
    }


def post(client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/fhir+json")


@pytest.mark.django_db
def test_metadata_is_a_capability_statement():
    response = bearer_client_for(None).get("/fhir/R4/metadata")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    statement = round_trip(CapabilityStatement, response.json())
    assert statement.fhirVersion == "4.0.1"


@pytest.mark.django_db
def test_submit_then_inquire(prescriber, request_indication):
    client = bearer_client_for(prescriber)
    bundle = claim_bundle(prescriber, indication=request_indication, answers={"exacerbations": True})
    response = post(client, "/fhir/R4/Claim/$submit", bundle)
    assert response.status_code == 201, response.content
    answer = round_trip(Bundle, response.json())
    claim_response = answer.entry[0].resource
    assert claim_response.__resource_type__ == "ClaimResponse"
    auth_request = AuthorizationRequest.objects.get()
    assert claim_response.outcome == "complete"
    assert claim_response.preAuthRef == auth_request.number
    action = claim_response.item[0].extension[0]
    assert action.url == mapping.REVIEW_ACTION
    codes = {e.url: e for e in action.extension}
    assert codes["code"].valueCodeableConcept.coding[0].code == "A1"
    assert codes["number"].valueString == auth_request.number
    assert auth_request.din == "02470365"
    assert auth_request.quantity == "30 tablets"
    repeated = post(client, "/fhir/R4/Claim/$submit", bundle)
    assert repeated.status_code == 200
    assert repeated.json()["entry"][0]["resource"]["id"] == str(auth_request.pk)
    inquiry = post(client, "/fhir/R4/Claim/$inquire", claim_bundle(prescriber, identifier="claim-1"))
    assert inquiry.status_code == 200
    found = round_trip(Bundle, inquiry.json())
    assert [e.resource.id for e in found.entry] == [str(auth_request.pk)]


@pytest.mark.django_db
def test_refusal_is_a_denied_review_action_with_coded_reasons(prescriber, reviewer):
    client = bearer_client_for(prescriber)
    response = post(client, "/fhir/R4/Claim/$submit", claim_bundle(prescriber))
    assert response.status_code == 201, response.content
    pended = response.json()["entry"][0]["resource"]
    assert pended["outcome"] == "queued"
    assert (
        pended["item"][0]["extension"][0]["extension"][-1]["valueCodeableConcept"]["coding"][0]["code"]
        == "A4"
    )
    auth_request = AuthorizationRequest.objects.get()
    held = take_request(request_id=auth_request.pk, reviewer=reviewer)
    refuse_request(
        request_id=held.pk,
        reviewer=reviewer,
        reasons=[ReasonInput(reason("not-exceptional", applies_to_criterion=False))],
        text="The necessity is not shown.",
        expected_version=held.row_version,
    )
    read = client.get(f"/fhir/R4/ClaimResponse/{auth_request.pk}")
    denied = round_trip(ClaimResponse, read.json())
    assert denied.item[0].adjudication[0].reason.coding[0].code == "not-exceptional"
    assert denied.processNote[0].text == "The necessity is not shown."


@pytest.mark.django_db
def test_errors_are_operation_outcomes(prescriber, other_collaborator, sent_request):
    client = bearer_client_for(prescriber)
    bad = post(client, "/fhir/R4/Claim/$submit", {"resourceType": "Patient"})
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/fhir+json")
    round_trip(OperationOutcome, bad.json())
    hidden = bearer_client_for(other_collaborator).get(f"/fhir/R4/ClaimResponse/{sent_request.pk}")
    assert hidden.status_code == 404
    assert round_trip(OperationOutcome, hidden.json()).issue[0].code == "not-found"
    anonymous = bearer_client_for(None).get(f"/fhir/R4/ClaimResponse/{sent_request.pk}")
    assert anonymous.status_code == 401


@pytest.mark.django_db(transaction=True)
def test_fhirclient_reads_metadata_and_a_claim_response(live_server, prescriber, sent_request, settings):
    from fhirclient import client as fhir_client
    from fhirclient.models.claimresponse import ClaimResponse as ClientClaimResponse

    settings.ALLOWED_HOSTS = ["*"]
    import datetime as dt

    from pme.accounts.services.api_tokens import issue_api_token
    from pme.core.timeutils import now

    _token, secret = issue_api_token(
        prescriber, name="fhirclient", expires_at=now() + dt.timedelta(days=1), actor=None
    )
    smart = fhir_client.FHIRClient(
        settings={"app_id": "pme-tests", "api_base": f"{live_server.url}/fhir/R4/"}
    )
    smart.server.session.headers["Authorization"] = f"Bearer {secret}"
    try:
        smart.prepare()  # reads /metadata into fhirclient's own R4 CapabilityStatement model
        read = ClientClaimResponse.read(str(sent_request.pk), smart.server)
    finally:
        smart.server.session.close()  # no keep-alive connection outliving the live server
    assert smart.server.capabilityStatement.fhirVersion == "4.0.1"
    assert read.use == "preauthorization"
    assert read.outcome == "queued"
    assert read.patient.identifier.value == sent_request.nam
