"""Reading a Da Vinci PAS-style $submit or $inquire Bundle into what the JSON API takes (RequestIn), so
both interfaces go through the same checks and services. Every problem raises FhirInputError with a
sentence for the OperationOutcome."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.coverageeligibilityrequest import CoverageEligibilityRequest
from pydantic import ValidationError

from pme.api.fhir import mapping
from pme.api.fhir.questionnaire import parse_canonical
from pme.api.schemas import RequestIn
from pme.catalogue.published import find_versions


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


def _questionnaire_answers(response: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """A QuestionnaireResponse to our answers (by linkId = criterion key) and previous treatments.

    A question's answers: one value, or a list when several were given (a choice of several). A group
    whose children are `<key>.drug` and `<key>.outcome` (our Questionnaire's previous treatments; it
    repeats, one group per treatment) becomes the criterion's list of {"drug", "outcome"}. Answers nested
    under answers or groups are read too."""
    answers: dict[str, Any] = {}
    treatments: list[dict[str, str]] = []

    def walk(items: Any) -> None:
        for item in items or []:
            link = str(item.get("linkId") or "")
            if not link:
                continue
            if item.get("answer"):
                values = [_value(a) for a in item["answer"]]
                values = [v for v in values if v is not None]
                if values:
                    answers[link] = values[0] if len(values) == 1 else values
                for answer in item["answer"]:
                    walk(answer.get("item"))
                continue
            children = {str(c.get("linkId")): c for c in item.get("item") or []}
            if f"{link}.drug" in children or f"{link}.outcome" in children:
                parts = {
                    name: _value((children.get(f"{link}.{name}", {}).get("answer") or [{}])[0])
                    for name in ("drug", "outcome", "duration")
                }
                entry = {"drug": str(parts["drug"] or ""), "outcome": str(parts["outcome"] or "")}
                answers.setdefault(link, []).append(entry)
                treatments.append({**entry, "duration": str(parts["duration"] or "")})
            else:
                walk(item.get("item"))

    walk(response.get("item"))
    return answers, treatments


def _questionnaire_indication(reference: str) -> int | None:
    """The indication version a QuestionnaireResponse.questionnaire names (our canonical url|version, or
    Questionnaire/<id>); None when it names none of ours. A canonical without a version means the version
    in force today."""
    if not reference:
        return None
    lineage, version, pk = parse_canonical(reference)
    if pk is not None:
        return pk
    if lineage is None:
        raise FhirInputError(
            _("The QuestionnaireResponse names a questionnaire that is not ours: %(name)s")
            % {"name": reference[:200]}
        )
    found = find_versions(lineage=lineage, version=version, status="" if version else "active")
    if not found:
        raise FhirInputError(
            _("No version of this questionnaire is in the catalogue: %(name)s") % {"name": reference[:200]}
        )
    return found[-1].pk


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
    named: int | None = None  # the indication a QuestionnaireResponse names
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
            if response.get("resourceType") != "QuestionnaireResponse":
                raise FhirInputError(
                    _("The questionnaire reference must name a QuestionnaireResponse of the Bundle.")
                )
            answers, treatments = _questionnaire_answers(response)
            values["answers"].update(answers)
            values.setdefault("previous_treatments", []).extend(
                {"drug_name": t["drug"][:200], "outcome": t["outcome"], "duration": t["duration"][:100]}
                for t in treatments
                if t["drug"].strip()
            )
            named = _questionnaire_indication(str(response.get("questionnaire") or "")) or named
    if named is not None:
        if values.get("indication_id") and str(values["indication_id"]) != str(named):
            raise FhirInputError(
                _("The QuestionnaireResponse answers another indication than the one claimed.")
            )
        values["indication_id"] = named
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


# ---- Coverage check: CoverageEligibilityRequest -----------------------------------------------------------

ELIGIBILITY_PURPOSES = frozenset({"auth-requirements", "validation", "benefits"})


@dataclass(frozen=True)
class EligibilityInput:
    nam: str
    product: str  # a DIN or a catalogue drug key, as `check_coverage` takes it
    service_date: dt.date | None
    quantity: Decimal | None
    exception_code: str
    purpose: list[str]
    request_reference: dict[str, Any]  # CoverageEligibilityResponse.request


def _patient_nam(request: dict[str, Any]) -> str:
    patient = request.get("patient") or {}
    nam = _identifier({"identifier": [patient.get("identifier") or {}]}, mapping.NAM_SYSTEM)
    target = str(patient.get("reference", ""))
    if not nam and target.startswith("#"):
        for contained in request.get("contained") or []:
            if contained.get("resourceType") == "Patient" and contained.get("id") == target[1:]:
                nam = _identifier(contained, mapping.NAM_SYSTEM)
    return nam


def read_eligibility_request(data: Any) -> EligibilityInput:
    """A CoverageEligibilityRequest for one claim line: the patient's NAM (an identifier of the reference,
    or a contained Patient), servicedDate (or servicedPeriod.start), and one item whose productOrService
    has a DIN (or our drug key), with optionally its quantity and the exception code as a modifier."""
    if not isinstance(data, dict) or data.get("resourceType") != "CoverageEligibilityRequest":
        raise FhirInputError(_("Send a FHIR CoverageEligibilityRequest."))
    try:
        CoverageEligibilityRequest.model_validate(data)
    except ValidationError as exc:
        raise FhirInputError(
            _("The CoverageEligibilityRequest is not valid FHIR: %(problem)s") % {"problem": str(exc)[:500]}
        ) from None
    purpose = [str(p) for p in data.get("purpose") or []]
    if not ELIGIBILITY_PURPOSES.intersection(purpose):
        raise FhirInputError(_("The purpose must include auth-requirements, validation or benefits."))
    nam = _patient_nam(data)
    if not nam:
        raise FhirInputError(
            _("Name the patient with an identifier of system %(system)s.") % {"system": mapping.NAM_SYSTEM}
        )
    items = data.get("item") or []
    if len(items) != 1:
        raise FhirInputError(_("Send exactly one item: the product of one claim line."))
    item = items[0]
    concept = item.get("productOrService") or {}
    product = _din(concept)
    if not product:
        for coding in concept.get("coding") or []:
            if coding.get("system") == mapping.DRUG_KEY_SYSTEM and coding.get("code"):
                product = str(coding["code"])
    if not product:
        raise FhirInputError(
            _("Name the product with a DIN (system %(system)s).") % {"system": mapping.DIN_SYSTEM}
        )
    code = ""
    for modifier in item.get("modifier") or []:
        for coding in modifier.get("coding") or []:
            if coding.get("system") == mapping.EXCEPTION_CODE_SYSTEM and coding.get("code"):
                code = str(coding["code"])
    quantity = (item.get("quantity") or {}).get("value")
    served = data.get("servicedDate") or (data.get("servicedPeriod") or {}).get("start")
    identifiers = [i for i in data.get("identifier") or [] if i.get("value")]
    if data.get("id"):
        reference: dict[str, Any] = {"reference": f"CoverageEligibilityRequest/{data['id']}"}
    elif identifiers:
        reference = {
            "identifier": {k: identifiers[0][k] for k in ("system", "value") if identifiers[0].get(k)}
        }
    else:
        reference = {"display": "CoverageEligibilityRequest"}
    return EligibilityInput(
        nam=nam,
        product=product,
        service_date=dt.date.fromisoformat(str(served)[:10]) if served else None,
        quantity=Decimal(str(quantity)) if quantity is not None else None,
        exception_code=code,
        purpose=purpose,
        request_reference=reference,
    )
