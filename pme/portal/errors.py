"""Error answers in the caller's language and format, with the right status code: an HTML page for
people, `{"code", "message"}` under /api/, an OperationOutcome under /fhir/.

- 400, 403, 404, 500: Django's handlers (config/urls.py), which also serve /api/ and /fhir/ addresses
  that match no route, in those formats.
- 413: a body over DATA_UPLOAD_MAX_MEMORY_SIZE (forms, JSON; files are counted separately against
  PME_MAX_UPLOAD_BYTES) is refused by BadInputMiddleware before anything reads it.
- 503: the audit trail cannot be written (`AuditUnavailable`): what needed an event is refused (fail
  closed), with a page that says to try again later.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from pme.api.errors import ApiError
from pme.api.fhir.views import outcome_response
from pme.audit.services import AuditUnavailable

logger = logging.getLogger(__name__)


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "portal/error.html", {"title": title, "message": message}, status=status)


def _for_programs(request: HttpRequest, error: ApiError) -> HttpResponse | None:
    """The API's or FHIR's own error body for their addresses; None for pages."""
    if request.path.startswith("/fhir/"):
        return outcome_response(error)
    if request.path.startswith("/api/"):
        response = JsonResponse(error.body(), status=error.status)
        for name, value in error.headers.items():
            response[name] = value
        return response
    return None


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    return _for_programs(request, ApiError(400, "bad_body")) or _error(
        request, 400, _("The request could not be understood"), _("Check what you sent and try again.")
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _for_programs(request, ApiError.forbidden()) or _error(
        request, 403, _("Access denied"), _("You do not have access to this page.")
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _for_programs(request, ApiError.not_found()) or _error(
        request,
        404,
        _("Page not found"),
        _("This page does not exist, or you do not have access to it. Check the address."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], AuditUnavailable):  # raised outside a view (a middleware)
        return audit_unavailable(request)
    return _for_programs(request, ApiError(500, "server_error")) or _error(
        request,
        500,
        _("The service is unavailable"),
        _(
            "Nothing you entered was saved by this step. Try again in a few minutes; if it persists, "
            "contact the assistance centre."
        ),
    )


def too_large(request: HttpRequest) -> HttpResponse:
    megabytes = round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024), 1)
    return _for_programs(request, ApiError.too_large()) or _error(
        request,
        413,
        _("What you sent is too large"),
        _(
            "The form can hold at most %(megabytes)s MB of text, and each attached file at most the size "
            "the page states. Shorten it, or split it, then send it again."
        )
        % {"megabytes": megabytes},
    )


def audit_unavailable(request: HttpRequest) -> HttpResponse:
    logger.error("audit trail unavailable: refused %s %s", request.method, request.path)
    response = _for_programs(request, ApiError.audit_unavailable()) or _error(
        request,
        503,
        _("The service cannot record this access right now"),
        _(
            "Every access to personal information is recorded; the record cannot be written at the "
            "moment, so nothing is shown and nothing was changed. Try again in a few minutes."
        ),
    )
    response["Retry-After"] = "60"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(
        request,
        403,
        _("This form has expired"),
        _("The page was open too long or was sent twice. Go back, reload the page and submit it again."),
    )


class BadInputMiddleware:
    """Refuses an oversize body with 413 before any code reads it (Django would raise RequestDataTooBig
    from wherever the body is first touched, the CSRF check included, and answer 400 or 500), and turns
    AuditUnavailable raised by a view into 503. After LocaleMiddleware, so answers are translated."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = str(request.META.get("CONTENT_TYPE", "")).startswith("multipart/")
        limit = settings.PME_MAX_UPLOAD_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return too_large(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, AuditUnavailable):
            return audit_unavailable(request)
        if isinstance(exception, RequestDataTooBig):
            return too_large(request)
        return None
