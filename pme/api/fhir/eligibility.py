"""FHIR coverage check of a pharmacy claim: `POST CoverageEligibilityRequest/$submit` answers a
CoverageEligibilityResponse. Parse, call the door (pme.consultation.coverage, through the JSON API's
`run_check`, so both interfaces refuse and count alike), render (pme/api/fhir/build.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from pme.api.auth import authenticate
from pme.api.endpoints.coverage import run_check
from pme.api.errors import ApiError
from pme.api.fhir import build
from pme.api.fhir.parse import read_eligibility_request
from pme.api.fhir.views import _json, fhir_response, fhir_view
from pme.consultation.coverage import may_check_coverage


@require_POST
@fhir_view
def coverage_eligibility_submit(request: HttpRequest) -> HttpResponse:
    """Pharmacists' tokens only (403 for every other role, before the body is read)."""
    user = authenticate(request)
    if not may_check_coverage(user):
        raise ApiError.forbidden()
    asked = read_eligibility_request(_json(request))
    answer = run_check(
        request,
        nam_text=asked.nam,
        product=asked.product,
        service_date=asked.service_date,
        quantity=asked.quantity,
        exception_code=asked.exception_code,
    )
    return fhir_response(
        build.coverage_eligibility_response(
            answer, nam=asked.nam, purpose=asked.purpose, request_reference=asked.request_reference
        )
    )
