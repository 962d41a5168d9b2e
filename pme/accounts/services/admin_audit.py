"""The audit of the Django admin: every page an administrator opens is an event."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponseBase

from pme.audit.codes import AuditCode
from pme.audit.services import record


def audited_admin_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Runs the admin view and its `admin.viewed` event in one transaction (fail closed). Only
    authenticated callers reach it: the admin sends the others to the login page first."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with transaction.atomic():
            response = view(request, *args, **kwargs)
            if request.user.is_authenticated and response.status_code < 400:
                match = request.resolver_match
                record(
                    AuditCode.ADMIN_VIEWED,
                    actor=request.user,
                    request=request,
                    details={
                        "page": match.view_name if match else "",
                        "path": request.path[:300],
                        "method": request.method,
                        "object": str(kwargs.get("object_id", ""))[:64],
                    },
                )
            if hasattr(response, "render") and callable(response.render):
                response.render()  # a template that reads more data does so inside the transaction
        return response

    return wrapper
