"""`make bench`: the whole harness, from an empty PostgreSQL database to bench/results/<date>.json and .md.

1. Recreates the database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/pme_bench),
   migrates, collects static files.
2. For each scale of BENCH_STAGES (default 100000,1000000,3000000 requests): tops the data up with
   `manage.py generate_data`, starts the server as in production (gunicorn, 2 workers, DEBUG=0, a
   throw-away SECRET_KEY, plain HTTP on 127.0.0.1, look-up throttle raised), and runs the panorama and
   pharmacist look-ups with wrk (16 connections, BENCH_SECONDS each, default 10).
3. At the largest scale, also: request page, reviewer queue, API submission (when the API is there), and
   the two baselines: the panorama's bare SQL through psycopg at the same concurrency, and a fixed page
   on the same server (PME_BENCH_VIEWS=1). Then a profile of the panorama view (cProfile + SQL time).
4. The catalogue search benchmark (bench/catalogue_search.py) and the crash test (bench/crash_submit.py).

Nothing here asserts a timing: the figures are compared with the targets in the report.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pme_bench")
STAGES = [int(s) for s in os.environ.get("BENCH_STAGES", "100000,1000000,3000000").split(",")]
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = 16
PORT = int(os.environ.get("BENCH_PORT", "8731"))
BASE = f"http://127.0.0.1:{PORT}"
RESULTS = ROOT / "bench" / "results"
VAR = ROOT / "var" / "bench"

SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "127.0.0.1",
    "PME_HTTPS": "0",
    "PME_BENCH_VIEWS": "1",
    "PME_LOOKUP_LIMIT": "1000000000",
    "PME_API_RATE_LIMIT": "1000000000",
    "PME_COVERAGE_LIMIT": "1000000000",
    "PME_VAR_DIR": str(VAR),
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}
os.environ.update(SERVER_ENV)
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def manage(*args: str) -> str:
    done = subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=os.environ, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def recreate_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


class Server:
    """gunicorn with 2 workers, as in production, in its own process group (so it can be killed whole)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{PORT}",
            ],
            cwd=ROOT,
            env=os.environ,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{BASE}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process = None


def check_target(line: str) -> None:
    """One request of the scenario answers 2xx before it is loaded (a redirect to the login page or a 404
    would measure the wrong thing)."""
    method, path, cookie, body = line.split("|", 3)
    request = urllib.request.Request(BASE + path, method=method, data=body.encode() or None)
    if cookie.startswith("Bearer "):
        request.add_header("Authorization", cookie)
        request.add_header("Content-Type", "application/json")
        request.add_header("Idempotency-Key", f"check-{secrets.token_hex(8)}")
    elif cookie:
        request.add_header("Cookie", cookie)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(request, timeout=30) as answer:
        if not 200 <= answer.status < 300:
            raise RuntimeError(f"{method} {path} answered {answer.status}")


def wrk(name: str, lines: list[str], seconds: int = SECONDS) -> dict[str, Any]:
    check_target(lines[0])
    targets = VAR / f"targets-{name}.txt"
    targets.write_text("\n".join(lines) + "\n")
    env = {**os.environ, "TARGETS": str(targets), "RUN_ID": secrets.token_hex(4)}
    done = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            "bench/targets.lua",
            BASE,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    result["rps"] = round(result["requests"] / result["seconds"], 1)
    log(
        f"{name:>14}: {result['rps']:8.1f} req/s  p50 {result['p50_ms']:7.2f}  p95 {result['p95_ms']:7.2f}  "
        f"p99 {result['p99_ms']:7.2f} ms  errors {result['errors_status'] + result['errors_socket']}"
    )
    return result


