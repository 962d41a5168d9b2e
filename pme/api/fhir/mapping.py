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


# ---- Coverage checks (CoverageEligibilityResponse) and Questionnaires ----------------------------------

EXCEPTION_CODE_SYSTEM = f"{BASE}/CodeSystem/exception-code"
DRUG_KEY_SYSTEM = f"{BASE}/CodeSystem/drug"
COVERAGE_RESULT_SYSTEM = f"{BASE}/CodeSystem/coverage-result"
COVERAGE_RESULT = f"{BASE}/StructureDefinition/coverage-result"
BENEFIT_SYSTEM = f"{BASE}/CodeSystem/benefit-type"
QUESTIONNAIRE_BASE = f"{BASE}/Questionnaire"
INDICATION_SYSTEM = f"{BASE}/sid/indication"
TREATMENT_OUTCOME_SYSTEM = f"{BASE}/CodeSystem/treatment-outcome"
CHOICE_SYSTEM = f"{BASE}/CodeSystem/criterion-choice"
QUESTIONNAIRE_UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"


@dataclass(frozen=True)
class FhirCoverage:
    """How one coverage answer reads in a CoverageEligibilityResponse (docs/fhir.md has the table)."""

    inforce: bool  # insurance.inforce: the drug is payable for this person under this answer
    display: str  # the result code's display (English, as FHIR codes are)


COVERAGE_TO_FHIR: dict[str, FhirCoverage] = {
    "not_required": FhirCoverage(True, "No authorization needed (regular drug)"),
    "authorized": FhirCoverage(True, "Covered by an authorization"),
    "quantity_exceeded": FhirCoverage(True, "Authorized, quantity claimed over the quantity authorized"),
    "code_valid": FhirCoverage(True, "Covered by the exception code"),
    "code_withdrawn": FhirCoverage(False, "Exception code withdrawn"),
    "code_not_in_force": FhirCoverage(False, "Exception code not yet in force"),
    "code_wrong_drug": FhirCoverage(False, "Exception code of another drug"),
    "code_unknown": FhirCoverage(False, "Not an exception code"),
    "pending": FhirCoverage(False, "Request awaiting a decision"),
    "refused": FhirCoverage(False, "Request refused"),
    "expired": FhirCoverage(False, "Authorization ended"),
    "not_started": FhirCoverage(False, "Authorization not yet started"),
    "none": FhirCoverage(False, "No authorization"),
}
EXCEPTION_CODE_EXTENSION = f"{BASE}/StructureDefinition/exception-code"  # on a MedicationRequest (CDS)
