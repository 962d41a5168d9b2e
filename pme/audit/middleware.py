"""Per-request context for the audit trail: the caller's address, for every event recorded meanwhile."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from pme.audit.channel import address
from pme.audit.services import client_ip


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with address(client_ip(request)):
            return self.get_response(request)
