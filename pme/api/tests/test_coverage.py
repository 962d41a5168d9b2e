"""The coverage check of a pharmacy claim, through HTTP, on the JSON API and on FHIR alike: every answer
(authorized, quantity over, ended, refused, pending, codes valid / withdrawn / of another drug, regular drug,
unknown person = none), who may ask, one audit event per check, the per-token limit, and every
CoverageEligibilityResponse parsed by fhir.resources and round-tripped."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome

from pme.api.fhir import mapping
from pme.audit.codes import AuditCode
from pme.audit.models import AuditEvent
from pme.audit.services import nam_hash
from pme.authorizations.services import submit_request
from pme.authorizations.tests.factories import NAM_TREMBLAY, make_draft
from pme.catalogue.tests.factories import (
    CriterionFactory,
    DrugFactory,
    ExceptionCodeFactory,
    IndicationFactory,
)
from pme.core.models import ThrottleCounter
from pme.core.nam import NAM
from pme.core.timeutils import local_today
from pme.review.services import ReasonInput, accept_request, refuse_request, take_request
from pme.review.tests.factories import reason
from tests.personas import bearer_client_for

DIN = "02470365"
OTHER_DIN = "02387174"
REGULAR_DIN = "02242903"
UNKNOWN_NAM = "ROYM70010112"  # a valid NAM nobody has a request for
INTERFACES = ("json", "fhir")


@pytest.fixture
def catalogue(db):
    """An exception drug with a codified indication (RE172), another exception drug with its own code
    (AI582), a withdrawn code on the first drug (RE100), and a regular drug."""
    today = local_today()
    drug = DrugFactory.create(key="dupilumab", generic_name_fr="dupilumab", dins=[DIN])
    other = DrugFactory.create(key="fidaxomicin", generic_name_fr="fidaxomicine", dins=[OTHER_DIN])
    regular = DrugFactory.create(key="metformin", list_status="regular", dins=[REGULAR_DIN])
    indication = IndicationFactory.create(
        drug=drug,
        key="asthma",
        exception_code=ExceptionCodeFactory.create(code="RE172"),
        automatic_decision=True,
        initial_duration=12,
        quantity_rule_fr="1 inhalateur par mois",
        quantity_rule_en="1 inhaler a month",
    )
    CriterionFactory.create(indication=indication, key="exacerbations", satisfying_values=[True])
    withdrawn = ExceptionCodeFactory.create(
        code="RE100",
        withdrawn_on=today - dt.timedelta(days=60),
        valid_until=today - dt.timedelta(days=30),
    )
    IndicationFactory.create(
        drug=drug, key="old", exception_code=withdrawn, effective_to=today - dt.timedelta(60)
    )
    IndicationFactory.create(
        drug=other, key="c-difficile", exception_code=ExceptionCodeFactory.create(code="AI582")
    )
    return {"drug": drug, "indication": indication, "regular": regular}


def send(prescriber, indication, *, met: bool, **overrides: Any):
    draft = make_draft(prescriber, indication, answers={"exacerbations": met}, **overrides)
    return submit_request(actor=prescriber, request_id=draft.pk).auth_request


def check(client, interface: str, *, nam: str = NAM_TREMBLAY, din: str = DIN, **extra: Any) -> dict[str, Any]:
    """One check through `interface`; returns {"result", "body", "status"}; FHIR answers are parsed by
    fhir.resources and must round-trip."""
    if interface == "json":
        response = client.post(
            "/api/v1/coverage/check",
            data=json.dumps({"nam": nam, "din": din, **extra}, default=str),
            content_type="application/json",
        )
        body = response.json()
        return {"status": response.status_code, "body": body, "result": body.get("result")}
    item: dict[str, Any] = {"productOrService": {"coding": [{"system": mapping.DIN_SYSTEM, "code": din}]}}
    if "quantity" in extra:
        item["quantity"] = {"value": extra["quantity"]}
    if "exception_code" in extra:
        item["modifier"] = [
            {"coding": [{"system": mapping.EXCEPTION_CODE_SYSTEM, "code": extra["exception_code"]}]}
        ]
    resource: dict[str, Any] = {
        "resourceType": "CoverageEligibilityRequest",
        "identifier": [{"system": "urn:pharmacy", "value": "claim-7"}],
        "status": "active",
        "purpose": ["validation"],
        "patient": {"identifier": {"system": mapping.NAM_SYSTEM, "value": nam}},
        "created": "2026-11-25",
        "insurer": {"display": "Régie"},
        "item": [item],
    }
    if "service_date" in extra:
        resource["servicedDate"] = str(extra["service_date"])
    response = client.post(
        "/fhir/R4/CoverageEligibilityRequest/$submit",
        data=json.dumps(resource),
        content_type="application/fhir+json",
    )
    body = response.json()
    assert response["Content-Type"].startswith("application/fhir+json")
    if response.status_code != 200:
        OperationOutcome.model_validate(body)
        return {"status": response.status_code, "body": body, "result": None}
    parsed: Any = CoverageEligibilityResponse.model_validate(body)
    assert json.loads(parsed.model_dump_json(exclude_none=True)) == body  # round trip
    item_out = parsed.insurance[0].item[0]
    result = next(e.valueCoding.code for e in item_out.extension if e.url == mapping.COVERAGE_RESULT)
    return {"status": 200, "body": body, "result": result, "resource": parsed}


def coverage_events() -> int:
    return AuditEvent.objects.filter(action=AuditCode.COVERAGE_CHECKED).count()


@pytest.mark.parametrize("interface", INTERFACES)
def test_valid_authorization_covers_the_claim(interface, pharmacist, prescriber, catalogue):
    start = local_today() - dt.timedelta(days=10)
    accepted = send(prescriber, catalogue["indication"], met=True, requested_start=start)
    assert accepted.status == "accepted"
    before = coverage_events()
    answer = check(bearer_client_for(pharmacist), interface, quantity=1)
    assert answer["status"] == 200, answer["body"]
    assert answer["result"] == "authorized"
    assert coverage_events() == before + 1
    event = AuditEvent.objects.filter(action=AuditCode.COVERAGE_CHECKED).latest("seq")
    assert event.nam_hash == nam_hash(NAM.parse(NAM_TREMBLAY))
    assert event.result_count == 1
    assert event.details["via"] == interface if interface == "fhir" else event.details["via"] == "api"
    if interface == "json":
        body = answer["body"]
        assert body["covered"] is True
        assert body["authorization"]["number"] == accepted.number
        assert body["authorization"]["end"] == accepted.authorized_end.isoformat()
        assert body["authorization"]["quantity_limit"] == 1
        assert body["quantity_tracked"] is False
    else:
        resource = answer["resource"]
        assert resource.preAuthRef == accepted.number
        assert resource.insurance[0].inforce is True
        assert resource.insurance[0].benefitPeriod.end.isoformat() == accepted.authorized_end.isoformat()
        assert resource.insurance[0].item[0].authorizationRequired is True
        assert resource.insurance[0].item[0].benefit[0].allowedString == "1 inhalateur par mois"


@pytest.mark.parametrize("interface", INTERFACES)
def test_quantity_over_the_authorized_quantity(interface, pharmacist, prescriber, catalogue):
    send(prescriber, catalogue["indication"], met=True, requested_start=local_today())
    answer = check(bearer_client_for(pharmacist), interface, quantity=3)
    assert answer["result"] == "quantity_exceeded"
    if interface == "json":
        assert answer["body"]["covered"] is False
        assert "3" in answer["body"]["message"]


@pytest.mark.parametrize("interface", INTERFACES)
def test_ended_authorization(interface, pharmacist, prescriber, catalogue):
    ended = send(
        prescriber, catalogue["indication"], met=True, requested_start=local_today() - dt.timedelta(400)
    )
    assert ended.authorized_end < local_today()
    answer = check(bearer_client_for(pharmacist), interface)
    assert answer["result"] == "expired"
    if interface == "fhir":
        assert answer["resource"].insurance[0].inforce is False
        assert answer["resource"].preAuthRef == ended.number


@pytest.mark.parametrize("interface", INTERFACES)
def test_refused_request(interface, pharmacist, prescriber, reviewer, catalogue):
    sent = send(prescriber, catalogue["indication"], met=False)
    held = take_request(reviewer=reviewer, request_id=sent.pk)
    refuse_request(
        reviewer=reviewer,
        request_id=held.pk,
        reasons=[ReasonInput(reason("criteria-not-met", applies_to_criterion=False))],
        text="No.",
        expected_version=held.row_version,
    )
    answer = check(bearer_client_for(pharmacist), interface)
    assert answer["result"] == "refused"


@pytest.mark.parametrize("interface", INTERFACES)
def test_pending_request(interface, pharmacist, prescriber, catalogue):
    send(prescriber, catalogue["indication"], met=False)
    answer = check(bearer_client_for(pharmacist), interface)
    assert answer["result"] == "pending"
    if interface == "json":
        assert answer["body"]["request"]["status"] == "submitted"
        assert answer["body"]["authorization_required"] is True


@pytest.mark.parametrize("interface", INTERFACES)
def test_pending_renewal_after_an_accepted_period_that_does_not_start_yet(
    interface, pharmacist, prescriber, reviewer, catalogue
):
    later = send(prescriber, catalogue["indication"], met=False)
    held = take_request(reviewer=reviewer, request_id=later.pk)
    start = local_today() + dt.timedelta(days=5)
    accept_request(
        reviewer=reviewer,
        request_id=held.pk,
        start=start,
        end=start + dt.timedelta(days=90),
        quantity="26 seringues",
        expected_version=held.row_version,
    )
    answer = check(bearer_client_for(pharmacist), interface)
    assert answer["result"] == "not_started"


@pytest.mark.parametrize("interface", INTERFACES)
@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("RE172", "code_valid"),
        ("re 172", "code_valid"),
        ("RE100", "code_withdrawn"),
        ("AI582", "code_wrong_drug"),
        ("ZZ999", "code_unknown"),
    ],
)
def test_exception_code_on_the_prescription(interface, code, expected, pharmacist, catalogue):
    answer = check(bearer_client_for(pharmacist), interface, exception_code=code)
    assert answer["result"] == expected
    if interface == "json":
        assert answer["body"]["covered"] is (expected == "code_valid")
        assert answer["body"]["authorization_required"] is (expected != "code_valid")
    else:
        assert answer["resource"].insurance[0].item[0].authorizationRequired is (expected != "code_valid")


@pytest.mark.parametrize("interface", INTERFACES)
def test_withdrawn_code_is_honoured_until_its_last_valid_day(interface, pharmacist, catalogue):
    today = local_today()
    answer = check(
        bearer_client_for(pharmacist),
        interface,
        exception_code="RE100",
        service_date=today - dt.timedelta(40),
    )
    assert answer["result"] == "code_valid"
    if interface == "json":
        assert answer["body"]["exception_code"]["honoured_until"] == (today - dt.timedelta(30)).isoformat()


@pytest.mark.parametrize("interface", INTERFACES)
def test_regular_drug_needs_no_authorization(interface, pharmacist, catalogue):
    before = coverage_events()
    answer = check(bearer_client_for(pharmacist), interface, din=REGULAR_DIN)
    assert answer["result"] == "not_required"
    assert coverage_events() == before + 1
    if interface == "fhir":
        assert answer["resource"].insurance[0].item[0].authorizationRequired is False
        assert answer["resource"].insurance[0].inforce is True


@pytest.mark.parametrize("interface", INTERFACES)
def test_unknown_person_answers_exactly_like_no_authorization(interface, pharmacist, prescriber, catalogue):
    """A person with requests for another drug only, and a NAM nobody has: the same answer."""
    other = IndicationFactory.create(drug=DrugFactory.create(key="omalizumab", dins=["02260565"]))
    send(prescriber, other, met=True)
    client = bearer_client_for(pharmacist)
    known = check(client, interface)
    unknown = check(client, interface, nam=UNKNOWN_NAM)
    assert known["result"] == unknown["result"] == "none"

    def without_person(body: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in body.items() if k not in ("patient", "created")}

    assert without_person(known["body"]) == without_person(unknown["body"])


@pytest.mark.parametrize("interface", INTERFACES)
@pytest.mark.parametrize("persona", ["prescriber", "collaborator", "reviewer"])
def test_only_pharmacists_may_check(interface, persona, request, catalogue):
    before = coverage_events()
    answer = check(bearer_client_for(request.getfixturevalue(persona)), interface)
    assert answer["status"] == 403
    assert coverage_events() == before


@pytest.mark.parametrize("interface", INTERFACES)
def test_bad_input_is_a_clear_4xx(interface, pharmacist, catalogue):
    client = bearer_client_for(pharmacist)
    unknown_din = check(client, interface, din="09999999")
    assert unknown_din["status"] == 422
    future = check(client, interface, service_date=local_today() + dt.timedelta(days=3))
    assert future["status"] == 422
    bad_nam = check(client, interface, nam="TREM 1234")
    assert bad_nam["status"] == 422
    assert coverage_events() == 0


def test_fhir_request_must_be_a_coverage_eligibility_request(pharmacist, catalogue):
    client = bearer_client_for(pharmacist)
    response = client.post(
        "/fhir/R4/CoverageEligibilityRequest/$submit",
        data=json.dumps({"resourceType": "Claim"}),
        content_type="application/fhir+json",
    )
    assert response.status_code == 400
    assert OperationOutcome.model_validate(response.json()).issue[0].code == "invalid"


def test_english_message(pharmacist, catalogue):
    client = bearer_client_for(pharmacist)
    response = client.post(
        "/api/v1/coverage/check",
        data=json.dumps({"nam": NAM_TREMBLAY, "din": REGULAR_DIN}),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert (
        response.json()["message"] == "No authorization is needed: this drug is a regular drug of the list."
    )
    french = client.post(
        "/api/v1/coverage/check",
        data=json.dumps({"nam": NAM_TREMBLAY, "din": REGULAR_DIN}),
        content_type="application/json",
    )
    assert french.json()["message"] != response.json()["message"]


@pytest.mark.parametrize("interface", INTERFACES)
def test_limit_is_per_token(interface, pharmacist, catalogue, settings):
    settings.PME_COVERAGE_LIMIT = 2
    first, second = bearer_client_for(pharmacist), bearer_client_for(pharmacist)
    assert [check(first, interface, din=REGULAR_DIN)["status"] for _ in range(3)] == [200, 200, 429]
    refused = AuditEvent.objects.filter(action=AuditCode.COVERAGE_CHECKED).latest("seq")
    assert refused.outcome == "denied"
    assert check(second, interface, din=REGULAR_DIN)["status"] == 200  # another token, its own count


@pytest.mark.parametrize("interface", INTERFACES)
def test_a_check_whose_event_cannot_be_written_is_not_counted(interface, pharmacist, catalogue, request):
    """The check's count, its read and its event commit together: when the audit is down the check is
    refused (503), nothing is recorded and the token's coverage count is unchanged."""
    client = bearer_client_for(pharmacist)  # issuing the token is recorded: before the audit goes down
    request.getfixturevalue("audit_insert_fails")
    assert check(client, interface)["status"] == 503
    assert not ThrottleCounter.objects.filter(key__startswith="rate:coverage_check:").exists()
    assert not AuditEvent.objects.filter(action=AuditCode.COVERAGE_CHECKED).exists()
