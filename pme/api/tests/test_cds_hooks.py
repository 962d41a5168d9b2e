"""CDS Hooks 2.0 through HTTP: discovery and cards follow the specification's required fields (JSON Schemas
in cds_hooks_schema.py); cards in French and English; "already authorized until …", "a request is
waiting", "code X applies if …" with a suggestion, "an authorization request is needed" with a link to the
pre-filled form that carries no personal information; nothing for a regular drug; who may call; one
audit event per call; the pre-filled form opens once, for its prescriber."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import parse_qs, urlparse

import jsonschema_rs
import pytest
from django.utils import formats, translation
from fhir.resources.R4B.medicationrequest import MedicationRequest

from pme.api.fhir import mapping
from pme.api.tests import cds_hooks_schema
from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent
from pme.audit.services import nam_hash
from pme.authorizations.models import RequestPrefill
from pme.authorizations.services import submit_request
from pme.authorizations.tests.factories import NAM_TREMBLAY, make_draft
from pme.catalogue.tests.factories import (
    CriterionFactory,
    DrugFactory,
    ExceptionCodeFactory,
    IndicationFactory,
)
from pme.core.nam import NAM
from pme.core.timeutils import local_today
from tests.personas import bearer_client_for, client_for

DIN = "02470365"
REGULAR_DIN = "02242903"
NOT_LISTED_DIN = "99100001"
DISCOVERY = jsonschema_rs.validator_for(cds_hooks_schema.DISCOVERY)
RESPONSE = jsonschema_rs.validator_for(cds_hooks_schema.RESPONSE)


def valid(validator: Any, body: dict[str, Any]) -> dict[str, Any]:
    errors = [e.message for e in validator.iter_errors(body)]
    assert not errors, errors
    return body


@pytest.fixture
def catalogue(db):
    drug = DrugFactory.create(
        key="dupilumab", generic_name_fr="dupilumab", generic_name_en="dupilumab", dins=[DIN]
    )
    indication = IndicationFactory.create(
        drug=drug,
        key="asthma",
        title_fr="Asthme sévère",
        title_en="Severe asthma",
        exception_code=ExceptionCodeFactory.create(code="RE172"),
        automatic_decision=True,
        initial_duration=12,
        quantity_rule_fr="1 inhalateur par mois",
        quantity_rule_en="1 inhaler a month",
    )
    CriterionFactory.create(indication=indication, key="exacerbations", satisfying_values=[True])
    DrugFactory.create(key="metformin", list_status="regular", dins=[REGULAR_DIN])
    DrugFactory.create(key="drug-x", list_status="not_listed", dins=[NOT_LISTED_DIN])
    return {"indication": indication}


def medication_request(rid: str, din: str, *, nam: str | None = None) -> dict[str, Any]:
    subject: dict[str, Any] = {"reference": "Patient/p1"}
    if nam:
        subject["identifier"] = {"system": mapping.NAM_SYSTEM, "value": nam}
    return {
        "resourceType": "MedicationRequest",
        "id": rid,
        "status": "draft",
        "intent": "order",
        "subject": subject,
        "medicationCodeableConcept": {"coding": [{"system": mapping.DIN_SYSTEM, "code": din}], "text": "x"},
        "dosageInstruction": [{"text": "300 mg every 2 weeks"}],
        "dispenseRequest": {"quantity": {"value": 2, "unit": "syringes"}},
    }


def hook_call(
    hook: str = "order-select",
    dins: tuple[str, ...] = (DIN,),
    *,
    patient: bool = True,
    selections: Any = None,
) -> dict[str, Any]:
    orders = [medication_request(f"mr{i}", din) for i, din in enumerate(dins, start=1)]
    context: dict[str, Any] = {
        "userId": "Practitioner/pr1",
        "patientId": "p1",
        "draftOrders": {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": o} for o in orders],
        },
    }
    if hook == "order-select":
        context["selections"] = (
            selections if selections is not None else [f"MedicationRequest/{o['id']}" for o in orders]
        )
    call: dict[str, Any] = {
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "hook": hook,
        "context": context,
    }
    if patient:
        call["prefetch"] = {
            "patient": {
                "resourceType": "Patient",
                "id": "p1",
                "identifier": [{"system": mapping.NAM_SYSTEM, "value": "TREM 8553 1512"}],
                "name": [{"family": "Tremblay", "given": ["Julie"]}],
                "birthDate": "1985-03-15",
            }
        }
    return call


def call(client, body: Any, service: str = "pme-order-select", **headers: str) -> Any:
    return client.post(
        f"/cds-services/{service}", data=json.dumps(body), content_type="application/json", headers=headers
    )


def cards_of(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return valid(RESPONSE, response.json())["cards"]


def test_discovery_follows_the_specification(db):
    response = bearer_client_for(None).get("/cds-services")
    assert response.status_code == 200
    services = valid(DISCOVERY, response.json())["services"]
    assert {(s["id"], s["hook"]) for s in services} == {
        ("pme-order-select", "order-select"),
        ("pme-order-sign", "order-sign"),
    }
    assert all(s["prefetch"] == {"patient": "Patient/{{context.patientId}}"} for s in services)
    english = bearer_client_for(None).get("/cds-services", headers={"Accept-Language": "en"}).json()
    assert english["services"][0]["title"] != services[0]["title"]


def test_exception_drug_without_authorization_code_card_and_request_link(prescriber, catalogue):
    before = AuditEvent.objects.filter(action=AuditCode.PRESCRIBING_ADVICE_GIVEN).count()
    found = cards_of(call(bearer_client_for(prescriber), hook_call()))
    assert [c["indicator"] for c in found] == ["info", "warning"]
    code_card, request_card = found
    assert "RE172" in code_card["summary"]
    assert code_card["selectionBehavior"] == "at-most-one"
    action = code_card["suggestions"][0]["actions"][0]
    assert action["type"] == "update"
    updated: Any = MedicationRequest.model_validate(action["resource"])  # a valid FHIR MedicationRequest
    assert updated.extension[0].valueCode == "RE172"
    link = request_card["links"][0]
    url = urlparse(link["url"])
    assert url.path == f"/fr/requests/new/exception/{catalogue['indication'].pk}/"
    assert list(parse_qs(url.query)) == ["prefill"]
    for personal in ("TREM", "8553", "Tremblay", "Julie", "1985"):
        assert personal not in link["url"]
    events = AuditEvent.objects.filter(action=AuditCode.PRESCRIBING_ADVICE_GIVEN)
    assert events.count() == before + 1
    event = events.latest("seq")
    assert event.nam_hash == nam_hash(NAM.parse(NAM_TREMBLAY))
    assert event.details["via"] == "cds"
    assert event.details["advice"] == ["request_needed"]


def test_cards_in_english(prescriber, catalogue):
    found = cards_of(call(bearer_client_for(prescriber), hook_call(), **{"Accept-Language": "en"}))
    assert found[0]["summary"] == "Exception drug: code RE172 applies if Severe asthma"
    assert found[1]["summary"].endswith("an authorization request is needed unless a code applies")
    assert urlparse(found[1]["links"][0]["url"]).path.startswith("/en/requests/new/exception/")


def test_already_authorized_until(prescriber, catalogue):
    draft = make_draft(
        prescriber, catalogue["indication"], requested_start=local_today() - dt.timedelta(days=3)
    )
    accepted = submit_request(actor=prescriber, request_id=draft.pk).auth_request
    assert accepted.status == "accepted"
    assert accepted.authorized_end is not None
    assert accepted.drug is not None
    found = cards_of(call(bearer_client_for(prescriber), hook_call(), **{"Accept-Language": "en"}))
    assert len(found) == 1
    with translation.override("en"):
        written = formats.date_format(accepted.authorized_end, "DATE_FORMAT")
    assert found[0]["summary"] == f"{accepted.drug.generic_name_en} {accepted.drug.strength}".strip() + (
        f": already authorized until {written}"
    )
    assert accepted.number in found[0]["detail"]
    assert RequestPrefill.objects.count() == 0  # nothing to pre-fill


def test_waiting_request(prescriber, catalogue):
    draft = make_draft(prescriber, catalogue["indication"], answers={"exacerbations": False})
    submit_request(actor=prescriber, request_id=draft.pk)
    found = cards_of(call(bearer_client_for(prescriber), hook_call()))
    assert len(found) == 1
    assert found[0]["indicator"] == "info"
    assert "En attente de traitement" in found[0]["detail"] or "Awaiting processing" in found[0]["detail"]


def test_another_prescribers_authorization_is_not_revealed(prescriber, other_prescriber, catalogue):
    draft = make_draft(other_prescriber, catalogue["indication"], requested_start=local_today())
    assert submit_request(actor=other_prescriber, request_id=draft.pk).auth_request.status == "accepted"
    found = cards_of(call(bearer_client_for(prescriber), hook_call()))
    assert [c["indicator"] for c in found] == ["info", "warning"]


def test_nothing_for_a_regular_drug_or_a_drug_we_do_not_know(prescriber, catalogue):
    assert cards_of(call(bearer_client_for(prescriber), hook_call(dins=(REGULAR_DIN, "01234567")))) == []


def test_drug_not_on_the_list_links_to_the_exceptional_patient_form(prescriber, catalogue):
    found = cards_of(call(bearer_client_for(prescriber), hook_call(dins=(NOT_LISTED_DIN,))))
    assert len(found) == 1
    assert urlparse(found[0]["links"][0]["url"]).path == "/fr/requests/new/exceptional-patient/"


def test_without_the_patients_nam_the_advice_does_not_guess(prescriber, catalogue):
    found = cards_of(call(bearer_client_for(prescriber), hook_call(patient=False)))
    request_card = found[-1]
    assert "prefill" not in request_card["links"][0]["url"]
    assert RequestPrefill.objects.count() == 0
    event = AuditEvent.objects.filter(action=AuditCode.PRESCRIBING_ADVICE_GIVEN).latest("seq")
    assert event.nam_hash == ""


def test_order_select_reads_only_the_selections_and_order_sign_every_order(prescriber, catalogue):
    client = bearer_client_for(prescriber)
    select = hook_call(dins=(REGULAR_DIN, DIN), selections=["MedicationRequest/mr1"])
    assert cards_of(call(client, select)) == []
    sign = hook_call("order-sign", dins=(REGULAR_DIN, DIN))
    assert len(cards_of(call(client, sign, service="pme-order-sign"))) == 2


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("collaborator", 403), ("pharmacist", 403), ("reviewer", 403)],
)
def test_only_prescribers_may_call(request, persona, status, catalogue):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = call(bearer_client_for(user), hook_call())
    assert response.status_code == status
    assert response.json()["code"] in ("unauthorized", "forbidden")


@pytest.mark.parametrize(
    ("body", "service"),
    [
        ("not json", "pme-order-select"),
        ({"hook": "order-sign", "hookInstance": "x", "context": {}}, "pme-order-select"),
        ({"hook": "order-select", "hookInstance": "x"}, "pme-order-select"),
        (
            {"hook": "order-select", "hookInstance": "x", "context": {"userId": "Practitioner/1"}},
            "pme-order-select",
        ),
    ],
)
def test_bad_calls_are_400(prescriber, catalogue, body, service):
    client = bearer_client_for(prescriber)
    if body == "not json":
        response = client.post(f"/cds-services/{service}", data="{", content_type="application/json")
    else:
        response = call(client, body, service=service)
    assert response.status_code == 400
    assert "message" in response.json()


def test_unknown_service_is_404(prescriber, catalogue):
    assert call(bearer_client_for(prescriber), hook_call(), service="nope").status_code == 404


def test_the_link_opens_the_prefilled_form_once_for_its_prescriber(prescriber, other_prescriber, catalogue):
    link = cards_of(call(bearer_client_for(prescriber), hook_call()))[1]["links"][0]["url"]
    path = link.removeprefix("http://127.0.0.1:8000").removeprefix("https://pme.example.org")
    assert path.startswith("/fr/requests/")
    stranger = client_for(other_prescriber).get(path)
    assert stranger.status_code == 200
    assert "TREM 8553 1512" not in stranger.content.decode()
    page = client_for(prescriber).get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert "TREM 8553 1512" in html
    assert 'value="Tremblay"' in html
    assert "300 mg every 2 weeks" in html
    opened = AuditEvent.objects.filter(action=AuditCode.PREFILL_OPENED).get()
    assert opened.nam_hash == nam_hash(NAM.parse(NAM_TREMBLAY))
    again = client_for(prescriber).get(path).content.decode()
    assert "TREM 8553 1512" not in again
    assert RequestPrefill.objects.count() == 0
