"""The JSON API, version 1: one NinjaAPI, its error handlers, and its routers (pme/api/endpoints/).

Every operation calls the same access doors, selectors and services as the pages; this module only
translates HTTP to them and their exceptions to JSON errors (pme/api/errors.py).
"""

from __future__ import annotations

import logging
from typing import Any, cast

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.operation import Operation
from ninja.parser import Parser

from pme.api.auth import BearerToken
from pme.api.errors import ApiError, parse_json, validation_errors
from pme.audit.services import AuditUnavailable

logger = logging.getLogger(__name__)


class SafeParser(Parser):
    """JSON bodies through parse_json: a body nested too deep is refused before any validator sees it."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return cast(dict[str, Any], parse_json(request.body))


# Every operation's stable operationId and its audience, by (url name, method): generated clients name
# their calls after these (`create_request`, `look_up_panorama`), grouped by audience (one module per tag).
# A new endpoint without a line here makes the OpenAPI document fail to build (test_openapi_names.py).
AUDIENCES: dict[str, str] = {
    "catalogue": "The public list of drugs and recognized indications: no token needed.",
    "prescribers": "Prescribers and their administrative assistants: requests, the panorama.",
    "pharmacies": "Pharmacists and their pharmacy's software: status look-up, coverage check.",
    "regie": "Régie staff: the review queue and decisions.",
}
OPERATIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("catalogue_drugs", "GET"): ("searchDrugs", "catalogue"),
    ("catalogue_drug", "GET"): ("getDrug", "catalogue"),
    ("catalogue_indication", "GET"): ("getIndication", "catalogue"),
    ("requests", "POST"): ("createRequest", "prescribers"),
    ("requests", "GET"): ("listRequests", "prescribers"),
    ("request", "GET"): ("getRequest", "prescribers"),
    ("request_submit", "POST"): ("submitRequest", "prescribers"),
    ("request_answer", "POST"): ("answerInformationRequest", "prescribers"),
    ("request_withdraw", "POST"): ("withdrawRequest", "prescribers"),
    ("consultation_panorama", "POST"): ("lookUpPanorama", "prescribers"),
    ("consultation_status", "POST"): ("lookUpRequestStatus", "pharmacies"),
    ("coverage_check", "POST"): ("checkCoverage", "pharmacies"),
    ("review_queue", "GET"): ("listReviewQueue", "regie"),
    ("review_refusal_reasons", "GET"): ("listRefusalReasons", "regie"),
    ("review_take", "POST"): ("takeRequest", "regie"),
    ("review_decide", "POST"): ("decideRequest", "regie"),
}


class UnnamedOperation(LookupError):
    pass


def _naming(operation: Operation) -> tuple[str, str]:
    key = (getattr(operation, "url_name", None) or "", operation.methods[0])
    try:
        return OPERATIONS[key]
    except KeyError:
        raise UnnamedOperation(
            f"{key} has no operationId: add it to OPERATIONS in pme/api/v1.py (with its audience)"
        ) from None


class PmeApi(NinjaAPI):
    """Operation ids and audience tags from OPERATIONS, in one place rather than on every decorator."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return _naming(operation)[0]

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        tag_of = dict(OPERATIONS.values())  # operationId → audience
        for methods in schema["paths"].values():
            for details in methods.values():
                details["tags"] = [tag_of[details["operationId"]]]
        schema["tags"] = [{"name": name, "description": text} for name, text in AUDIENCES.items()]
        return schema


api = PmeApi(
    title="PME API",
    version="1",
    description=(
        "Payment authorization requests for exception drugs (PME). Authenticate with a personal API "
        "token: `Authorization: Bearer <token>` (created on the account's security page). Errors are "
        '`{"code", "message"}` with the message in the language of `Accept-Language` (fr or en). '
        "Updates accept `If-Match` with the ETag of the request (412 when it changed). Lists are paged "
        "with an opaque `cursor`. Guide: docs/api.md."
    ),
    auth=BearerToken(),
    parser=SafeParser(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _error_response(request: HttpRequest, error: ApiError) -> HttpResponse:
    response = api.create_response(request, error.body(), status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _error_response(request, exc)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error_response(request, ApiError.unauthorized())


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error_response(request, ApiError(422, "invalid", errors=validation_errors(list(exc.errors))))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, ApiError):  # our parser's refusal, wrapped by django-ninja
        return _error_response(request, exc.__cause__)
    code = "bad_body" if exc.status_code == 400 else "invalid"
    return _error_response(request, ApiError(exc.status_code, code))


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error_response(request, ApiError.too_large())


@api.exception_handler(AuditUnavailable)
def _audit_unavailable(request: HttpRequest, exc: AuditUnavailable) -> HttpResponse:
    logger.error("audit trail unavailable: API call refused (%s %s)", request.method, request.path)
    return _error_response(request, ApiError.audit_unavailable())


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error_response(request, ApiError.not_found())


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error_response(request, ApiError.forbidden())


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return _error_response(request, ApiError(500, "server_error"))


from pme.api.endpoints import catalogue, consultation, coverage, requests, review  # noqa: E402 (need `api`)

api.add_router("/catalogue", catalogue.router)
api.add_router("/requests", requests.router)
api.add_router("/consultation", consultation.router)
api.add_router("/review", review.router)
api.add_router("/coverage", coverage.router)
