"""`make bench`: the whole harness, from an empty PostgreSQL database to bench/results/<date>.json and .md.

1. Recreates the database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/pme_bench),
   migrates, collects static files.
2. For each scale of BENCH_STAGES (default 100000,1000000,3000000 requests): tops the data up with `manage.py
   generate_data` and writes its pages out (CHECKPOINT), starts the server as in production (gunicorn, 2 sync
   workers, DEBUG=0, a throw-away SECRET_KEY, plain HTTP on 127.0.0.1, look-up throttles raised) and runs
   every scenario with wrk (16 connections, BENCH_SECONDS each, default 10), between two measures of the
   ceilings: the anonymous fixed page, the fixed page behind login (a reviewer's session: session, user,
   second-factor device, account gate) and the fixed JSON answer behind the API token. Every scenario is
   reported as a ratio of the fixed page behind login measured in the same minutes, with the load average.
   Then the in-process breakdown of each endpoint (bench/breakdown.py: framework and middleware, view,
   template, audit, SQL, queries per request).
3. At the first stage, the effect of persistent connections (DATABASE_CONN_MAX_AGE=0 against the default).
4. At the largest stage: the panorama's bare SQL through psycopg (the database's own limit), the load drill
   (bench/locustfile.py: BENCH_LOCUST_USERS simulated people of every role, default 100, for
   BENCH_LOCUST_SECONDS, default 60) with a backup taken under that load (pg_dump of an exported snapshot),
   restored into an empty database and compared table by table (row counts and checksums) with the
   snapshot, with the dump and restore times.
5. The catalogue search benchmark (bench/catalogue_search.py) and the crash test (bench/crash_submit.py).

Nothing here asserts a timing: the figures are compared with the targets in the report. Quick trial:
`BENCH_STAGES=20000,40000 BENCH_SECONDS=3 BENCH_LOCUST_SECONDS=10 BENCH_CRASH_RUNS=1 make bench`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import secrets
import shutil
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
RESTORE_URL = DATABASE_URL + "_restore"
STAGES = [int(s) for s in os.environ.get("BENCH_STAGES", "100000,1000000,3000000").split(",")]
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
LOCUST_USERS = int(os.environ.get("BENCH_LOCUST_USERS", "100"))
LOCUST_SECONDS = int(os.environ.get("BENCH_LOCUST_SECONDS", "60"))
CONNECTIONS = 16
RESULTS = ROOT / "bench" / "results"
VAR = ROOT / "var" / "bench"


def free_port() -> int:
    import socket

    wanted = os.environ.get("BENCH_PORT")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", int(wanted) if wanted else 0))
        return int(probe.getsockname()[1])


PORT = free_port()
BASE = f"http://127.0.0.1:{PORT}"

SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "PME_AUDIT_CHAIN_KEY": secrets.token_urlsafe(48),  # a throw-away chain key, like the secret key
    "ALLOWED_HOSTS": "127.0.0.1",
    "PME_HTTPS": "0",
    "PME_BENCH_VIEWS": "1",
    "PME_LOOKUP_LIMIT": "1000000000",
    "PME_API_RATE_PER_MINUTE": "1000000000",  # the per-token rate still runs its upsert, never refuses
    "PME_API_BURST": "1000000000",
    "PME_COVERAGE_LIMIT": "1000000000",
    "PME_VAR_DIR": str(VAR),
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}
os.environ.update(SERVER_ENV)
sys.path.insert(0, str(ROOT))

CEILINGS = ("minimal_view", "logged_in_view", "api_minimal")
REFERENCE = "logged_in_view"  # every ratio is against the fixed page behind login


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}Z] {message}", flush=True)


def load() -> float:
    return round(os.getloadavg()[0], 2)


def manage(*args: str) -> str:
    done = subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=os.environ, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def checkpoint(url: str) -> float | None:
    """Writes the bulk load's dirty pages now (CHECKPOINT), so the scenarios that follow measure the
    steady state, not a checkpoint flushing gigabytes under them (a p95 of 480 ms against 176 ms at 3 M on
    2026-12-02, docs/performance.md). Seconds taken; None when the role may not (it needs pg_checkpoint
    or superuser)."""
    import psycopg

    started = time.perf_counter()
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CHECKPOINT")
    except psycopg.errors.InsufficientPrivilege:
        log("CHECKPOINT refused to this role: the scenarios may run during the load's checkpoint")
        return None
    return round(time.perf_counter() - started, 1)


def drop_database(url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


class Server:
    """gunicorn with 2 workers, as in production, in its own process group (so it can be killed whole)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, **env: str) -> None:
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--log-level",
                "warning",
                "--no-control-socket",  # its fixed path would be shared by servers running at once
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            start_new_session=True,
        )
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{BASE}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not start on port {PORT} (taken? set BENCH_PORT)")

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
    load_before = load()
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
    result = dict(json.loads(line[len("RESULT ") :]))
    result["rps"] = round(result["requests"] / result["seconds"], 1)
    result["errors"] = result["errors_status"] + result["errors_socket"]
    result["load_average"] = [load_before, load()]
    log(
        f"{name:>18}: {result['rps']:8.1f} req/s  p50 {result['p50_ms']:7.2f}  p95 {result['p95_ms']:7.2f}  "
        f"p99 {result['p99_ms']:7.2f} ms  errors {result['errors']}  load {load_before:.2f}"
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
        "errors": 0,
        "load_average": [load(), load()],
    }
    log(
        f"{'bare SQL':>18}: {result['rps']:8.1f} q/s    p50 {result['p50_ms']:7.2f}  "
        f"p95 {result['p95_ms']:7.2f} ms"
    )
    return result


