"""Who may open the privacy officer's pages, and the fail-closed wrapper for audited reads."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import render

from pme.audit.codes import AuditCode
from pme.audit.models import ConfidentialityIncident, Outcome
from pme.audit.services import AuditUnavailable, record

logger = logging.getLogger(__name__)

# The value of accounts.Role.PRIVACY_OFFICER. The audit app sits below accounts in the layers, so it
# names the role by its stored value; tests/test_audit_roles.py keeps the two equal.
PRIVACY_OFFICER = "privacy_officer"

View = Callable[..., HttpResponseBase]


def audited_read(view: View) -> View:
    """Runs `view` in one transaction, together with the audit event it records.

    Fail closed: when the event cannot be written (`record` raises AuditUnavailable), the transaction
    rolls back and the reader gets a 503 page instead of the information. Views wrapped by this must
    call `record(...)` before they return the response.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            with transaction.atomic():
                return view(request, *args, **kwargs)
        except AuditUnavailable:
            logger.exception("audit trail unavailable: read refused (%s)", request.path)
            return render(request, "audit/unavailable.html", status=503)

    return wrapper


def privacy_officer_required(view: View) -> View:
    """Anonymous visitors go to the login page; any other role gets 403, recorded as denied."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(user, "role", None) != PRIVACY_OFFICER:
            match = request.resolver_match
            record(
                AuditCode.AUDIT_PAGE_DENIED,
                actor=user,
                outcome=Outcome.DENIED,
                request=request,
                details={"page": match.view_name if match else request.path, "method": request.method},
            )
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def get_incident_for_user(user: Any, pk: int) -> ConfidentialityIncident:
    """The register is the privacy officer's only: anyone else, and unknown ids, get 404."""
    if getattr(user, "role", None) != PRIVACY_OFFICER:
        raise Http404
    try:
        return ConfidentialityIncident.objects.select_related("created_by", "updated_by").get(pk=pk)
    except ConfidentialityIncident.DoesNotExist:
        raise Http404 from None
