"""Reading a Da Vinci PAS-style $submit or $inquire Bundle into what the JSON API takes (RequestIn), so
both interfaces go through the same checks and services. Every problem raises FhirInputError with a
sentence for the OperationOutcome."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from pme.api.fhir import mapping
from pme.api.schemas import RequestIn


class FhirInputError(ValueError):
    pass


@dataclass(frozen=True)
class ClaimInput:
    identifier: str  # Claim.identifier: our idempotency key
    practitioner: str
    nam: str
    claim: dict[str, Any]
    resources: dict[str, dict[str, Any]]


def _identifier(resource: dict[str, Any], system: str) -> str:
    for identifier in resource.get("identifier") or []:
        if identifier.get("system") == system and identifier.get("value"):
            return str(identifier["value"])
    return ""


def _resolve(reference: dict[str, Any] | None, resources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A reference inside the Bundle: by fullUrl, or by the last "Type/id" of the reference."""
    target = str((reference or {}).get("reference", ""))
    if not target:
        return {}
    return resources.get(target) or resources.get("/".join(target.split("/")[-2:])) or {}


def read_claim_bundle(data: Any) -> ClaimInput:
    """The Bundle must validate as FHIR, start with a Claim whose use is preauthorization, and name a
    Patient (NAM identifier) and a Practitioner (professional number)."""
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise FhirInputError(_("Send a FHIR Bundle whose first entry is a Claim."))
    try:
        Bundle.model_validate(data)
    except ValidationError as exc:
        raise FhirInputError(
            _("The Bundle is not valid FHIR: %(problem)s") % {"problem": str(exc)[:500]}
        ) from None
    entries = data.get("entry") or []
    resources: dict[str, dict[str, Any]] = {}
    for entry in entries:
        resource = entry.get("resource") or {}
        kind, rid = resource.get("resourceType", ""), resource.get("id", "")
        if entry.get("fullUrl"):
            resources[str(entry["fullUrl"])] = resource
        if kind and rid:
            resources[f"{kind}/{rid}"] = resource
    claim = (entries[0].get("resource") or {}) if entries else {}
    if claim.get("resourceType") != "Claim" or claim.get("use") != "preauthorization":
        raise FhirInputError(_("The first entry must be a Claim with use preauthorization."))
    patient = _resolve(claim.get("patient"), resources)
    practitioner = _resolve(claim.get("provider"), resources)
    nam = _identifier(patient, mapping.NAM_SYSTEM) or _identifier(
        {"identifier": [(claim.get("patient") or {}).get("identifier") or {}]}, mapping.NAM_SYSTEM
    )
    number = _identifier(practitioner, mapping.PRESCRIBER_SYSTEM) or _identifier(
        {"identifier": [(claim.get("provider") or {}).get("identifier") or {}]}, mapping.PRESCRIBER_SYSTEM
    )
    if not nam:
        raise FhirInputError(
            _("Name the patient with an identifier of system %(system)s.") % {"system": mapping.NAM_SYSTEM}
        )
    identifiers = [i.get("value") for i in claim.get("identifier") or [] if i.get("value")]
    return ClaimInput(
        identifier=str(identifiers[0]) if identifiers else "",
        practitioner=number,
        nam=nam,
        claim=claim,
        resources=resources,
    )


def _info_code(info: dict[str, Any]) -> tuple[str, str]:
    for coding in (info.get("category") or {}).get("coding") or []:
        if coding.get("system") == mapping.INFO_SYSTEM:
            criterion = ""
            for code in (info.get("code") or {}).get("coding") or []:
                if code.get("system") == mapping.CRITERION_SYSTEM:
                    criterion = str(code.get("code", ""))
            return str(coding.get("code", "")), criterion
    return "", ""


def _value(holder: dict[str, Any]) -> Any:
    for key in ("valueBoolean", "valueString", "valueDate", "valueInteger", "valueDecimal"):
        if key in holder:
            value = holder[key]
            return str(value) if key in ("valueInteger", "valueDecimal") else value
    if "valueQuantity" in holder:
        return str(holder["valueQuantity"].get("value"))
    if "valueCoding" in holder:
        return holder["valueCoding"].get("code")
    return None


