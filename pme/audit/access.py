"""Who may open the privacy officer's pages, and the fail-closed wrapper for audited reads."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from pme.audit.reads import PRIVACY_OFFICER, require_privacy_officer
from pme.audit.services import AuditUnavailable

logger = logging.getLogger(__name__)

__all__ = ["PRIVACY_OFFICER", "audited_read", "privacy_officer_required"]

View = Callable[..., HttpResponseBase]


def audited_read(view: View) -> View:
    """Fail closed: when a door cannot write its event (`AuditUnavailable`), its transaction rolls back
    and the reader gets a 503 page instead of the information. The doors hold their own transactions
    (a refusal must be recorded even though the 404 that follows rolls back what came before it)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
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
        match = request.resolver_match
        require_privacy_officer(
            user, page=match.view_name if match else request.path, method=request.method or ""
        )
        return view(request, *args, **kwargs)

    return wrapper
