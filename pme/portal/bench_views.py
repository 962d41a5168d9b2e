"""The framework ceiling of the benchmarks: a fixed page through the whole middleware stack and no query
of ours. Routed only when PME_BENCH_VIEWS=1 (config/urls.py), which bench/run.py sets on its own server;
without it the URL does not exist (404)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>PME</title></head>'
    "<body><main><h1>PME</h1><p>Fixed page for the benchmarks.</p></main></body></html>"
)


@require_safe
def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE)