def scenario_targets(tokens: list[str]) -> dict[str, list[str]]:
    from bench import fixtures

    panorama, _statements = fixtures.panorama_targets()
    return {
        "panorama": panorama,
        "pharmacist_lookup": fixtures.status_targets(),
        "request_page": fixtures.request_page_targets(),
        "reviewer_queue": fixtures.reviewer_targets(),
        "submission": fixtures.submission_targets(tokens),
        "coverage_check": _coverage_targets(),
    }


def _coverage_targets() -> list[str]:
    """The coverage check (issue 17) with generated pharmacists' tokens; compared with api_minimal."""
    from bench import coverage

    return coverage.coverage_targets(coverage.pharmacist_tokens(20))


def ceiling_targets(tokens: list[str]) -> dict[str, list[str]]:
    from bench import fixtures

    return {
        "minimal_view": fixtures.minimal_targets(),
        "logged_in_view": fixtures.logged_in_targets(),
        "api_minimal": fixtures.api_minimal_targets(tokens),
    }


def run_stage(server: Server, tokens: list[str]) -> dict[str, Any]:
    """Ceilings, every scenario, ceilings again; the reference is the mean of its two measures."""
    scenarios = scenario_targets(tokens)
    ceilings = ceiling_targets(tokens)
    server.start()
    try:
        before = {name: wrk(name, lines) for name, lines in ceilings.items()}
        results = {name: wrk(name, lines) for name, lines in scenarios.items()}
        after = {name: wrk(f"{name} (again)", lines) for name, lines in ceilings.items()}
    finally:
        server.stop()
    for name in ceilings:
        first, second = before[name], after[name]
        results[name] = {
            **first,
            "rps": round((first["rps"] + second["rps"]) / 2, 1),
            "rps_before_and_after": [first["rps"], second["rps"]],
            "load_average": first["load_average"] + second["load_average"],
        }
    from bench.breakdown import breakdown_all

    return {
        "scenarios": results,
        "ratios": stage_ratios(results),
        "breakdown": breakdown_all({**ceilings, **scenarios}),
    }


