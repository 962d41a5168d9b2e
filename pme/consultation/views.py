"""The look-up pages. Post/Redirect/Get: the form is posted (the NAM never appears in a URL), the search
is kept in the session, and the results page, a plain GET, can be refreshed or bookmarked without
resubmitting. Every display of results is one look-up through a door (reads.py): counted by the
throttle, written to the audit trail with the NAM's keyed hash and the number of results."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from pme.accounts.http import AuthenticatedRequest
from pme.consultation import reads
from pme.consultation.forms import LookupForm
from pme.core.nam import NAM

PANORAMA_SESSION_KEY = "consultation.panorama"
STATUS_SESSION_KEY = "consultation.status"


def _throttled(request: AuthenticatedRequest, refusal: reads.Throttled) -> HttpResponse:
    response = render(
        request,
        "consultation/throttled.html",
        {
            "limit": settings.PME_LOOKUP_LIMIT,
            "window_minutes": math.ceil(settings.PME_LOOKUP_WINDOW_SECONDS / 60),
            "wait_minutes": math.ceil(refusal.retry_after / 60),
        },
        status=429,
    )
    response["Retry-After"] = str(refusal.retry_after)
    return response


def _search_form(
    request: AuthenticatedRequest, *, session_key: str, results_url: str, template: str, service: str
) -> HttpResponse:
    form = LookupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            reads.check_not_throttled(actor=request.user, service=service)
        except reads.Throttled as refusal:
            return _throttled(request, refusal)
        nam: NAM = form.cleaned_data["nam"]
        request.session[session_key] = {"nam": nam.value, "drug": form.cleaned_data["drug"]}
        return redirect(results_url)
    return render(request, template, {"form": form}, status=400 if form.is_bound else 200)


def _kept_search(request: AuthenticatedRequest, session_key: str) -> tuple[NAM, str] | None:
    search = request.session.get(session_key)
    if not isinstance(search, dict):
        return None
    return NAM.parse(search["nam"]), str(search.get("drug", ""))


@login_required
@require_http_methods(["GET", "POST"])
def panorama(request: AuthenticatedRequest) -> HttpResponse:
    reads.require_panorama_user(request.user)
    return _search_form(
        request,
        session_key=PANORAMA_SESSION_KEY,
        results_url="consultation:panorama_results",
        template="consultation/panorama_form.html",
        service=reads.PANORAMA,
    )


@login_required
@require_safe
def panorama_results(request: AuthenticatedRequest) -> HttpResponse:
    reads.require_panorama_user(request.user)
    kept = _kept_search(request, PANORAMA_SESSION_KEY)
    if kept is None:
        return redirect("consultation:panorama")
    nam, drug_query = kept
    try:
        result = reads.look_up_panorama(actor=request.user, nam=nam, drug_query=drug_query)
    except reads.Throttled as refusal:
        return _throttled(request, refusal)
    return render(request, "consultation/panorama_results.html", {"result": result})


@login_required
@require_http_methods(["GET", "POST"])
def status_lookup(request: AuthenticatedRequest) -> HttpResponse:
    reads.require_pharmacist(request.user)
    return _search_form(
        request,
        session_key=STATUS_SESSION_KEY,
        results_url="consultation:status_results",
        template="consultation/status_form.html",
        service=reads.STATUS_LOOKUP,
    )


@login_required
@require_safe
def status_results(request: AuthenticatedRequest) -> HttpResponse:
    reads.require_pharmacist(request.user)
    kept = _kept_search(request, STATUS_SESSION_KEY)
    if kept is None:
        return redirect("consultation:status_lookup")
    nam, drug_query = kept
    try:
        result = reads.look_up_status(actor=request.user, nam=nam, drug_query=drug_query)
    except reads.Throttled as refusal:
        return _throttled(request, refusal)
    return render(request, "consultation/status_results.html", {"result": result})
