"""FHIR R4 endpoints (Da Vinci Prior Authorization Support style): metadata, Claim/$submit,
Claim/$inquire, ClaimResponse/{id}. Same token, access doors, services and audit channel as the JSON
API; errors are OperationOutcome resources; every resource we send is validated by fhir.resources."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from pme.accounts.models import User
from pme.api.auth import authenticate
from pme.api.common import fingerprint
from pme.api.endpoints.requests import _prescriber_for, _writer, draft_input
from pme.api.errors import ApiError
from pme.api.fhir import build
from pme.api.fhir.parse import FhirInputError, read_claim_bundle, request_in
from pme.authorizations import reads, services
from pme.consultation import reads as inquiry
from pme.core.nam import NAM, InvalidNAM

FHIR_JSON = "application/fhir+json"
ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    409: "conflict",
    412: "conflict",
    422: "processing",
    429: "throttled",
    500: "exception",
}


def fhir_response(
    resource: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    response = HttpResponse(json.dumps(resource), status=status, content_type=f"{FHIR_JSON}; charset=utf-8")
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def outcome_response(error: ApiError) -> HttpResponse:
    message = error.message
    if error.errors:
        message += " " + " ".join(str(e.get("message", "")) for e in error.errors)
    return fhir_response(
        build.operation_outcome(ISSUE_CODES.get(error.status, "processing"), message),
        error.status,
        error.headers,
    )


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir/R4").rstrip("/")


def fhir_view(view: Any) -> Any:
    """Authenticates (except metadata), runs the view, turns every error into an OperationOutcome."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from pme.audit.channel import channel

        with channel("fhir"):
            try:
                return view(request, *args, **kwargs)
            except ApiError as error:
                return outcome_response(error)
            except FhirInputError as exc:
                return fhir_response(build.operation_outcome("invalid", str(exc)), 400)
            except Http404:
                return outcome_response(ApiError.not_found())
            except PermissionDenied:
                return outcome_response(ApiError.forbidden())

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return csrf_exempt(wrapper)


def _json(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        raise FhirInputError(_("The body is not JSON.")) from None


@require_GET
@fhir_view
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_response(build.capability_statement(_base_url(request)))


@require_GET
@fhir_view
def claim_response(request: HttpRequest, pk: int) -> HttpResponse:
    user = authenticate(request)
    return fhir_response(
        build.claim_response(reads.open_sent_request(actor=user, request_id=pk, page="fhir"))
    )


@require_POST
@fhir_view
def claim_submit(request: HttpRequest) -> HttpResponse:
    """The Claim's first identifier is the idempotency key: the same Claim sent again answers the same
    ClaimResponse; another Claim with the same identifier is refused (422)."""
    user = authenticate(request)
    _writer(user)
    claim = read_claim_bundle(_json(request))
    if not claim.identifier:
        raise FhirInputError(_("Give the Claim an identifier: it makes a repeated submission harmless."))
    body = request_in(claim)
    prescriber = _prescriber_for(user, body.prescriber)
    try:
        result = services.create_request_idempotent(
            actor=user,
            prescriber=prescriber,
            data=draft_input(body),
            idempotency_key=claim_key(claim.identifier),
            fingerprint=fingerprint(request.body),
            submit=True,
        )
    except services.IdempotencyMismatch:
        raise ApiError(422, "idempotency_mismatch") from None
    except services.IncompleteRequest as exc:
        raise ApiError(422, "incomplete", errors=[{"message": m} for m in exc.missing]) from None
    except services.NotAllowed:
        raise ApiError.forbidden() from None
    response = build.claim_response(reads.request_file(result.auth_request, user))
    return fhir_response(
        build.bundle([response], base_url=_base_url(request)), 201 if result.created else 200
    )


def claim_key(identifier: str) -> str:
    return f"fhir:{identifier}"[:200]


@require_POST
@fhir_view
def claim_inquire(request: HttpRequest) -> HttpResponse:
    """The ClaimResponses of the requests the caller may see for a patient (NAM) and, when given, a
    provider and a Claim identifier. A look-up by insured person: throttled and audited as one."""
    user: User = authenticate(request)
    _writer(user)
    claim = read_claim_bundle(_json(request))
    try:
        nam = NAM.parse(claim.nam)
    except InvalidNAM:
        raise FhirInputError(_("The patient's health insurance number is not valid.")) from None
    try:
        results = inquiry.inquire_claims(
            actor=user,
            nam=nam,
            practitioner=claim.practitioner or "",
            claim_key=claim_key(claim.identifier) if claim.identifier else "",
        )
    except inquiry.Throttled as refusal:
        raise ApiError.throttled(refusal.retry_after) from None
    return fhir_response(
        build.bundle(
            [build.claim_response(reads.request_file(r, user)) for r in results], base_url=_base_url(request)
        )
    )