def stage_ratios(results: dict[str, Any]) -> dict[str, Any]:
    reference = results[REFERENCE]["rps"]
    anonymous = results["minimal_view"]["rps"]
    api = results["api_minimal"]["rps"]
    return {
        name: {
            "vs_logged_in_view": round(r["rps"] / reference, 3),
            "vs_minimal_view": round(r["rps"] / anonymous, 3),
            "vs_api_minimal": round(r["rps"] / api, 3) if name in ("submission", "coverage_check") else None,
        }
        for name, r in results.items()
    }


def persistent_connections(server: Server, tokens: list[str]) -> dict[str, Any]:
    """The fixed page behind login and the pharmacist look-up with one connection per request
    (DATABASE_CONN_MAX_AGE=0) and with the default persistent connections, back to back."""
    from bench import fixtures

    lines = {"logged_in_view": fixtures.logged_in_targets(), "pharmacist_lookup": fixtures.status_targets()}
    out: dict[str, Any] = {}
    for label, age in (("per_request", "0"), ("persistent", "60")):
        server.start(DATABASE_CONN_MAX_AGE=age)
        try:
            out[label] = {name: wrk(f"{name} age={age}", x) for name, x in lines.items()}
        finally:
            server.stop()
    out["gain"] = {
        name: round(out["persistent"][name]["rps"] / out["per_request"][name]["rps"], 3) for name in lines
    }
    return out


# --- the load and recovery drills -----------------------------------------------------------------------


def table_checksums(conn: Any) -> dict[str, list[int]]:
    """Rows and an order-free checksum (sum of 60 bits of each row's md5) of every table of the schema."""
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
    ]
    out: dict[str, list[int]] = {}
    for table in tables:
        row = conn.execute(
            "SELECT count(*), coalesce(sum(('x' || left(md5(t::text), 15))::bit(60)::bigint), 0) "
            f'FROM "{table}" t'
        ).fetchone()
        out[table] = [int(row[0]), int(row[1])]
    return out


