"""FHIR resources we answer with, built as plain dicts and validated by `fhir.resources` (R4B models:
the Claim, ClaimResponse, Bundle and CapabilityStatement structures we use are the same as in R4 4.0.1)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.claimresponse import ClaimResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.resource import Resource

from pme.api.common import professional_number
from pme.api.fhir import mapping
from pme.authorizations.lifecycle import Status
from pme.authorizations.reads import RequestFile


def validated(model: type[Resource], data: dict[str, Any]) -> dict[str, Any]:
    """Validates `data` as `model` and returns its JSON form (what we send)."""
    resource = model.model_validate(data)
    return resource.model_dump(mode="json", exclude_none=True)


def operation_outcome(code: str, message: str, *, severity: str = "error") -> dict[str, Any]:
    return validated(
        OperationOutcome,
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": severity, "code": code, "diagnostics": message}],
        },
    )


def capability_statement(base_url: str) -> dict[str, Any]:
    return validated(
        CapabilityStatement,
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": timezone.now().date().isoformat(),
            "publisher": "PME",
            "kind": "instance",
            "software": {"name": "PME"},
            "implementation": {"description": "PME prior authorization (exception drugs)", "url": base_url},
            "fhirVersion": "4.0.1",
            "format": ["application/fhir+json", "json"],
            "rest": [
                {
                    "mode": "server",
                    "security": {
                        "description": "Authorization: Bearer <personal API token> (docs/fhir.md). "
                        "metadata is public; everything else needs a token."
                    },
                    "resource": [
                        {"type": "ClaimResponse", "interaction": [{"code": "read"}]},
                        {
                            "type": "Claim",
                            "operation": [
                                {
                                    "name": "submit",
                                    "definition": "http://hl7.org/fhir/OperationDefinition/Claim-submit",
                                },
                                {
                                    "name": "inquire",
                                    "definition": "http://hl7.org/fhir/us/davinci-pas/OperationDefinition/"
                                    "Claim-inquiry",
                                },
                            ],
                        },
                    ],
                }
            ],
        },
    )


def _codeable(system: str, code: str, display: str = "") -> dict[str, Any]:
    coding: dict[str, Any] = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding], **({"text": display} if display else {})}


def claim_response(file: RequestFile) -> dict[str, Any]:
    """The ClaimResponse of a sent request, from its file as a door read it (no query here): outcome,
    review action, authorization number, period, quantity, coded refusal reasons and notes. Raises
    KeyError for a draft."""
    auth_request = file.auth_request
    # The review app's part of the file: decisions with a letter, newest first.
    letters = file.sections.get("decisions", [])
    partial = bool(
        auth_request.status == Status.ACCEPTED
        and letters
        and letters[0].decision.kind == "accepted"
        and letters[0].decision.partial
    )
    status = mapping.fhir_status(auth_request.status, partial=partial)
    review_action: dict[str, Any] = {
        "url": mapping.REVIEW_ACTION,
        "extension": [
            {
                "url": "code",
                "valueCodeableConcept": _codeable(
                    status.action_system, status.action_code, status.action_display
                ),
            }
        ],
    }
    if auth_request.number:
        review_action["extension"].insert(0, {"url": "number", "valueString": auth_request.number})
    item_extensions = [review_action]
    adjudication: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    accepted = auth_request.status == Status.ACCEPTED
    period: dict[str, str] = {}
    if accepted and auth_request.authorized_start and auth_request.authorized_end:
        period = {
            "start": auth_request.authorized_start.isoformat(),
            "end": auth_request.authorized_end.isoformat(),
        }
        item_extensions.append({"url": mapping.ITEM_PERIOD, "valuePeriod": period})
    if accepted and auth_request.authorized_quantity:
        item_extensions.append(
            {"url": mapping.AUTHORIZED_QUANTITY, "valueString": auth_request.authorized_quantity}
        )
    category = _codeable(mapping.ADJUDICATION_SYSTEM, "decision", str(Status(auth_request.status).label))
    if auth_request.status == Status.REFUSED:
        key = "en" if _english() else "fr"
        for reason in auth_request.refusal_reasons or []:
            adjudication.append(
                {
                    "category": category,
                    "reason": _codeable(
                        mapping.REFUSAL_SYSTEM,
                        str(reason.get("code")),
                        str(reason.get(key) or reason.get("fr") or ""),
                    ),
                }
            )
        refusals = [entry.note for entry in file.timeline if entry.action == "refuse"]
        refusal_note = refusals[-1] if refusals else ""
        if refusal_note:
            notes.append({"number": 1, "type": "display", "text": refusal_note})
    if file.latest_question:
        notes.append({"number": 1, "type": "display", "text": file.latest_question})
    if not adjudication:
        adjudication.append({"category": category})
    data: dict[str, Any] = {
        "resourceType": "ClaimResponse",
        "id": str(auth_request.pk),
        "identifier": [{"system": mapping.REQUEST_NUMBER_SYSTEM, "value": auth_request.number}],
        "status": status.resource_status,
        "type": _codeable("http://terminology.hl7.org/CodeSystem/claim-type", "pharmacy"),
        "use": "preauthorization",
        "patient": {"identifier": {"system": mapping.NAM_SYSTEM, "value": auth_request.nam}},
        "created": (auth_request.submitted_at or auth_request.created_at).isoformat(),
        "insurer": {"display": "Régie (PME)"},
        "requestor": {
            "identifier": {
                "system": mapping.PRESCRIBER_SYSTEM,
                "value": professional_number(auth_request.prescriber),
            }
        },
        "outcome": status.outcome,
        "disposition": str(Status(auth_request.status).label),
        "item": [{"itemSequence": 1, "extension": item_extensions, "adjudication": adjudication}],
    }
    if auth_request.idempotency_key:
        data["request"] = {"identifier": {"value": auth_request.idempotency_key}}
    if auth_request.number and accepted:
        data["preAuthRef"] = auth_request.number
    if period:
        data["preAuthPeriod"] = period
    if notes:
        data["processNote"] = notes
    return validated(ClaimResponse, data)


def _english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "fr").startswith("en")


def bundle(resources: list[dict[str, Any]], *, base_url: str) -> dict[str, Any]:
    return validated(
        Bundle,
        {
            "resourceType": "Bundle",
            "type": "collection",
            "timestamp": timezone.now().isoformat(),
            "entry": [
                {
                    "fullUrl": f"{base_url}/{r['resourceType']}/{r['id']}" if r.get("id") else None,
                    "resource": r,
                }
                for r in resources
            ],
        },
    )
