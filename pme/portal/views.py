from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.utils import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from pme.portal.help import all_sections, section_by_slug


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Each person's home page starts with what they have to do, through their apps' doors."""
    context: dict[str, Any] = {}
    user = request.user
    if user.is_authenticated:
        from pme.accounts.models import Role
        from pme.authorizations.reads import home_tasks

        if user.role in (Role.PRESCRIBER, Role.COLLABORATOR):
            context["tasks"] = home_tasks(actor=user)
        elif user.role == Role.REVIEWER:
            from pme.review.reads import my_taken_requests

            context["taken"] = my_taken_requests(reviewer=user)
    return render(request, "portal/home.html", context)


@require_safe
def help_index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/help_index.html", {"sections": all_sections()})


@require_safe
def help_section(request: HttpRequest, slug: str) -> HttpResponse:
    section = section_by_slug(slug)
    if section is None:
        raise Http404
    language = get_language() or "fr"
    try:
        body = select_template([f"help/{language}/{slug}.html", f"help/fr/{slug}.html"])
    except TemplateDoesNotExist:
        raise Http404 from None
    return render(
        request,
        "portal/help_section.html",
        {"section": section, "body_template": body.template.name, "sections": all_sections()},
    )


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when a database round trip succeeds, 503 otherwise (for load balancers and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
