"""The one table from our request statuses to FHIR codes (documented in docs/fhir.md).

ClaimResponse.status is FHIR's financial resource status; ClaimResponse.outcome says whether the
adjudication is done; the review action (Da Vinci PAS style) carries the X12 306 code of the decision.
Partial acceptance (a shorter period, a later start, or another quantity than asked) is A6 (modified).
"""

from __future__ import annotations

from dataclasses import dataclass

from pme.authorizations.lifecycle import Status

BASE = "https://pme.example/fhir"
NAM_SYSTEM = f"{BASE}/sid/nam"
PRESCRIBER_SYSTEM = f"{BASE}/sid/professional-number"
REQUEST_NUMBER_SYSTEM = f"{BASE}/sid/request-number"
DIN_SYSTEM = "http://hl7.org/fhir/sid/ca-hc-din"
INFO_SYSTEM = f"{BASE}/CodeSystem/supporting-info"
CRITERION_SYSTEM = f"{BASE}/CodeSystem/criterion"
REFUSAL_SYSTEM = f"{BASE}/CodeSystem/refusal-reason"
ADJUDICATION_SYSTEM = f"{BASE}/CodeSystem/adjudication"
STATUS_SYSTEM = f"{BASE}/CodeSystem/request-status"
X12_306 = "https://codesystem.x12.org/005010/306"
REVIEW_ACTION = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction"
ITEM_PERIOD = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-itemPreAuthPeriod"
AUTHORIZED_QUANTITY = f"{BASE}/StructureDefinition/authorized-quantity"


@dataclass(frozen=True)
class FhirStatus:
    resource_status: str  # ClaimResponse.status
    outcome: str  # ClaimResponse.outcome
    action_system: str
    action_code: str
    action_display: str


PENDED = FhirStatus("active", "queued", X12_306, "A4", "Pended")
STATUS_TO_FHIR: dict[str, FhirStatus] = {
    Status.SUBMITTED: PENDED,
    Status.IN_REVIEW: PENDED,
    Status.INFORMATION_REQUESTED: PENDED,
    Status.ACCEPTED: FhirStatus("active", "complete", X12_306, "A1", "Certified in total"),
    Status.REFUSED: FhirStatus("active", "complete", X12_306, "A3", "Not certified"),
    Status.WITHDRAWN: FhirStatus("cancelled", "complete", STATUS_SYSTEM, "withdrawn", "Withdrawn"),
}
PARTIAL = FhirStatus("active", "complete", X12_306, "A6", "Modified")


def fhir_status(status: str, *, partial: bool = False) -> FhirStatus:
    """Raises KeyError for a draft: drafts are never shown over FHIR."""
    if status == Status.ACCEPTED and partial:
        return PARTIAL
    return STATUS_TO_FHIR[status]
