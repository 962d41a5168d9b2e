"""The coverage check of a pharmacy claim (pharmacy software, pharmacists' tokens): parse, call
`pme.consultation.coverage.check_coverage`, render. The NAM travels in the body, never in a URL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal, get_args

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from pme.api.auth import BearerToken, caller
from pme.api.errors import ApiError
from pme.api.schemas import ERROR_RESPONSES
from pme.consultation.coverage import (
    COVERAGE_ROLES,
    CoverageAnswer,
    CoverageInputError,
    CoverageResult,
    CoverageThrottled,
    check_coverage,
)
from pme.core.forms import NAM_ERRORS
from pme.core.nam import NAM, InvalidNAM

router = Router(auth=BearerToken(COVERAGE_ROLES))

ResultCode = Literal[
    "not_required",
    "authorized",
    "quantity_exceeded",
    "code_valid",
    "code_withdrawn",
    "code_not_in_force",
    "code_wrong_drug",
    "code_unknown",
    "pending",
    "refused",
    "expired",
    "not_started",
    "none",
]
assert set(get_args(ResultCode)) == {r.value for r in CoverageResult}  # the OpenAPI enum is the door's


class CoverageIn(Schema):
    nam: str = Field(
        max_length=20, description="Health insurance number of the insured person, spaces allowed."
    )
    din: str = Field(
        "",
        pattern=r"^([0-9]{8}|[0-9]{4} ?[0-9]{4})?$",
        description="DIN of the product dispensed (8 digits). Give the DIN or the catalogue drug key.",
    )
    drug: str = Field("", max_length=80, description="Catalogue drug key (e.g. dupilumab), instead of a DIN.")
    service_date: dt.date | None = Field(None, description="Date of service (default: today, Montréal time).")
    quantity: Decimal | None = Field(
        None,
        gt=0,
        max_digits=12,
        decimal_places=3,
        description="Quantity claimed, compared when the authorized quantity starts with a number.",
    )
    exception_code: str = Field(
        "", max_length=10, description="Exception code written on the prescription, if any (e.g. RE172)."
    )

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"nam": "TREM 8553 1512", "din": "02470365", "quantity": 2},
                {
                    "nam": "ROYM70010112",
                    "din": "02387174",
                    "service_date": "2026-11-25",
                    "exception_code": "AI582",
                },
            ]
        }
    }


class CoverageDrugOut(Schema):
    key: str
    name: str
    din: str
    list_status: Literal["regular", "exception", "not_listed"]


class AuthorizationOut(Schema):
    number: str = Field(description="The Régie's authorization number (the request number).")
    start: dt.date | None
    end: dt.date | None
    quantity: str = Field(description="The quantity authorized, as the Régie wrote it.")
    quantity_limit: float | None = Field(
        description="The leading number of the authorized quantity: the most one claim may bill (null when "
        "the quantity is not a number)."
    )


class RequestStatusOut(Schema):
    status: str
    status_label: str
    sent_on: dt.date | None


class ExceptionCodeOut(Schema):
    code: str
    status: Literal["valid", "withdrawn", "not_in_force", "wrong_drug", "unknown"]
    effective_from: dt.date | None
    withdrawn_on: dt.date | None
    honoured_until: dt.date | None = Field(description="Last day a withdrawn code is still paid.")


class CoverageOut(Schema):
    result: ResultCode = Field(description="What the answer rests on (docs/api.md lists every value).")
    covered: bool = Field(description="The claim is payable on the date of service.")
    authorization_required: bool = Field(
        description="False for a regular drug and for a valid exception code (no request needed)."
    )
    message: str = Field(description="The answer in a sentence, in the Accept-Language of the call.")
    service_date: dt.date
    drug: CoverageDrugOut
    authorization: AuthorizationOut | None
    request: RequestStatusOut | None = Field(description="The request the answer rests on, if any.")
    exception_code: ExceptionCodeOut | None
    quantity_claimed: float | None
    quantity_tracked: bool = Field(
        description="Always false: dispensed quantities are not known here, so nothing says what remains."
    )


def coverage_out(answer: CoverageAnswer) -> dict[str, Any]:
    facts = answer.authorization
    code = answer.code
    return {
        "result": str(answer.result),
        "covered": answer.covered,
        "authorization_required": answer.authorization_required,
        "message": answer.message,
        "service_date": answer.service_date,
        "drug": {
            "key": answer.drug_key,
            "name": answer.drug_name,
            "din": answer.din,
            "list_status": answer.list_status,
        },
        "authorization": None
        if facts is None
        else {
            "number": facts.number,
            "start": facts.start,
            "end": facts.end,
            "quantity": facts.quantity,
            "quantity_limit": float(facts.quantity_limit) if facts.quantity_limit is not None else None,
        },
        "request": answer.request.__dict__ if answer.request else None,
        "exception_code": None
        if code is None
        else {
            "code": code.code,
            "status": str(code.status),
            "effective_from": code.effective_from,
            "withdrawn_on": code.withdrawn_on,
            "honoured_until": code.honoured_until,
        },
        "quantity_claimed": float(answer.quantity_claimed) if answer.quantity_claimed is not None else None,
        "quantity_tracked": answer.quantity_tracked,
    }


def run_check(
    request: HttpRequest,
    *,
    nam_text: str,
    product: str,
    service_date: dt.date | None,
    quantity: Decimal | None,
    exception_code: str,
) -> CoverageAnswer:
    """Shared by the JSON and FHIR interfaces: the door, its refusals as ApiError."""
    try:
        nam = NAM.parse(nam_text)
    except InvalidNAM as exc:
        raise ApiError.invalid("nam", str(NAM_ERRORS[exc.code])) from None
    try:
        return check_coverage(
            actor=caller(request),
            nam=nam,
            din_or_drug=product,
            service_date=service_date,
            quantity=quantity,
            exception_code=exception_code,
            request=request,
        )
    except CoverageInputError as exc:
        raise ApiError.invalid(exc.field, str(exc)) from None
    except CoverageThrottled as exc:
        raise ApiError.throttled(exc.retry_after) from None


@router.post(
    "/check",
    response={200: CoverageOut, **ERROR_RESPONSES},
    url_name="coverage_check",
    summary="Is this drug covered for this insured person on this date, and how much? (pharmacies)",
)
def check(request: HttpRequest, body: CoverageIn) -> Any:
    if bool(body.din) == bool(body.drug.strip()):
        raise ApiError.invalid("din", _("Give the DIN or the drug key: one of the two."))
    answer = run_check(
        request,
        nam_text=body.nam,
        product=body.din.replace(" ", "") or body.drug.strip(),
        service_date=body.service_date,
        quantity=body.quantity,
        exception_code=body.exception_code,
    )
    return coverage_out(answer)
