"""The criteria as FHIR Questionnaires: every Questionnaire of the seed catalogue parses with fhir.resources
and round-trips; linkIds are our criterion keys; alternatives are asked in turn (enableWhen); search by drug
and by exception code; and a small EMR-like client builds a QuestionnaireResponse from each Questionnaire
(answering only the items enableWhen leaves enabled), sends it in Claim/$submit, and the request is
evaluated, accepted at once when the criteria are met and the indication allows it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from pme.api.common import professional_number
from pme.api.fhir import mapping
from pme.authorizations.models import AuthorizationRequest
from pme.catalogue.criteria import evaluate
from pme.catalogue.demo import load_seed_catalogue
from pme.catalogue.models import Criterion, Indication
from pme.catalogue.tests.factories import (
    CriterionFactory,
    DrugFactory,
    ExceptionCodeFactory,
    IndicationFactory,
)
from pme.core.timeutils import local_today
from tests.personas import bearer_client_for

NAM = "TREM85531512"


def round_trip(model: Any, data: dict[str, Any]) -> Any:
    resource = model.model_validate(data)
    assert json.loads(resource.model_dump_json(exclude_none=True)) == data
    return resource


@pytest.fixture
def seed(db):
    load_seed_catalogue()


@pytest.fixture
def alternatives(db) -> Indication:
    """yes/no, then a group of three alternatives (yes/no, number ≥ 7, choice), previous treatments."""
    indication = IndicationFactory.create(
        drug=DrugFactory.create(key="semaglutide", dins=["02471477"]),
        key="diabetes",
        exception_code=ExceptionCodeFactory.create(code="EN154"),
        automatic_decision=True,
        initial_duration=12,
    )
    CriterionFactory.create(indication=indication, position=1, key="type-2", satisfying_values=[True])
    CriterionFactory.create(
        indication=indication, position=2, key="metformin-failed", group="line", satisfying_values=[True]
    )
    CriterionFactory.create(
        indication=indication,
        position=3,
        key="hba1c",
        group="line",
        kind="number",
        comparison="ge",
        threshold=Decimal("7"),
        unit="%",
        satisfying_values=[],
    )
    CriterionFactory.create(
        indication=indication,
        position=4,
        key="risk",
        group="line",
        kind="choice",
        choices=[
            {"value": "high", "fr": "Élevé", "en": "High"},
            {"value": "low", "fr": "Faible", "en": "Low"},
        ],
        satisfying_values=["high"],
    )
    CriterionFactory.create(
        indication=indication,
        position=5,
        key="previous",
        kind="previous_treatments",
        threshold=Decimal("1"),
        satisfying_values=[],
    )
    return indication


def get(path: str, **headers: str) -> Any:
    response = bearer_client_for(None).get(path, headers=headers)
    assert response["Content-Type"].startswith("application/fhir+json")
    return response


# ---- The EMR-like client: renders a Questionnaire, answers what is enabled, builds the response --------


def _enabled(item: dict[str, Any], given: dict[str, Any]) -> bool:
    conditions = item.get("enableWhen") or []
    if not conditions:
        return True

    def holds(condition: dict[str, Any]) -> bool:
        if condition["question"] not in given:
            return False
        answer = given[condition["question"]]
        if "answerBoolean" in condition:
            expected: Any = condition["answerBoolean"]
        elif "answerDecimal" in condition:
            expected, answer = Decimal(str(condition["answerDecimal"])), Decimal(str(answer))
        else:
            expected = condition["answerCoding"]["code"]
        return {
            "=": answer == expected,
            "<": answer < expected,
            "<=": answer <= expected,
            ">": answer > expected,
            ">=": answer >= expected,
        }[condition["operator"]]

    results = [holds(c) for c in conditions]
    return all(results) if item.get("enableBehavior", "all") == "all" else any(results)


def _answer_value(item: dict[str, Any], value: Any) -> dict[str, Any]:
    kind = item["type"]
    if kind == "boolean":
        return {"valueBoolean": value}
    if kind == "decimal":
        return {"valueDecimal": float(value)}
    if kind == "date":
        return {"valueDate": value}
    if kind == "choice":
        option = next(o["valueCoding"] for o in item["answerOption"] if o["valueCoding"]["code"] == value)
        return {"valueCoding": option}
    return {"valueString": value}


def build_response(questionnaire: dict[str, Any], choose: Any) -> dict[str, Any]:
    """`choose(linkId)` gives the clinician's answer (None: left blank). Only enabled items are answered;
    a previous-treatments group repeats once per treatment."""
    given: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    for item in questionnaire.get("item", []):
        if not _enabled(item, given):
            continue
        value = choose(item["linkId"])
        if value is None:
            continue
        if item["type"] == "group":
            for treatment in value:
                children = [
                    {"linkId": f"{item['linkId']}.drug", "answer": [{"valueString": treatment["drug"]}]},
                    {
                        "linkId": f"{item['linkId']}.outcome",
                        "answer": [
                            _answer_value(
                                next(c for c in item["item"] if c["linkId"].endswith(".outcome")),
                                treatment["outcome"],
                            )
                        ],
                    },
                ]
                items.append({"linkId": item["linkId"], "item": children})
            continue
        given[item["linkId"]] = value
        items.append({"linkId": item["linkId"], "answer": [_answer_value(item, value)]})
    response = {
        "resourceType": "QuestionnaireResponse",
        "id": "qr1",
        "questionnaire": f"{questionnaire['url']}|{questionnaire['version']}",
        "status": "completed",
        "authored": "2026-11-25",
        **({"item": items} if items else {}),
    }
    round_trip(QuestionnaireResponse, response)
    return response


def satisfying_answer(criterion: Criterion) -> Any:
    """What a clinician whose patient meets the criterion answers (the test knows the rule)."""
    values = criterion.satisfying_values or []
    threshold = Decimal(criterion.threshold) if criterion.threshold is not None else Decimal(0)
    if criterion.kind == "yes_no":
        return values[0]
    if criterion.kind == "choice":
        return values[0]
    if criterion.kind == "number":
        step = {"gt": 1, "lt": -1}.get(criterion.comparison, 0)
        return threshold + step
    if criterion.kind == "date":
        days = 0 if criterion.comparison == "within_days" else int(threshold)
        return (local_today() - dt.timedelta(days=days)).isoformat()
    if criterion.kind == "previous_treatments":
        outcome = values[0] if values else "ineffective"
        return [{"drug": f"drug {i}", "outcome": outcome} for i in range(int(threshold))]
    return "See the clinical notes."


def claim_with(prescriber, response: dict[str, Any], identifier: str) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
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
                    "insurance": [{"sequence": 1, "focal": True, "coverage": {"display": "RAMQ"}}],
                    "prescription": {"reference": "MedicationRequest/mr1"},
                    "supportingInfo": [
                        {
                            "sequence": 1,
                            "category": {
                                "coding": [{"system": mapping.INFO_SYSTEM, "code": "questionnaire"}]
                            },
                            "valueReference": {"reference": "QuestionnaireResponse/qr1"},
                        }
                    ],
                    "item": [
                        {
                            "sequence": 1,
                            "productOrService": {"text": "as in the questionnaire"},
                            "servicedPeriod": {
                                "start": local_today().isoformat(),
                                "end": (local_today() + dt.timedelta(days=89)).isoformat(),
                            },
                        }
                    ],
                }
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
                    "medicationCodeableConcept": {"text": "as in the questionnaire"},
                    "dosageInstruction": [{"text": "once a day"}],
                }
            },
            {"resource": response},
        ],
    }


def submit(client, bundle: dict[str, Any]) -> Any:
    return client.post(
        "/fhir/R4/Claim/$submit", data=json.dumps(bundle), content_type="application/fhir+json"
    )


# ---- Tests ---------------------------------------------------------------------------------------------


def test_every_questionnaire_of_the_catalogue_parses_and_names_our_criteria(seed):
    response = get("/fhir/R4/Questionnaire")
    assert response.status_code == 200
    bundle = round_trip(Bundle, response.json())
    indications = list(Indication.objects.prefetch_related("criteria"))
    assert bundle.total == len(indications) > 40
    by_id = {i.pk: i for i in indications}
    for entry in response.json()["entry"]:
        resource = entry["resource"]
        round_trip(Questionnaire, resource)
        indication = by_id[int(resource["id"])]
        assert [item["linkId"] for item in resource.get("item", [])] == [
            c.key for c in indication.criteria.all()
        ]
        assert resource["version"] == str(indication.version)
        read = get(f"/fhir/R4/Questionnaire/{resource['id']}")
        assert read.json() == resource


def test_alternatives_are_asked_in_turn(alternatives):
    items = {i["linkId"]: i for i in get(f"/fhir/R4/Questionnaire/{alternatives.pk}").json()["item"]}
    assert "enableWhen" not in items["type-2"]
    assert "enableWhen" not in items["metformin-failed"]  # first of its group
    assert items["hba1c"]["enableWhen"] == [
        {"question": "metformin-failed", "operator": "=", "answerBoolean": False}
    ]
    assert items["risk"]["enableBehavior"] == "all"
    assert items["risk"]["enableWhen"] == [
        {"question": "metformin-failed", "operator": "=", "answerBoolean": False},
        {"question": "hba1c", "operator": "<", "answerDecimal": 7.0},
    ]
    assert "enableWhen" not in items["previous"]
    assert items["previous"]["type"] == "group"
    assert items["previous"]["repeats"] is True
    assert items["hba1c"]["extension"][0]["valueCoding"]["display"] == "%"
    assert [o["valueCoding"]["code"] for o in items["risk"]["answerOption"]] == ["high", "low"]


def test_questionnaire_in_the_language_of_the_call(alternatives):
    english = get(f"/fhir/R4/Questionnaire/{alternatives.pk}", **{"Accept-Language": "en"}).json()
    french = get(f"/fhir/R4/Questionnaire/{alternatives.pk}").json()
    assert english["language"] == "en"
    assert french["language"] == "fr"
    risk = {i["linkId"]: i for i in english["item"]}["risk"]
    assert risk["answerOption"][0]["valueCoding"]["display"] == "High"


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("drug=02471477", 1),
        ("drug=semaglutide", 1),
        ("exception-code=EN154", 1),
        ("exception-code=en 154", 1),
        ("drug=09999999", 0),
        ("status=active", 1),
        ("status=retired", 0),
    ],
)
def test_search_by_drug_and_by_code(alternatives, query, count):
    response = get(f"/fhir/R4/Questionnaire?{query}")
    assert response.status_code == 200
    assert round_trip(Bundle, response.json()).total == count


def test_search_by_canonical_url(alternatives):
    url = f"{mapping.QUESTIONNAIRE_BASE}/{alternatives.lineage}"
    assert get(f"/fhir/R4/Questionnaire?url={url}|1").json()["total"] == 1
    assert get(f"/fhir/R4/Questionnaire?url={url}|2").json()["total"] == 0


def test_unknown_search_parameter_is_refused(alternatives):
    response = get("/fhir/R4/Questionnaire?drugs=02471477")
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"
    assert get("/fhir/R4/Questionnaire/999999").status_code == 404


def test_response_with_met_criteria_is_accepted_at_once(prescriber, alternatives):
    questionnaire = get("/fhir/R4/Questionnaire?drug=02471477&status=active").json()["entry"][0]["resource"]
    chosen = {
        "type-2": True,
        "metformin-failed": False,
        "hba1c": Decimal("8.1"),
        "risk": "low",  # not asked: hba1c ≥ 7 met the group, so enableWhen hides it
        "previous": [{"drug": "metformine", "outcome": "ineffective"}],
    }
    response = build_response(questionnaire, chosen.get)
    assert [i["linkId"] for i in response["item"]] == ["type-2", "metformin-failed", "hba1c", "previous"]
    answer = submit(bearer_client_for(prescriber), claim_with(prescriber, response, "emr-1"))
    assert answer.status_code == 201, answer.content
    auth_request = AuthorizationRequest.objects.get()
    assert auth_request.indication_id == alternatives.pk  # named by QuestionnaireResponse.questionnaire
    assert auth_request.answers == {
        "type-2": True,
        "metformin-failed": False,
        "hba1c": "8.1",
        "previous": [{"drug": "metformine", "outcome": "ineffective"}],
    }
    assert [t.drug_name for t in auth_request.previous_treatments.all()] == ["metformine"]
    assert auth_request.status == "accepted"
    assert auth_request.automated is True


def test_response_with_a_criterion_not_met_waits_for_a_reviewer(prescriber, alternatives):
    questionnaire = get(f"/fhir/R4/Questionnaire/{alternatives.pk}").json()
    chosen = {
        "type-2": True,
        "metformin-failed": False,
        "hba1c": 6,
        "risk": "low",
        "previous": [{"drug": "metformine", "outcome": "other"}],
    }
    response = build_response(questionnaire, chosen.get)
    assert "risk" in [i["linkId"] for i in response["item"]]  # every earlier alternative not met
    answer = submit(bearer_client_for(prescriber), claim_with(prescriber, response, "emr-2"))
    assert answer.status_code == 201, answer.content
    auth_request = AuthorizationRequest.objects.get()
    assert auth_request.status == "submitted"
    assert auth_request.evaluation["overall"] == "not_met"


def test_response_to_another_questionnaire_than_the_indication_claimed_is_refused(prescriber, alternatives):
    other = IndicationFactory.create()
    questionnaire = get(f"/fhir/R4/Questionnaire/{alternatives.pk}").json()
    bundle = claim_with(prescriber, build_response(questionnaire, {"type-2": True}.get), "emr-3")
    bundle["entry"][0]["resource"]["supportingInfo"].append(
        {
            "sequence": 2,
            "category": {"coding": [{"system": mapping.INFO_SYSTEM, "code": "indication"}]},
            "valueString": str(other.pk),
        }
    )
    answer = submit(bearer_client_for(prescriber), bundle)
    assert answer.status_code == 400
    assert AuthorizationRequest.objects.count() == 0


def test_every_catalogue_questionnaire_answered_by_the_client_is_evaluated(seed, prescriber):
    """Each Questionnaire of the seed catalogue, answered with the answers of a patient who meets the
    criteria: accepted at once exactly when our own evaluation says an automatic decision is possible."""
    client = bearer_client_for(prescriber)
    indications = {i.pk: i for i in Indication.objects.select_related("drug").prefetch_related("criteria")}
    bundle = get("/fhir/R4/Questionnaire?status=active").json()
    assert bundle["total"] > 40
    statuses: list[str] = []
    for number, entry in enumerate(bundle["entry"]):
        questionnaire = entry["resource"]
        indication = indications[int(questionnaire["id"])]
        criteria = {c.key: c for c in indication.criteria.all()}
        response = build_response(
            questionnaire, lambda key, criteria=criteria: satisfying_answer(criteria[key])
        )
        answer = submit(client, claim_with(prescriber, response, f"seed-{number}"))
        assert answer.status_code == 201, (indication, answer.content)
        auth_request = AuthorizationRequest.objects.get(idempotency_key=f"fhir:seed-{number}")
        assert auth_request.indication_id == indication.pk
        assert auth_request.evaluation["indication_version"] == indication.version
        expected = evaluate(indication, auth_request.answers, reference_date=local_today())
        assert auth_request.evaluation["overall"] == str(expected.overall)
        assert expected.overall != "not_met", indication  # the client's answers meet the criteria
        automatic = expected.automatic_decision and bool(indication.initial_duration)
        assert (auth_request.status == "accepted") is automatic, indication
        statuses.append(auth_request.status)
    assert statuses.count("accepted") >= 5, statuses  # the instant decision is exercised, not only queued
    assert "submitted" in statuses


def test_capability_statement_lists_the_new_interactions(db):
    from fhir.resources.R4B.capabilitystatement import CapabilityStatement

    statement = round_trip(CapabilityStatement, get("/fhir/R4/metadata").json())
    resources = {r.type: r for r in statement.rest[0].resource}
    assert {i.code for i in resources["Questionnaire"].interaction} == {"read", "search-type"}
    assert {p.name for p in resources["Questionnaire"].searchParam} == {
        "drug",
        "exception-code",
        "url",
        "status",
    }
    assert [o.name for o in resources["CoverageEligibilityRequest"].operation] == ["submit"]
    assert "/cds-services" in statement.rest[0].documentation
