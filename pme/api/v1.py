"""The JSON API, version 1: one NinjaAPI, its error handlers, and its routers (pme/api/endpoints/).

Every operation calls the same access doors, selectors and services as the pages; this module only
translates HTTP to them and their exceptions to JSON errors (pme/api/errors.py).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from pme.api.auth import BearerToken
from pme.api.errors import ApiError, validation_errors

logger = logging.getLogger(__name__)


api = NinjaAPI(
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
    code = "bad_body" if exc.status_code == 400 else "invalid"
    return _error_response(request, ApiError(exc.status_code, code))


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

api.add_router("/catalogue", catalogue.router, tags=["catalogue"])
api.add_router("/requests", requests.router, tags=["requests"])
api.add_router("/consultation", consultation.router, tags=["consultation"])
api.add_router("/review", review.router, tags=["review"])
api.add_router("/coverage", coverage.router, tags=["coverage"])
