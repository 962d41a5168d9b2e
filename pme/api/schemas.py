"""Shapes of the JSON API (pydantic, through django-ninja). Field descriptions become the OpenAPI
document; the examples show a call in French and one in English (the language is the caller's
Accept-Language header; codes and field names are the same in both)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from ninja import Field, Schema
from pydantic import create_model

from pme.api import content_schema

Kind = Literal["exception_drug", "exceptional_patient"]
RequestTypeCode = Literal["first", "renewal", "continuation", "restart"]
StatusCode = Literal[
    "draft", "submitted", "in_review", "information_requested", "accepted", "refused", "withdrawn"
]


class ErrorOut(Schema):
    code: str = Field(description="Stable code for programs, e.g. not_found, precondition_failed.")
    message: str = Field(description="A sentence for people, in the Accept-Language of the call.")
    errors: list[dict[str, Any]] | None = Field(None, description="Fields in error, when there are.")


ERROR_RESPONSES: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 412, 422, 429), ErrorOut)


# ---- Catalogue ----------------------------------------------------------------------------------------


class CriterionOut(Schema):
    key: str
    kind: str
    question: str
    hint: str
    choices: list[dict[str, Any]]
    unit: str
    required_for_automatic: bool


class IndicationOut(Schema):
    id: int
    drug_id: int
    key: str
    version: int
    title: str
    text: str
    exception_code: str | None
    effective_from: dt.date
    effective_to: dt.date | None
    duration_unit: str
    initial_duration: int | None
    renewal_duration: int | None
    quantity_rule: str
    automatic_decision: bool
    criteria: list[CriterionOut]


class DrugSummaryOut(Schema):
    id: int
    key: str
    generic_name: str
    brands: list[str]
    strength: str
    form: str
    dins: list[str]
    list_status: str
    therapeutic_system: str


class DrugOut(DrugSummaryOut):
    note: str
    indications: list[IndicationOut]


class DrugPageOut(Schema):
    items: list[DrugSummaryOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null at the end.")


# ---- Requests -----------------------------------------------------------------------------------------


class TreatmentIn(Schema):
    drug_name: str = Field(max_length=200, min_length=1)
    outcome: Literal["ineffective", "not_tolerated", "contraindicated", "other"]
    duration: str = Field("", max_length=100)
    details: str = Field("", max_length=300)


REQUEST_EXAMPLES: dict[str, dict[str, Any]] = {
    "fr": {
        "summary": "Médicament d'exception (français)",
        "value": {
            "kind": "exception_drug",
            "nam": "TREM 8553 1512",
            "insured_last_name": "Tremblay",
            "insured_first_name": "Julie",
            "insured_birth_date": "1985-03-15",
            "indication_id": 12,
            "answers": {"exacerbations": True},
            "requested_start": "2026-12-01",
            "requested_duration": 12,
            "requested_duration_unit": "months",
            "dosage": "2 inhalations deux fois par jour",
            "quantity": "1 inhalateur par mois",
            "previous_treatments": [
                {"drug_name": "budésonide", "outcome": "ineffective", "duration": "6 mois"}
            ],
            "submit": True,
        },
    },
    "en": {
        "summary": "Exceptional patient (English)",
        "value": {
            "kind": "exceptional_patient",
            "nam": "ROYM 7001 0112",
            "insured_last_name": "Roy",
            "insured_first_name": "Michel",
            "insured_birth_date": "1970-01-01",
            "drug_description": "drug X 10 mg tablet",
            "condition": "rare metabolic disease",
            "alternatives_unusable": "the listed drugs caused liver toxicity",
            "seriousness": "life-threatening without treatment",
            "expected_benefit": "fewer hospital stays, measured each quarter",
            "requested_start": "2026-12-01",
            "requested_duration": 6,
            "dosage": "10 mg once a day",
            "submit": False,
        },
    },
}


class _RequestInBase(Schema):
    """What only the API carries, or carries its own way; the content's plain fields are added from
    their one declaration (pme/api/content_schema.py)."""

    kind: Kind
    prescriber: str | None = Field(
        None,
        pattern=r"^[0-9]{7}$",
        description="Professional number of the prescriber the request is for. A prescriber may omit it "
        "(themself); a collaborator names the prescriber they draft for.",
    )
    nam: str = Field(max_length=20, description="Health insurance number, spaces allowed.")
    indication_id: int | None = Field(
        None, description="Exception drug: the version of the recognized indication claimed."
    )
    drug_id: int | None = Field(None, description="Exceptional patient: a catalogue drug, if listed.")
    answers: dict[str, Any] = Field(
        default_factory=dict,
        description="Answers to the indication's criteria by key: yes/no as true/false, numbers as "
        'strings, dates as YYYY-MM-DD, choices by value, previous treatments as [{"drug", "outcome"}].',
    )
    previous_treatments: list[TreatmentIn] = Field(default_factory=list, max_length=20)
    submit: bool = Field(False, description="True: send to the Régie at once (the prescriber only).")

    model_config = {"json_schema_extra": {"examples": [dict(e["value"]) for e in REQUEST_EXAMPLES.values()]}}


if TYPE_CHECKING:
    RequestIn = _RequestInBase
else:
    RequestIn = create_model("RequestIn", __base__=_RequestInBase, **content_schema.input_fields())


class ReasonOut(Schema):
    code: str
    text: str


class _RequestOutBase(Schema):
    id: int
    number: str | None = Field(description="The Régie's number, once sent (e.g. 2026-000123).")
    status: StatusCode
    status_label: str = Field(description="The status in words, in the language of the call.")
    automated: bool = Field(description="Accepted at once by the check of a recognized indication.")
    kind: Kind
    prescriber: str = Field(description="Professional number of the prescriber.")
    nam: str
    drug_id: int | None
    indication_id: int | None
    drug: str
    answers: dict[str, Any]
    previous_treatments: list[TreatmentIn]
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    authorized_start: dt.date | None
    authorized_end: dt.date | None
    authorized_quantity: str
    refusal_reasons: list[ReasonOut]
    question: str = Field(description="The Régie's latest question, while information is requested.")
    row_version: int = Field(description="Also sent as the ETag header; send it back in If-Match.")


if TYPE_CHECKING:
    RequestOut = _RequestOutBase
else:
    RequestOut = create_model("RequestOut", __base__=_RequestOutBase, **content_schema.output_fields())


class RequestSummaryOut(Schema):
    id: int
    number: str | None
    status: StatusCode
    status_label: str
    automated: bool
    kind: Kind
    prescriber: str
    drug: str
    submitted_at: dt.datetime | None
    authorized_end: dt.date | None
    row_version: int


class RequestPageOut(Schema):
    items: list[RequestSummaryOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null at the end.")


class AnswerIn(Schema):
    text: str = Field(min_length=1, max_length=10000, description="The answer to the Régie's questions.")


class WithdrawIn(Schema):
    note: str = Field("", max_length=1000)


# ---- Consultation -------------------------------------------------------------------------------------


class LookupIn(Schema):
    nam: str = Field(max_length=20, description="Health insurance number, spaces allowed.")
    drug: str = Field("", max_length=100, description="Optional: part of a drug name, a DIN or a code.")

    model_config = {
        "json_schema_extra": {
            "examples": [{"nam": "TREM 8553 1512"}, {"nam": "ROYM70010112", "drug": "dupi"}]
        }
    }


class PanoramaLineOut(Schema):
    id: int
    number: str | None
    prescriber: str
    drug: str
    status: StatusCode
    status_label: str
    meaning: str
    submitted_at: dt.datetime | None
    authorized_start: dt.date | None
    authorized_end: dt.date | None
    authorized_quantity: str
    refusal_reasons: list[str]
    question: str


class PanoramaOut(Schema):
    since: dt.date
    person_name: str = Field(description="The name on file (newest request shown), to confirm the person.")
    items: list[PanoramaLineOut]


class StatusLineOut(Schema):
    number: str | None = Field(description="The request's number, to quote when calling the Régie.")
    drug: str
    status: StatusCode
    status_label: str
    sent_on: dt.date
    authorized_start: dt.date | None
    authorized_end: dt.date | None
    authorized_quantity: str
    prescriber_name: str


class StatusOut(Schema):
    since: dt.date
    person_name: str = Field(description="The name on file (newest request shown), to confirm the person.")
    items: list[StatusLineOut]


# ---- Review -------------------------------------------------------------------------------------------


class QueueItemOut(RequestSummaryOut):
    urgency: str
    assigned_to: str | None = Field(description="Username of the reviewer holding it.")


class QueuePageOut(Schema):
    items: list[QueueItemOut]
    next_cursor: str | None


class RefusalReasonOut(Schema):
    code: str
    text: str
    applies_to_criterion: bool


class ReasonIn(Schema):
    code: str = Field(max_length=40)
    criterion_key: str = Field("", max_length=60)


class DecisionIn(Schema):
    decision: Literal["accept", "refuse", "request_information"]
    start: dt.date | None = Field(None, description="accept: first day authorized.")
    end: dt.date | None = Field(None, description="accept: last day authorized.")
    quantity: str = Field("", max_length=250, description="accept: the quantity authorized.")
    reasons: list[ReasonIn] = Field(default_factory=list, max_length=10, description="refuse: coded reasons.")
    text: str = Field(
        "", max_length=10000, description="refuse: explanation; request_information: the questions."
    )

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"decision": "accept", "start": "2026-12-01", "end": "2027-11-30", "quantity": "1 par mois"},
                {
                    "decision": "refuse",
                    "reasons": [{"code": "criteria-not-met", "criterion_key": "exacerbations"}],
                    "text": "Fewer than two exacerbations are documented.",
                },
            ]
        }
    }