def bare_sql(statements: list[tuple[str, list[Any]]], seconds: int = SECONDS) -> dict[str, Any]:
    """The panorama query alone, through psycopg, CONNECTIONS threads each with its own connection."""
    import psycopg

    samples: list[list[float]] = [[] for _ in range(CONNECTIONS)]
    deadline = time.perf_counter() + seconds

    def worker(n: int) -> None:
        with psycopg.connect(DATABASE_URL) as conn:
            i = n
            while time.perf_counter() < deadline:
                sql, params = statements[i % len(statements)]
                start = time.perf_counter()
                conn.execute(sql, params).fetchall()
                samples[n].append((time.perf_counter() - start) * 1000)
                i += CONNECTIONS

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    flat = sorted(x for s in samples for x in s)
    result = {
        "requests": len(flat),
        "seconds": round(elapsed, 3),
        "rps": round(len(flat) / elapsed, 1),
        "p50_ms": round(flat[len(flat) // 2], 3),
        "p95_ms": round(flat[int(len(flat) * 0.95)], 3),
        "p99_ms": round(flat[int(len(flat) * 0.99)], 3),
        "mean_ms": round(statistics.fmean(flat), 3),
        "errors_status": 0,
        "errors_socket": 0,
    }
    log(
        f"{'bare SQL':>14}: {result['rps']:8.1f} q/s    p50 {result['p50_ms']:7.2f}  "
        f"p95 {result['p95_ms']:7.2f} ms"
    )
    return result


def profile_view(lines: list[str], count: int = 200) -> dict[str, Any]:
    """Where the panorama's time goes, in one process: cProfile of the view through Django's test client,
    and the time spent waiting for SQL (execute_wrapper)."""
    from django.db import connection
    from django.test import Client

    sql_time = [0.0, 0]
    by_statement: dict[str, float] = {}

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - start
            sql_time[0] += spent
            sql_time[1] += 1
            key = " ".join(sql.split())[:90]
            by_statement[key] = by_statement.get(key, 0.0) + spent

    client = Client(HTTP_HOST="127.0.0.1")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    with connection.execute_wrapper(timer):
        profiler.enable()
        for i in range(count):
            _method, path, cookie, _body = lines[i % len(lines)].split("|", 3)
            client.cookies.load(cookie)
            client.get(path)
        profiler.disable()
    total = time.perf_counter() - started
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    return {
        "requests": count,
        "ms_per_request": round(total / count * 1000, 2),
        "sql_ms_per_request": round(sql_time[0] / count * 1000, 2),
        "queries_per_request": round(sql_time[1] / count, 1),
        "sql_ms_per_request_by_statement": {
            k: round(v / count * 1000, 2) for k, v in sorted(by_statement.items(), key=lambda kv: -kv[1])[:10]
        },
        "top_functions_by_own_time": out.getvalue().splitlines()[-16:],
    }


def api_available() -> bool:
    return (ROOT / "pme" / "api" / "__init__.py").exists()


def api_tokens(count: int) -> list[str]:
    from pme.accounts.models import Role, User

    prescribers = User.objects.filter(role=Role.PRESCRIBER, username__startswith="gen-p").order_by("pk")[
        :count
    ]
    return [
        manage("create_api_token", "--username", p.username, "--name", "bench", "--days", "1")
        .strip()
        .split()[-1]
        for p in prescribers
    ]


def machine() -> dict[str, Any]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    import psycopg

    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres") as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(int(memory) / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": row[0] if row else "",
        "load_average_at_start": os.getloadavg(),
    }


def main() -> int:
    started = time.perf_counter()
    VAR.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "connections": CONNECTIONS,
        "seconds_per_scenario": SECONDS,
        "generation": [],
        "scaling": {},
        "scenarios": {},
        "baselines": {},
    }
    log(f"Database {DATABASE_URL}: recreating, migrating")
    recreate_database()
    manage("migrate", "--no-input")
    manage("createcachetable")
    manage("collectstatic", "--no-input")
    import django

    django.setup()
    from bench import fixtures

    current = 0
    server = Server()
    for seed, stage in enumerate(STAGES, start=1):
        log(f"Generating {stage - current:,} requests (to {stage:,})")
        t0 = time.perf_counter()
        output = manage(
            "generate_data", "--requests", str(stage - current), "--seed", str(seed), "--no-progress"
        )
        seconds = time.perf_counter() - t0
        report["generation"].append(
            {"added": stage - current, "total": stage, "seconds": round(seconds, 1), "output": output.strip()}
        )
        log(output.strip())
        current = stage
        panorama_lines, statements = fixtures.panorama_targets()
        status_lines = fixtures.status_targets()
        server.start()
        try:
            stage_results = {
                "panorama": wrk("panorama", panorama_lines),
                "pharmacist_lookup": wrk("pharmacist", status_lines),
            }
            report["scaling"][str(stage)] = stage_results
            if stage == STAGES[-1]:
                scenarios = report["scenarios"]
                scenarios.update(stage_results)
                scenarios["request_page"] = wrk("request_page", fixtures.request_page_targets())
                scenarios["reviewer_queue"] = wrk("reviewer_queue", fixtures.reviewer_targets())
                if api_available():
                    scenarios["submission"] = wrk("submission", fixtures.submission_targets(api_tokens(20)))
                    from bench import coverage

                    scenarios["coverage_check"] = wrk(
                        "coverage_check", coverage.coverage_targets(coverage.pharmacist_tokens(20))
                    )
                else:
                    report["submission_skipped"] = "the JSON API (pme/api) is not in this branch yet"
                report["baselines"]["minimal_view"] = wrk("minimal_view", fixtures.minimal_targets())
        finally:
            server.stop()
        if stage == STAGES[-1]:
            report["baselines"]["bare_sql_panorama"] = bare_sql(statements)
            report["profile_panorama"] = profile_view(panorama_lines)
    report["ratios"] = ratios(report)
    report["catalogue_search"] = catalogue_search()
    report["crash_test"] = crash_test()
    report["total_seconds"] = round(time.perf_counter() - started, 1)
    write(report)
    return 0


