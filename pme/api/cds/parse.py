"""Reading a CDS Hooks 2.0 request (order-select, order-sign) into the door's terms: the orders
(MedicationRequests of `context.draftOrders`, only the `context.selections` for order-select) and the
person (the prefetched Patient, or the MedicationRequest's subject identifier, with our NAM system).
Every problem raises CdsInputError with a sentence for the caller (400)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.patient import Patient
from pydantic import ValidationError

from pme.api.fhir import mapping
from pme.consultation.prescribing import Order, Person
from pme.core.nam import NAM, InvalidNAM

REQUIRED_CONTEXT = {
    "order-select": ("userId", "patientId", "selections", "draftOrders"),
    "order-sign": ("userId", "patientId", "draftOrders"),
}


class CdsInputError(ValueError):
    pass


@dataclass(frozen=True)
class HookCall:
    hook: str
    hook_instance: str
    orders: list[Order]
    resources: dict[str, dict[str, Any]]  # the orders' MedicationRequests by reference (for suggestions)
    person: Person | None


def _identifier(identifiers: Any, system: str) -> str:
    for identifier in identifiers if isinstance(identifiers, list) else [identifiers or {}]:
        if isinstance(identifier, dict) and identifier.get("system") == system and identifier.get("value"):
            return str(identifier["value"])
    return ""


def _din(concept: dict[str, Any]) -> str:
    for coding in (concept or {}).get("coding") or []:
        if coding.get("system") == mapping.DIN_SYSTEM and coding.get("code"):
            return str(coding["code"])
    return ""


def _person(call: dict[str, Any], requests: list[dict[str, Any]]) -> Person | None:
    patient = (call.get("prefetch") or {}).get("patient") or {}
    if patient:
        try:
            Patient.model_validate(patient)
        except ValidationError as exc:
            raise CdsInputError(
                _("The prefetched Patient is not valid FHIR: %(problem)s") % {"problem": str(exc)[:300]}
            ) from None
    text = _identifier(patient.get("identifier") or [], mapping.NAM_SYSTEM)
    for request in requests:
        text = text or _identifier((request.get("subject") or {}).get("identifier"), mapping.NAM_SYSTEM)
    if not text:
        return None
    try:
        nam = NAM.parse(text)
    except InvalidNAM:
        raise CdsInputError(_("The patient's health insurance number is not valid.")) from None
    names = (patient.get("name") or [{}])[0]
    return Person(
        nam=nam,
        last_name=str(names.get("family") or ""),
        first_name=" ".join(names.get("given") or []),
        birth_date=str(patient.get("birthDate") or ""),
    )


def read_hook_call(data: Any, *, hook: str) -> HookCall:
    if not isinstance(data, dict):
        raise CdsInputError(_("Send a CDS Hooks request: a JSON object."))
    if data.get("hook") != hook:
        raise CdsInputError(_("This service answers the hook %(hook)s.") % {"hook": hook})
    if not isinstance(data.get("hookInstance"), str) or not data["hookInstance"]:
        raise CdsInputError(_("The request needs its hookInstance."))
    context = data.get("context")
    if not isinstance(context, dict):
        raise CdsInputError(_("The request needs its context."))
    missing = [name for name in REQUIRED_CONTEXT[hook] if name not in context]
    if missing:
        raise CdsInputError(_("The context lacks: %(names)s.") % {"names": ", ".join(missing)})
    orders_bundle = context["draftOrders"]
    try:
        Bundle.model_validate(orders_bundle)
    except (ValidationError, TypeError, ValueError) as exc:
        raise CdsInputError(
            _("context.draftOrders is not a valid FHIR Bundle: %(problem)s") % {"problem": str(exc)[:300]}
        ) from None
    resources: dict[str, dict[str, Any]] = {}
    for entry in orders_bundle.get("entry") or []:
        resource = entry.get("resource") or {}
        if resource.get("resourceType") and resource.get("id"):
            resources[f"{resource['resourceType']}/{resource['id']}"] = resource
    selections = context.get("selections")
    if hook == "order-select" and (
        not isinstance(selections, list) or not all(isinstance(s, str) for s in selections)
    ):
        raise CdsInputError(_("context.selections is a list of references, e.g. MedicationRequest/1."))
    requests = {
        ref: r
        for ref, r in resources.items()
        if r.get("resourceType") == "MedicationRequest"
        and (hook == "order-sign" or ref in (selections or []))
    }
    orders = []
    for reference, request in requests.items():
        medication = resources.get(str((request.get("medicationReference") or {}).get("reference", ""))) or {}
        dosage = request.get("dosageInstruction") or [{}]
        quantity = (request.get("dispenseRequest") or {}).get("quantity") or {}
        orders.append(
            Order(
                reference=reference,
                din=_din(request.get("medicationCodeableConcept") or {})
                or _din(medication.get("code") or {}),
                dosage=str(dosage[0].get("text") or ""),
                quantity=f"{quantity.get('value', '')} {quantity.get('unit', '')}".strip(),
            )
        )
    return HookCall(
        hook=hook,
        hook_instance=data["hookInstance"],
        orders=orders,
        resources=requests,
        person=_person(data, list(requests.values())),
    )
