"""bench/results/<date>.md from the run's JSON (bench/run.py); `python bench/report.py FILE.json` rewrites
the Markdown of an earlier run."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# The targets of issue 16, as ratios of the fixed page behind login in the same run.
TARGETS = {
    "panorama": 0.50,
    "pharmacist_lookup": 0.60,
    "request_page": 0.40,
    "reviewer_queue": 0.40,
    "submission": 0.20,
}
SCENARIOS = ("panorama", "pharmacist_lookup", "request_page", "reviewer_queue", "submission")
# Issue 17's coverage check, as a ratio of the token-authenticated fixed answer (`api_minimal`).
API_TARGETS = {"coverage_check": 0.60}
CEILINGS = ("minimal_view", "logged_in_view", "api_minimal")
PARTS = ("framework", "view", "template", "audit", "sql")


def _n(value: Any, digits: int = 1) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    stages = sorted(report["stages"], key=int)
    largest, smallest = stages[-1], stages[0]
    top = report["stages"][largest]
    rows = [
        f"# Benchmark {report['date']}",
        "",
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, PostgreSQL {m['postgresql']}, "
        f"Python {m['python']}; load average at start {m['load_average_at_start'][0]:.2f}. "
        f"gunicorn 2 sync workers; wrk {report['connections']} connections, "
        f"{report['seconds_per_scenario']} s per scenario. Ratios are of the fixed page behind login "
        "(a reviewer's session: session, user, second factor, account gate) measured before and after the "
        f"scenarios of the same stage. Run time {report.get('total_seconds', 0) / 60:.0f} min.",
        "",
        f"## Targets ({int(largest):,} requests)",
        "",
        "| Scenario | Target (× fixed page behind login) | Measured | Met? |",
        "|---|---:|---:|---|",
    ]
    growth = report.get("growth", {})
    for name in SCENARIOS:
        ratio = top["ratios"].get(name, {}).get("vs_logged_in_view")
        target = TARGETS[name]
        met = ratio is not None and ratio >= target
        rows.append(f"| {name} | ≥ {target:.2f} | {_n(ratio, 3)} | {'yes' if met else '**no**'} |")
    for name, target in API_TARGETS.items():
        ratio = top["ratios"].get(name, {}).get("vs_api_minimal")
        met = ratio is not None and ratio >= target
        rows.append(
            f"| {name} (issue 17) | ≥ {target:.2f} × the token-authenticated fixed answer | {_n(ratio, 3)} | "
            f"{'yes' if met else '**no**'} |"
        )
    queue = [report["stages"][s]["ratios"].get("reviewer_queue", {}).get("vs_logged_in_view") for s in stages]
    rows.append(
        f"| reviewer_queue, same at {int(smallest):,} and {int(largest):,} | ratio within 20 % | "
        f"{_n(queue[0], 3)} → {_n(queue[-1], 3)} | "
        f"{'yes' if queue[0] and queue[-1] and abs(queue[-1] / queue[0] - 1) <= 0.2 else '**no**'} |"
    )
    submission = top["scenarios"].get("submission", {})
    rows.append(
        f"| submission ≥ 150/s, 0 errors | | {_n(submission.get('rps'))}/s, "
        f"{submission.get('errors')} errors | "
        f"{'yes' if submission.get('rps', 0) >= 150 and not submission.get('errors') else '**no**'} |"
    )
    generation = report.get("generation", [])
    if generation and generation[-1].get("total") == int(largest):
        seconds = sum(g["seconds"] for g in generation)
        rows.append(
            f"| data generator: {int(largest):,} requests (all stages) in under 5 minutes | ≤ 300 s | "
            f"{seconds:,.1f} s | {'yes' if seconds <= 300 else '**no**'} |"
        )
    for name in (*SCENARIOS, *API_TARGETS):
        g = growth.get(name, {}).get("p95")
        rows.append(
            f"| {name}: p95 at {int(largest):,} ≤ 1.3 × p95 at {int(smallest):,} | ≤ 1.30 | {_n(g, 2)} | "
            f"{'yes' if g is not None and g <= 1.3 else '**no**'} |"
        )
    rows += [
        "",
        f"## Throughput and latency ({int(largest):,} requests)",
        "",
        "| Scenario | req/s | p50 ms | p95 ms | p99 ms | errors | × behind login | × anonymous page "
        "| load average |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in top["scenarios"].items():
        ratio = top["ratios"].get(name, {})
        rows.append(
            f"| {name} | {_n(r['rps'])} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | {r['p99_ms']:.2f} | "
            f"{r['errors']} | {_n(ratio.get('vs_logged_in_view'), 3)} | "
            f"{_n(ratio.get('vs_minimal_view'), 3)} | "
            f"{' → '.join(f'{x:.2f}' for x in r.get('load_average', []))} |"
        )
    sql = report.get("bare_sql_panorama")
    if sql:
        rows.append(
            f"| *bare SQL of the panorama (psycopg)* | {_n(sql['rps'])} | {sql['p50_ms']:.2f} | "
            f"{sql['p95_ms']:.2f} | {sql['p99_ms']:.2f} | 0 | | | |"
        )
    rows += ["", "## By scale", "", "| Requests | scenario | req/s | p50 ms | p95 ms | × behind login |"]
    rows.append("|---:|---|---:|---:|---:|---:|")
    for stage in stages:
        data = report["stages"][stage]
        for name, r in data["scenarios"].items():
            rows.append(
                f"| {int(stage):,} | {name} | {_n(r['rps'])} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | "
                f"{_n(data['ratios'][name]['vs_logged_in_view'], 3)} |"
            )
    rows += [
        "",
        f"## In-process breakdown ({int(largest):,} requests, ms per request, parts add up to the total)",
        "",
        "| Endpoint | total | Python CPU | " + " | ".join(PARTS) + " | queries | statuses |",
        "|---|---:|---:|" + "---:|" * len(PARTS) + "---:|---|",
    ]
    for name, b in top["breakdown"].items():
        parts = " | ".join(f"{b['parts_ms'].get(p, 0):.2f}" for p in PARTS)
        rows.append(
            f"| {name} | {b['ms_per_request']:.2f} | {b['python_cpu_ms']:.2f} | {parts} | "
            f"{b['queries_per_request']} | {json.dumps(b['statuses'])} |"
        )
    rows += ["", "Costliest statements per endpoint (ms per request, statements per request):", ""]
    for name, b in top["breakdown"].items():
        first = list(b["statements_ms"].items())[:3]
        rows.append(f"- {name}: " + "; ".join(f"`{k[:70]}` {v[0]:.2f} ms ×{v[1]}" for k, v in first))
    persistent = report.get("persistent_connections")
    if persistent:
        rows += [
            "",
            f"## Persistent connections ({int(smallest):,} requests)",
            "",
            "| Scenario | one connection per request (req/s) | persistent, 60 s (req/s) | gain |",
            "|---|---:|---:|---:|",
        ]
        for name, gain in persistent["gain"].items():
            rows.append(
                f"| {name} | {_n(persistent['per_request'][name]['rps'])} | "
                f"{_n(persistent['persistent'][name]['rps'])} | × {gain:.2f} |"
            )
    d = report.get("drills")
    if d:
        pages = d["load"]["pages"]
        total = pages.get("Aggregated", {})
        rows += [
            "",
            f"## Load drill: {d['users']} simulated people of every role, {d['seconds']} s (locust)",
            "",
            f"{total.get('requests', 0):,} requests, **{total.get('errors', 0)} errors**, "
            f"{_n(total.get('rps'))} req/s; load average after {d['load'].get('load_average_after')}.",
            "",
            "| Page | requests | errors | p50 ms | p95 ms | p99 ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, p in pages.items():
            rows.append(
                f"| {name} | {p['requests']:,} | {p['errors']} | {p['p50_ms']:.0f} | {p['p95_ms']:.0f} "
                f"| {p['p99_ms']:.0f} |"
            )
        rows += [
            "",
            f"Backup under that load: `pg_dump` of an exported snapshot in {d['dump_seconds']} s "
            f"({d['dump_megabytes']} MB, load average {d['dump_load_average']}); restored into an empty "
            f"database with `pg_restore --jobs=2` in **{d['restore_seconds']} s**; {d['tables_compared']} "
            f"tables, {d['rows_compared']:,} rows compared by row count and checksum with the snapshot: "
            + (
                "**identical**."
                if d["restore_identical"]
                else f"**different: {', '.join(d['tables_different'])}**."
            ),
        ]
    rows += ["", "## Generation", ""]
    rows += [
        f"- {g['added']:,} requests added (total {g['total']:,}) in {g['seconds']} s "
        f"(load average {g.get('load_average', '?')}): {g['output']}" + _checkpoint(g)
        for g in report["generation"]
    ]
    crash = report.get("crash_test", {})
    rows += ["", f"Crash test: {json.dumps(crash.get('summary', crash), ensure_ascii=False)}", ""]
    return "\n".join(rows) + "\n"


def free_stamp(results: Path, stamp: str, suffix: str) -> str:
    """`stamp`, or `stamp-2`, `stamp-3`… when an earlier run of the same day already wrote that name."""
    candidate, n = stamp, 1
    while (results / f"{candidate}{suffix}").exists():
        n += 1
        candidate = f"{stamp}-{n}"
    return candidate


def _checkpoint(generation: dict[str, Any]) -> str:
    seconds = generation.get("checkpoint_seconds")
    return "" if seconds is None else f" Then CHECKPOINT in {seconds} s."


if __name__ == "__main__":
    path = Path(sys.argv[1])
    path.with_suffix(".md").write_text(markdown(json.loads(path.read_text())))
