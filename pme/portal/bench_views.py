"""The framework ceilings of the benchmarks: fixed answers through the whole middleware stack and no work
of ours. Routed only when PME_BENCH_VIEWS=1 (config/urls.py), which bench/run.py sets on its own server;
without it the URLs do not exist (404).

- `minimal`: an anonymous fixed page (the framework alone).
- `logged_in`: the same page behind login, so through the session, the user, the second-factor gate and
  the account gate (a Régie reviewer's session pays the device check): the floor of any page a person
  opens, and the reference of every ratio in the benchmark report.
- `/bench/api/minimal`: a fixed JSON answer behind the API's own token authentication (the floor of any
  API call, e.g. the coverage check of issue 17).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from pme.api.auth import BearerToken
from pme.api.errors import ApiError

PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>PME</title></head>'
    "<body><main><h1>PME</h1><p>Fixed page for the benchmarks.</p></main></body></html>"
)


@require_safe
def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE)


@login_required
@require_safe
def logged_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE)


api = NinjaAPI(
    title="PME benchmark ceiling",
    version="bench",
    auth=BearerToken(),
    urls_namespace="bench_api",
    openapi_url=None,
    docs_url=None,
)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return api.create_response(request, exc.body(), status=exc.status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _api_error(request, ApiError.unauthorized())


@api.get("/minimal", url_name="minimal")
def api_minimal(request: HttpRequest) -> Any:
    return {"ok": True}
