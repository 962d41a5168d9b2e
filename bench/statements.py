"""Each scenario's SELECTs timed three ways, on the database left by the last `make bench`:

- `client`: parameters merged into the SQL text by psycopg (Django's default), so PostgreSQL parses and
  plans every call;
- `prepared`: a prepared statement whose plan PostgreSQL may reuse (what config/env.py now sets up);
- `custom plan`: a prepared statement planned anew each time (`plan_cache_mode = force_custom_plan`).

The statements are captured from the scenarios' own requests through Django's WSGI handler, then run
through psycopg alone, one after the other, median of `--runs` (default 200) after 10 warm-up runs.
docs/decisions/0006 quotes its figures. `.venv/bin/python bench/statements.py [--runs N] [scenario ...]`
"""

from __future__ import annotations

import argparse
import enum
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run  # sets the benchmark's environment before Django starts

SCENARIOS = ("panorama", "pharmacist_lookup", "request_page", "reviewer_queue", "coverage_check")


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    return value


def captured_selects(name: str, lines: list[str]) -> list[tuple[str, list[Any]]]:
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    from bench.breakdown import _environ

    handler = WSGIHandler()
    seen: dict[str, tuple[str, list[Any]]] = {}

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().upper().startswith("SELECT"):
            seen.setdefault(sql, (sql, [_plain(p) for p in (params or [])]))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        for index in range(3):
            answer = handler(_environ(lines[index % len(lines)], index), lambda *_args: lambda _b: None)
            for _chunk in answer:
                pass
            answer.close()
    return list(seen.values())


def _median_ms(cursor: Any, sql: str, params: list[Any], *, prepare: bool | None, runs: int) -> float:
    times = []
    for index in range(10 + runs):
        started = time.perf_counter()
        cursor.execute(sql, params, prepare=prepare).fetchall()
        if index >= 10:  # after the warm-up (and after psycopg has prepared it)
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("scenarios", nargs="*", default=list(SCENARIOS))
    args = parser.parse_args()
    import django

    django.setup()
    import psycopg

    from bench import fixtures

    tokens = fixtures.api_tokens(5)
    targets = {**run.ceiling_targets(tokens), **run.scenario_targets(tokens)}
    url = run.DATABASE_URL.replace("postgres://", "postgresql://", 1)
    reused = psycopg.connect(url, autocommit=True)
    custom = psycopg.connect(url, autocommit=True, options="-c plan_cache_mode=force_custom_plan")
    client = psycopg.ClientCursor(reused)
    for connection in (reused, custom):
        connection.execute("SET TIME ZONE 'UTC'")
    print(f"{'client':>9} {'prepared':>9} {'custom plan':>12}  ms, median of {args.runs}")
    for name in args.scenarios:
        print(f"== {name}")
        for sql, params in captured_selects(name, targets[name]):
            figures = [
                _median_ms(cursor, sql, params, prepare=prepare, runs=args.runs)
                for cursor, prepare in ((client, None), (reused, True), (custom, True))
            ]
            print(f"{figures[0]:9.3f} {figures[1]:9.3f} {figures[2]:12.3f}  {' '.join(sql.split())[:80]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