def locust(plan_path: Path, seconds: int) -> subprocess.Popen[str]:
    prefix = VAR / "locust"
    return subprocess.Popen(
        [
            str(BIN / "locust"),
            "-f",
            "bench/locustfile.py",
            "--headless",
            "--only-summary",
            "-u",
            str(LOCUST_USERS),
            "-r",
            str(max(1, LOCUST_USERS // 4)),
            "-t",
            f"{seconds}s",
            "--host",
            BASE,
            "--csv",
            str(prefix),
            "--exit-code-on-error",
            "0",
            "--stop-timeout",
            "10",
        ],
        cwd=ROOT,
        env={**os.environ, "LOCUST_PLAN": str(plan_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def locust_stats() -> dict[str, Any]:
    import csv

    pages: dict[str, Any] = {}
    with (VAR / "locust_stats.csv").open() as stats:
        for row in csv.DictReader(stats):
            pages[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
            }
    failures = []
    failures_file = VAR / "locust_failures.csv"
    if failures_file.exists():
        with failures_file.open() as found:
            failures = [dict(r) for r in csv.DictReader(found)][:20]
    return {"pages": pages, "failures": failures}


def drills(server: Server, tokens: list[str]) -> dict[str, Any]:
    """The load drill with a backup taken in the middle of it, then the restore and its comparison."""
    import psycopg

    from bench import fixtures

    plan_path = VAR / "locust-plan.json"
    plan_path.write_text(json.dumps(fixtures.locust_plan(tokens)))
    result: dict[str, Any] = {"users": LOCUST_USERS, "seconds": LOCUST_SECONDS}
    dump = VAR / "backup.dump"
    server.start()
    try:
        log(f"Load drill: {LOCUST_USERS} simulated people of every role for {LOCUST_SECONDS} s")
        drill = locust(plan_path, LOCUST_SECONDS)
        time.sleep(min(10, LOCUST_SECONDS / 4))
        with psycopg.connect(DATABASE_URL) as snapshot_conn:
            snapshot_conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            exported = snapshot_conn.execute("SELECT pg_export_snapshot()").fetchone()
            assert exported is not None
            snapshot = exported[0]
            log(f"Backup under load: pg_dump of snapshot {snapshot}")
            load_at_dump = load()
            started = time.perf_counter()
            subprocess.run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(dump), DATABASE_URL],
                check=True,
                capture_output=True,
            )
            result["dump_seconds"] = round(time.perf_counter() - started, 1)
            result["dump_megabytes"] = round(dump.stat().st_size / 1e6, 1)
            result["dump_load_average"] = [load_at_dump, load()]
            expected = table_checksums(snapshot_conn)  # the same snapshot the dump saw
            snapshot_conn.execute("COMMIT")
        output, _ = drill.communicate(timeout=LOCUST_SECONDS + 120)
        result["load"] = locust_stats()
        result["load"]["output_tail"] = output.splitlines()[-5:]
        result["load"]["load_average_after"] = load()
    finally:
        server.stop()
    log("Restore into an empty database")
    recreate_database(RESTORE_URL)
    started = time.perf_counter()
    subprocess.run(
        ["pg_restore", "--jobs=2", "--no-owner", "--exit-on-error", "--dbname", RESTORE_URL, str(dump)],
        check=True,
        capture_output=True,
    )
    result["restore_seconds"] = round(time.perf_counter() - started, 1)
    with psycopg.connect(RESTORE_URL) as restored:
        found = table_checksums(restored)
    different = sorted(t for t in set(expected) | set(found) if expected.get(t) != found.get(t))
    result["tables_compared"] = len(expected)
    result["rows_compared"] = sum(n for n, _sum in expected.values())
    result["tables_different"] = different
    result["restore_identical"] = not different
    drop_database(RESTORE_URL)
    dump.unlink(missing_ok=True)
    pages = result["load"]["pages"]
    total = pages.get("Aggregated", {})
    log(
        f"Load drill: {total.get('requests', 0)} requests, {total.get('errors', 0)} errors, "
        f"p95 {total.get('p95_ms')} ms; dump {result['dump_seconds']} s, "
        f"restore {result['restore_seconds']} s, "
        f"{result['tables_compared']} tables / {result['rows_compared']:,} rows "
        f"{'identical' if not different else 'DIFFERENT: ' + ', '.join(different)}"
    )
    return result


# --- the whole run --------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    import psycopg

    with psycopg.connect(admin_url(DATABASE_URL)) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(int(memory) / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": row[0] if row else "",
        "load_average_at_start": os.getloadavg(),
    }


def preflight() -> None:
    missing = [tool for tool in ("wrk", "pg_dump", "pg_restore") if shutil.which(tool) is None]
    if not (BIN / "locust").exists():
        missing.append("locust (make venv)")
    if missing:
        raise SystemExit(f"make bench needs: {', '.join(missing)} (wrk: apt-get install wrk)")


def main() -> int:
    preflight()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))  # stop the server on the way out
    started = time.perf_counter()
    VAR.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "connections": CONNECTIONS,
        "seconds_per_scenario": SECONDS,
        "reference": REFERENCE,
        "generation": [],
        "stages": {},
    }
    log(f"Database {DATABASE_URL}: recreating, migrating; server on port {PORT}")
    recreate_database(DATABASE_URL)
    manage("migrate", "--no-input")
    manage("createcachetable")
    manage("collectstatic", "--no-input")
    import django

    django.setup()
    from bench import fixtures

    current = 0
    server = Server()
    tokens: list[str] = []
    for seed, stage in enumerate(STAGES, start=1):
        log(f"Generating {stage - current:,} requests (to {stage:,}), load {load():.2f}")
        t0 = time.perf_counter()
        output = manage(
            "generate_data", "--requests", str(stage - current), "--seed", str(seed), "--no-progress"
        )
        seconds = round(time.perf_counter() - t0, 1)
        report["generation"].append(
            {
                "added": stage - current,
                "total": stage,
                "seconds": seconds,
                "load_average": load(),
                "output": output.strip(),
                "checkpoint_seconds": checkpoint(DATABASE_URL),
            }
        )
        log(output.strip())
        current = stage
        tokens = tokens or fixtures.api_tokens(20)
        report["stages"][str(stage)] = run_stage(server, tokens)
        if stage == STAGES[0]:
            report["persistent_connections"] = persistent_connections(server, tokens)
    _lines, statements = fixtures.panorama_targets()
    report["bare_sql_panorama"] = bare_sql(statements)
    report["drills"] = drills(server, tokens)
    report["growth"] = growth(report)
    report["catalogue_search"] = catalogue_search()
    report["crash_test"] = crash_test()
    report["total_seconds"] = round(time.perf_counter() - started, 1)
    write(report)
    return 0


