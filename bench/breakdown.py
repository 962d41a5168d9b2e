"""Where each endpoint's time goes, in one process: the scenario's requests through Django's WSGI handler
(the same code path as under gunicorn, without the network), with timers on

- the view (the resolved view function, wrapped in `BaseHandler.resolve_request`),
- template rendering (`django.template.backends.django.Template.render`),
- the audit trail (`pme.audit.services.record`, wherever a module imported it),
- SQL (`connection.execute_wrapper`: the wait for each statement, the database's work included), and
  the connection's health check (`SELECT 1` before the first statement of each request, CONN_HEALTH_CHECKS),
  which Django sends past its wrappers: counted as a statement of its own.

Each instant is counted once, in the innermost of these it falls in, so the parts add up to the request's
time: `framework` is what is left (the middleware, the handler, building and reading the response). A
regression in a report shows where it came from: more queries, a slower template, a heavier audit event.
`python_cpu_ms` is this process's CPU time per request (the rest of the wall time waits for PostgreSQL).
"""

from __future__ import annotations

import functools
import io
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

WARM_UP = 10  # at least; every distinct request of the scenario is played once before the timing
MAX_REQUESTS = 200
MAX_SECONDS = 4.0


class Clock:
    """Exclusive time per category: entering a category stops the clock of the enclosing one."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.stack: list[list[Any]] = []

    def enter(self, category: str) -> None:
        moment = time.perf_counter()
        if self.stack:
            top = self.stack[-1]
            self.spent[top[0]] += moment - top[1]
        self.stack.append([category, moment])

    def leave(self) -> None:
        moment = time.perf_counter()
        category, since = self.stack.pop()
        self.spent[category] += moment - since
        if self.stack:
            self.stack[-1][1] = moment

    @contextmanager
    def section(self, category: str) -> Iterator[None]:
        self.enter(category)
        try:
            yield
        finally:
            self.leave()


def _timed(clock: Clock, category: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)  # keeps csrf_exempt and the other markers middleware read
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with clock.section(category):
            return function(*args, **kwargs)

    return wrapper


@contextmanager
def instrumented(clock: Clock, statements: dict[str, list[float]]) -> Iterator[None]:
    from django.core.handlers.base import BaseHandler
    from django.db import connection, connections
    from django.template.backends.django import Template

    from pme.audit import services as audit_services

    original_resolve = BaseHandler.resolve_request
    original_render = Template.render
    original_record = audit_services.record

    def resolve_request(self: BaseHandler, request: Any) -> Any:
        match = original_resolve(self, request)
        match.func = _timed(clock, "view", match.func)
        return match

    def sql(execute: Any, query: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            with clock.section("sql"):
                return execute(query, params, many, context)
        finally:
            key = " ".join(query.split())[:100]
            entry = statements.setdefault(key, [0.0, 0])
            entry[0] += time.perf_counter() - started
            entry[1] += 1

    original_is_usable = type(connections["default"]).is_usable

    def is_usable(self: Any) -> bool:
        started = time.perf_counter()
        try:
            with clock.section("sql"):
                return bool(original_is_usable(self))
        finally:
            entry = statements.setdefault("SELECT 1 (health check)", [0.0, 0])
            entry[0] += time.perf_counter() - started
            entry[1] += 1

    timed_record = _timed(clock, "audit", original_record)
    patched = [m for m in list(sys.modules.values()) if getattr(m, "record", None) is original_record]
    BaseHandler.resolve_request = resolve_request  # type: ignore[method-assign]
    Template.render = _timed(clock, "template", original_render)  # type: ignore[method-assign]
    for module in patched:
        module.record = timed_record  # type: ignore[attr-defined]
    type(connections["default"]).is_usable = is_usable  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(sql):
            yield
    finally:
        BaseHandler.resolve_request = original_resolve  # type: ignore[method-assign]
        Template.render = original_render  # type: ignore[method-assign]
        type(connections["default"]).is_usable = original_is_usable  # type: ignore[method-assign]
        for module in patched:
            module.record = original_record  # type: ignore[attr-defined]


def _environ(line: str, index: int) -> dict[str, Any]:
    from django.test.client import RequestFactory

    method, path, cookie, body = line.split("|", 3)
    extra: dict[str, str] = {"HTTP_HOST": "127.0.0.1", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80"}
    if cookie.startswith("Bearer "):
        extra["HTTP_AUTHORIZATION"] = cookie
        extra["HTTP_IDEMPOTENCY_KEY"] = f"breakdown-{time.time_ns()}-{index}"
    elif cookie:
        extra["HTTP_COOKIE"] = cookie
    path, _question, query = path.partition("?")
    request = RequestFactory().generic(
        method,
        path,
        data=body.encode(),
        content_type="application/json",
        QUERY_STRING=query,
        **extra,  # type: ignore[arg-type]
    )
    return dict(request.environ)


def breakdown(lines: list[str]) -> dict[str, Any]:
    """ms per request by part, queries per request and the costliest statements, for one scenario."""
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    statuses: dict[int, int] = defaultdict(int)

    def call(index: int) -> None:
        def start_response(status: str, headers: Any, exc_info: Any = None) -> Callable[[bytes], Any]:
            statuses[int(status.split()[0])] += 1
            return io.BytesIO().write

        answer = handler(_environ(lines[index % len(lines)], index), start_response)
        try:
            for _chunk in answer:
                pass
        finally:
            closer = getattr(answer, "close", None)
            if closer:
                closer()

    # One pass over the scenario's requests first (as wrk's cycling does, each session has then written its
    # clock, at most every 30 s: SEEN_WRITE_EVERY), so the timed pass does not charge every page a session
    # write that the load test pays about once in a hundred requests.
    warm_up = max(WARM_UP, min(len(lines), MAX_REQUESTS))
    for i in range(warm_up):
        call(i)
    statuses.clear()
    clock = Clock()
    statements: dict[str, list[float]] = {}
    count = 0
    cpu_started, started = time.process_time(), time.perf_counter()
    with instrumented(clock, statements):
        while count < MAX_REQUESTS and time.perf_counter() - started < MAX_SECONDS:
            with clock.section("framework"):
                call(warm_up + count)
            count += 1
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    queries = sum(n for _t, n in statements.values())
    parts = {k: round(v / count * 1000, 3) for k, v in sorted(clock.spent.items(), key=lambda kv: -kv[1])}
    return {
        "requests": count,
        "statuses": dict(statuses),
        "ms_per_request": round(wall / count * 1000, 3),
        "python_cpu_ms": round(cpu / count * 1000, 3),
        "parts_ms": parts,
        "queries_per_request": round(queries / count, 2),
        "statements_ms": {
            key: [round(t / count * 1000, 3), round(n / count, 2)]
            for key, (t, n) in sorted(statements.items(), key=lambda kv: -kv[1][0])[:8]
        },
    }


def breakdown_all(targets: dict[str, list[str]]) -> dict[str, Any]:
    out = {}
    for name, lines in targets.items():
        out[name] = breakdown(lines)
        parts = ", ".join(f"{k} {v:.2f}" for k, v in out[name]["parts_ms"].items())
        print(
            f"  breakdown {name:>18}: {out[name]['ms_per_request']:6.2f} ms ({parts}); "
            f"{out[name]['queries_per_request']} queries; statuses {out[name]['statuses']}",
            flush=True,
        )
    return out