def _questionnaire_answers(response: dict[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for item in response.get("item") or []:
        values = [_value(a) for a in item.get("answer") or []]
        if values and item.get("linkId"):
            answers[str(item["linkId"])] = values[0]
    return answers


def _din(*concepts: dict[str, Any]) -> str:
    for concept in concepts:
        for coding in (concept or {}).get("coding") or []:
            if coding.get("system") == mapping.DIN_SYSTEM and coding.get("code"):
                return str(coding["code"])
    return ""


def request_in(claim_input: ClaimInput) -> RequestIn:
    """The claim as the JSON API's request body (always sent: $submit submits)."""
    claim, resources = claim_input.claim, claim_input.resources
    patient = _resolve(claim.get("patient"), resources)
    names = patient.get("name") or [{}]
    family = str(names[0].get("family", ""))
    given = " ".join(names[0].get("given") or [])
    values: dict[str, Any] = {
        "nam": claim_input.nam,
        "prescriber": claim_input.practitioner or None,
        "insured_last_name": family,
        "insured_first_name": given,
        "insured_birth_date": patient.get("birthDate"),
        "submit": True,
        "answers": {},
    }
    item = (claim.get("item") or [{}])[0]
    medication_request = _resolve((claim.get("prescription") or None), resources)
    medication = _resolve(medication_request.get("medicationReference"), resources)
    values["din"] = _din(
        item.get("productOrService") or {},
        medication_request.get("medicationCodeableConcept") or {},
        medication.get("code") or {},
    )
    description = (
        (medication.get("code") or {}).get("text")
        or (medication_request.get("medicationCodeableConcept") or {}).get("text")
        or (item.get("productOrService") or {}).get("text")
        or ""
    )
    dosage = medication_request.get("dosageInstruction") or []
    if dosage and dosage[0].get("text"):
        values["dosage"] = str(dosage[0]["text"])[:250]
    dispense = medication_request.get("dispenseRequest") or {}
    quantity = dispense.get("quantity") or item.get("quantity") or {}
    if quantity.get("value") is not None:
        values["quantity"] = f"{quantity.get('value')} {quantity.get('unit', '')}".strip()[:120]
    period = item.get("servicedPeriod") or {}
    if period.get("start"):
        values["requested_start"] = period["start"][:10]
        if period.get("end"):
            start = dt.date.fromisoformat(period["start"][:10])
            end = dt.date.fromisoformat(period["end"][:10])
            values["requested_duration"] = max(1, min(999, (end - start).days + 1))
            values["requested_duration_unit"] = "days"
    for info in claim.get("supportingInfo") or []:
        code, criterion = _info_code(info)
        if code == "indication":
            values["indication_id"] = _value(info)
        elif code == "criterion" and criterion:
            values["answers"][criterion] = _value(info)
        elif code in (
            "condition",
            "alternatives_unusable",
            "seriousness",
            "expected_benefit",
            "clinical_notes",
        ):
            values[code] = str(_value(info) or "")
        elif code == "questionnaire":
            response = _resolve(info.get("valueReference"), resources)
            values["answers"].update(_questionnaire_answers(response))
    for diagnosis in claim.get("diagnosis") or []:
        text = (diagnosis.get("diagnosisCodeableConcept") or {}).get("text")
        if text and not values.get("condition"):
            values["condition"] = str(text)
    if values.get("indication_id"):
        values["kind"] = "exception_drug"
    else:
        values["kind"] = "exceptional_patient"
        values["drug_description"] = str(description)[:250]
    if claim.get("priority", {}).get("coding", [{}])[0].get("code") == "stat":
        values["urgency"] = "urgent"
    try:
        return RequestIn.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise FhirInputError(_("The claim is incomplete: %(problem)s") % {"problem": problems}) from None