def growth(report: dict[str, Any]) -> dict[str, Any]:
    """p50 and p95 at the largest stage over the smallest, per scenario."""
    stages = sorted(report["stages"], key=int)
    if len(stages) < 2:
        return {}
    first, last = report["stages"][stages[0]]["scenarios"], report["stages"][stages[-1]]["scenarios"]
    return {
        name: {
            "p50": round(last[name]["p50_ms"] / first[name]["p50_ms"], 2),
            "p95": round(last[name]["p95_ms"] / first[name]["p95_ms"], 2),
        }
        for name in first
        if name in last
    }


def catalogue_search() -> dict[str, Any]:
    log("Catalogue search benchmark")
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL.rsplit("/", 1)[0] + "/pme_bench_catalogue",
        "DEBUG": "1",
    }
    path = RESULTS / f"{_free_stamp('catalogue-search-' + dt.date.today().isoformat(), '.json')}.json"
    env["CATALOGUE_SEARCH_OUT"] = str(path)
    done = subprocess.run(
        [str(BIN / "python"), "bench/catalogue_search.py"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    print(done.stdout, end="")
    if done.returncode or not path.exists():
        return {"error": done.stderr[-2000:]}
    return dict(json.loads(path.read_text()))


def crash_test() -> dict[str, Any]:
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


def _free_stamp(stamp: str, suffix: str) -> str:
    from bench.report import free_stamp

    return free_stamp(RESULTS, stamp, suffix)


def write(report: dict[str, Any]) -> None:
    from bench.report import markdown

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = _free_stamp(dt.date.today().isoformat(), ".json")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / f"{stamp}.md").write_text(markdown(report))
    log(f"Written bench/results/{stamp}.json and .md in {report['total_seconds']:.0f} s")
    print(markdown(report))


def breakdown_only() -> int:
    """`bench/run.py --breakdown`: only the in-process breakdown, on the database left by the last run."""
    import django

    django.setup()
    from bench import fixtures
    from bench.breakdown import breakdown_all

    tokens = fixtures.api_tokens(5)
    result = breakdown_all({**ceiling_targets(tokens), **scenario_targets(tokens)})
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def measure_again() -> int:
    """`bench/run.py --again`: the scenarios, ceilings and breakdown once more on the data left by the last
    run (no generation), e.g. when the machine is calmer; written to bench/results/<date>-again.json."""
    import django

    preflight()
    VAR.mkdir(parents=True, exist_ok=True)
    django.setup()
    from bench import fixtures
    from pme.authorizations.models import AuthorizationRequest

    requests = AuthorizationRequest.objects.count()
    log(f"Measuring again at {requests:,} requests, load {load():.2f}")
    tokens = fixtures.api_tokens(20)
    result = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "requests": requests,
        **run_stage(Server(), tokens),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{_free_stamp(dt.date.today().isoformat() + '-again', '.json')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    log(f"Written {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    if "--breakdown" in sys.argv:
        sys.exit(breakdown_only())
    sys.exit(measure_again() if "--again" in sys.argv else main())