def ratios(report: dict[str, Any]) -> dict[str, Any]:
    minimal = report["baselines"].get("minimal_view")
    sql = report["baselines"].get("bare_sql_panorama")
    out: dict[str, Any] = {}
    for name, r in report["scenarios"].items():
        out[name] = {
            "throughput_vs_minimal_view": round(r["rps"] / minimal["rps"], 3) if minimal else None,
            "p95_vs_bare_sql": round(r["p95_ms"] / sql["p95_ms"], 2) if sql else None,
            "p50_vs_bare_sql": round(r["p50_ms"] / sql["p50_ms"], 2) if sql else None,
            "throughput_vs_bare_sql": round(r["rps"] / sql["rps"], 3) if sql else None,
        }
    stages = sorted(report["scaling"], key=int)
    if len(stages) > 1:
        first, last = report["scaling"][stages[0]], report["scaling"][stages[-1]]
        out["growth_largest_vs_smallest"] = {
            name: {
                "p50": round(last[name]["p50_ms"] / first[name]["p50_ms"], 2),
                "p95": round(last[name]["p95_ms"] / first[name]["p95_ms"], 2),
            }
            for name in first
        }
    return out


def catalogue_search() -> dict[str, Any]:
    log("Catalogue search benchmark")
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL.rsplit("/", 1)[0] + "/pme_bench_catalogue",
        "DEBUG": "1",
    }
    done = subprocess.run(
        [str(BIN / "python"), "bench/catalogue_search.py"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    print(done.stdout, end="")
    path = RESULTS / f"catalogue-search-{dt.date.today().isoformat()}.json"
    if done.returncode or not path.exists():
        return {"error": done.stderr[-2000:]}
    return dict(json.loads(path.read_text()))


def crash_test() -> dict[str, Any]:
    if not api_available():
        log("Crash test skipped: the JSON API (pme/api) is not in this branch yet")
        return {"skipped": "the JSON API (pme/api) is not in this branch yet"}
    log("Crash test")
    done = subprocess.run(
        [
            str(BIN / "python"),
            "bench/crash_submit.py",
            "--runs",
            os.environ.get("BENCH_CRASH_RUNS", "5"),
            "--json",
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in SERVER_ENV or k == "PME_VAR_DIR"},
        capture_output=True,
        text=True,
    )
    print(done.stderr[-3000:], end="")
    lines = [x for x in done.stdout.splitlines() if x.startswith("{")]
    return dict(json.loads(lines[-1])) if lines else {"error": done.stdout[-2000:] + done.stderr[-2000:]}


def write(report: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.date.today().isoformat()
    (RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / f"{stamp}.md").write_text(markdown(report))
    log(f"Written bench/results/{stamp}.json and .md in {report['total_seconds']:.0f} s")
    print(markdown(report))


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    rows = [
        f"# Benchmark {report['date']}",
        "",
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, PostgreSQL {m['postgresql']}, "
        f"Python {m['python']}; load average at start {m['load_average_at_start'][0]:.2f}. "
        f"{report['connections']} connections, {report['seconds_per_scenario']} s per scenario.",
        "",
        "| Scenario | req/s | p50 ms | p95 ms | p99 ms | errors | × minimal view (req/s) "
        "| × bare SQL (p95) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in {**report["scenarios"], **report["baselines"]}.items():
        ratio = report["ratios"].get(name, {})
        rows.append(
            f"| {name} | {r['rps']} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | {r['p99_ms']:.2f} | "
            f"{r['errors_status'] + r['errors_socket']} | {ratio.get('throughput_vs_minimal_view', '')} | "
            f"{ratio.get('p95_vs_bare_sql', '')} |"
        )
    rows += [
        "",
        "| Requests | scenario | req/s | p50 ms | p95 ms | p99 ms |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for stage, results in report["scaling"].items():
        for name, r in results.items():
            rows.append(
                f"| {int(stage):,} | {name} | {r['rps']} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} "
                f"| {r['p99_ms']:.2f} |"
            )
    rows += ["", "Generation:", ""]
    rows += [
        f"- {g['added']:,} requests added (total {g['total']:,}) in {g['seconds']} s"
        for g in report["generation"]
    ]
    crash = report.get("crash_test", {})
    rows += ["", f"Crash test: {json.dumps(crash.get('summary', crash), ensure_ascii=False)}", ""]
    return "\n".join(rows) + "\n"


def profile_only() -> int:
    """`bench/run.py --profile`: only the panorama profile, on the database left by the last run."""
    import django

    django.setup()
    from bench import fixtures

    lines, _statements = fixtures.panorama_targets()
    print(json.dumps(profile_view(lines), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(profile_only() if "--profile" in sys.argv else main())
