"""Crash test: no acknowledged submission is ever lost or doubled, and nothing is half-written, when the
server (mode `server`) or the database (mode `database`) is killed with SIGKILL in the middle of 200
concurrent API submissions.

    .venv/bin/python bench/crash_submit.py [--runs 5] [--modes server,database] [--json]

Uses a throw-away PostgreSQL cluster (initdb in a new folder under /tmp, run as the postgres user), never
the machine's main one. Its port and the server's are free ports picked at start (or CRASH_DB_PORT and
CRASH_HTTP_PORT); when a port cannot be had, the test says which and stops (exit 2) instead of failing
later on someone else's server. For each run: a fresh database copied from a migrated template holding
one prescriber and an API token; gunicorn with 2 workers as in production; 200 submissions (`POST
/api/v1/requests`, `Idempotency-Key: crash-<run>-<i>`) from 32 threads; once 60 are acknowledged, kill -9
of the server's process group (or of the postmaster); restart; every submission not acknowledged is sent
again with the same key until acknowledged. Then, in the database: each of the 200 keys exists exactly
once, each acknowledged id is that row, every row is fully sent (status submitted, a number, a sending
time, its version 1 and its `transmit` timeline entry) and no draft was left behind.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.fixtures_data import submission_body  # noqa: E402

BIN = ROOT / ".venv" / "bin"
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), Path("/usr/bin"))
PORT_NOTE = "set CRASH_DB_PORT / CRASH_HTTP_PORT to free ports, or stop what holds them"


class PortUnavailable(Exception):
    """A port the test needs is taken (by an earlier run left behind, or another program)."""


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def pick_port(variable: str) -> int:
    """The port named by `variable` if set (it must be free), else one the system says is free now."""
    wanted = os.environ.get(variable)
    if wanted:
        if not port_is_free(int(wanted)):
            raise PortUnavailable(f"port {wanted} ({variable}) is already taken; {PORT_NOTE}")
        return int(wanted)
    for _ in range(20):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port_is_free(port):
            return port
    raise PortUnavailable(f"no free port found for {variable}; {PORT_NOTE}")


CLUSTER = Path(tempfile.gettempdir()) / "pme-crash-pg-unset"  # set by main()
DB_PORT = 0
HTTP_PORT = 0
BASE = ""
CHAIN_KEY = secrets.token_urlsafe(48)  # throw-away, the same for every server of the run
TEMPLATE = "pme_crash_template"
TOTAL = 200
THREADS = 32
KILL_AFTER = 60
VAR = ROOT / "var" / "crash"


def log(message: str) -> None:
    print(f"[crash {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def as_postgres(*command: str) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True)


class Cluster:
    def start(self, *, reuse_running: bool = False) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        status = [*prefix, str(PG_BIN / "pg_ctl"), "-D", str(CLUSTER), "status"]
        running = (CLUSTER / "postmaster.pid").exists() and not subprocess.run(
            status, capture_output=True
        ).returncode
        if reuse_running and running:
            return  # left running by an interrupted run
        if not (CLUSTER / "PG_VERSION").exists():
            CLUSTER.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(CLUSTER, "postgres", "postgres")
            as_postgres(str(PG_BIN / "initdb"), "-D", str(CLUSTER), "-A", "trust", "-U", "postgres")
        command = [str(PG_BIN / "pg_ctl"), "-D", str(CLUSTER), "-o", f"-p {DB_PORT} -k /tmp -c fsync=on"]
        for attempt in range(20):  # after a kill -9, orphaned backends may hold the port for a moment
            try:
                as_postgres(*command, "-l", str(CLUSTER / "server.log"), "-w", "start")
                return
            except subprocess.CalledProcessError:
                if attempt == 19:
                    if not port_is_free(DB_PORT):
                        raise PortUnavailable(
                            f"the test cluster cannot listen on port {DB_PORT}: it is taken; {PORT_NOTE}"
                        ) from None
                    raise
                time.sleep(1)

    def kill(self) -> None:
        pid = int((CLUSTER / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)
        for _ in range(300):  # gone (not even a zombie), so pg_ctl does not take it for a live server
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.1)
        time.sleep(1)  # the backends notice the postmaster's death and leave; start() retries if not

    def stop(self) -> None:
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(CLUSTER), "-m", "fast", "-w", "stop")


def server_env(database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{DB_PORT}/{database}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "PME_AUDIT_CHAIN_KEY": CHAIN_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "PME_HTTPS": "0",
        "PME_VAR_DIR": str(VAR),
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)}: {done.stdout}{done.stderr}")
    return done.stdout


def sql(database: str, statement: str, *params: Any) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(f"postgres://postgres@127.0.0.1:{DB_PORT}/{database}", autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return list(cursor.fetchall()) if cursor.description else []


def prepare_template() -> str:
    """Migrated database with one prescriber and an API token; returns the token."""
    sql("postgres", f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
    sql("postgres", f'CREATE DATABASE "{TEMPLATE}"')
    env = server_env(TEMPLATE)
    manage(env, "migrate", "--no-input")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--no-input")
    manage(env, "generate_data", "--requests", "10", "--no-progress")
    output = manage(env, "create_api_token", "--username", "gen-p00000", "--name", "crash", "--days", "1")
    return output.strip().split()[-1]


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        for _ in range(50):  # a killed server's socket may linger for a moment
            if port_is_free(HTTP_PORT):
                break
            time.sleep(0.2)
        else:
            raise PortUnavailable(f"the server cannot listen on port {HTTP_PORT}: it is taken; {PORT_NOTE}")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{HTTP_PORT}",
                "--log-level",
                "warning",
                "--no-control-socket",  # its fixed path would be shared by servers running at once
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{BASE}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process = None


class Refused(Exception):
    """A 4xx answer: the request itself is wrong, retrying cannot help."""


def submit(token: str, key: str, index: int) -> dict[str, Any] | None:
    """The acknowledgement (201 or the replay of it), or None when none came back (connection refused or
    cut, 5xx while the database restarts)."""
    request = urllib.request.Request(
        f"{BASE}/api/v1/requests",
        data=json.dumps(submission_body(index)).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": key,
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            if answer.status in (200, 201):
                return dict(json.loads(answer.read()))
    except urllib.error.HTTPError as error:
        if 400 <= error.code < 500 and error.code != 429:
            raise Refused(f"{error.code}: {error.read()[:300]!r}") from None
        return None
    except (OSError, ValueError):
        return None
    return None


def one_run(run: int, mode: str, token: str, cluster: Cluster) -> dict[str, Any]:
    database = f"pme_crash_{run}"
    sql("postgres", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    sql("postgres", f'CREATE DATABASE "{database}" TEMPLATE "{TEMPLATE}"')
    server = Server(server_env(database))
    try:
        return _submit_kill_retry(run, mode, token, cluster, database, server)
    finally:
        server.kill()


def _submit_kill_retry(
    run: int, mode: str, token: str, cluster: Cluster, database: str, server: Server
) -> dict[str, Any]:
    server.start()
    keys = [f"crash-{run}-{i}" for i in range(TOTAL)]
    acknowledged: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()
    killed = threading.Event()

    def first_attempt(i: int) -> None:
        answer = submit(token, keys[i], i)
        if answer is None:
            return
        with lock:
            acknowledged[keys[i]] = answer
            due = len(acknowledged) >= KILL_AFTER and not killed.is_set()
            if due:
                killed.set()
        if due:
            server.kill() if mode == "server" else cluster.kill()

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(first_attempt, range(TOTAL)))
    acknowledged_before = len(acknowledged)
    if mode == "server":
        server.start()
    else:
        cluster.start()
    written = sql(
        database,
        "SELECT count(*) FROM authorizations_authorizationrequest WHERE idempotency_key LIKE %s",
        f"crash-{run}-%",
    )[0][0]
    retried, mismatched = 0, []
    for i, key in enumerate(keys):
        for _attempt in range(10):
            answer = submit(token, key, i)
            if answer is not None:
                break
            time.sleep(0.5)
        if answer is None:
            continue
        if key in acknowledged:
            if answer.get("id") != acknowledged[key].get("id"):
                mismatched.append(key)
        else:
            retried += 1
            acknowledged[key] = answer
    server.stop()
    result = verify(database, run, mode, keys, acknowledged, acknowledged_before, retried, mismatched)
    # Committed before the kill but whose answer never arrived: the retries must replay these, not redo them.
    result["committed_but_unacknowledged_at_restart"] = written - acknowledged_before
    return result


def verify(
    database: str,
    run: int,
    mode: str,
    keys: list[str],
    acknowledged: dict[str, dict[str, Any]],
    acknowledged_before: int,
    retried: int,
    mismatched: list[str],
) -> dict[str, Any]:
    rows = sql(
        database,
        """SELECT r.idempotency_key, r.id, r.status, r.number IS NOT NULL AND r.submitted_at IS NOT NULL,
                  (SELECT count(*) FROM authorizations_requestversion v
                     WHERE v.auth_request_id = r.id AND v.number = 1),
                  (SELECT count(*) FROM authorizations_timelineentry t WHERE t.auth_request_id = r.id
                     AND t.action = 'transmit')
           FROM authorizations_authorizationrequest r WHERE r.idempotency_key LIKE %s""",
        f"crash-{run}-%",
    )
    by_key: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_key.setdefault(row[0], []).append(row)
    lost = [k for k in acknowledged if k not in by_key]
    doubled = [k for k, found in by_key.items() if len(found) > 1]
    wrong_id = [k for k, a in acknowledged.items() if k in by_key and by_key[k][0][1] != a.get("id")]
    half_written = [row[0] for row in rows if row[2] == "draft" or not row[3] or row[4] != 1 or row[5] != 1]
    never_acknowledged = [k for k in keys if k not in acknowledged]
    passed = not (lost or doubled or wrong_id or half_written or mismatched or never_acknowledged)
    result = {
        "run": run,
        "mode": mode,
        "acknowledged_before_kill_and_during": acknowledged_before,
        "retried_after_restart": retried,
        "rows": len(rows),
        "lost": lost,
        "doubled": doubled,
        "wrong_id": wrong_id,
        "replay_mismatch": mismatched,
        "half_written": half_written,
        "never_acknowledged": never_acknowledged,
        "passed": passed,
    }
    log(
        f"run {run} ({mode}): {acknowledged_before} acknowledged in the first pass, {retried} after restart, "
        f"{len(rows)} rows: {'PASS' if passed else 'FAIL'}"
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5, help="runs per mode (default 5)")
    parser.add_argument("--modes", default="server,database")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON line")
    options = parser.parse_args()
    if not (ROOT / "pme" / "api" / "__init__.py").exists():
        print(json.dumps({"skipped": "the JSON API (pme/api) is not in this branch yet"}))
        return 0
    VAR.mkdir(parents=True, exist_ok=True)
    # SIGTERM (timeout, Ctrl-C of make) unwinds like an exception, so the cluster is stopped and removed.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    global CLUSTER, DB_PORT, HTTP_PORT, BASE
    try:
        DB_PORT = pick_port("CRASH_DB_PORT")
        HTTP_PORT = pick_port("CRASH_HTTP_PORT")
    except PortUnavailable as error:
        log(str(error))
        print(json.dumps({"error": str(error)}))
        return 2
    BASE = f"http://127.0.0.1:{HTTP_PORT}"
    CLUSTER = Path(tempfile.mkdtemp(prefix="pme-crash-pg-"))
    log(f"cluster {CLUSTER} on port {DB_PORT}, server on port {HTTP_PORT}")
    cluster = Cluster()
    try:
        cluster.start()
    except PortUnavailable as error:
        log(str(error))
        print(json.dumps({"error": str(error)}))
        shutil.rmtree(CLUSTER, ignore_errors=True)
        return 2
    results: list[dict[str, Any]] = []
    try:
        token = prepare_template()
        run = 0
        for mode in options.modes.split(","):
            for _ in range(options.runs):
                run += 1
                results.append(one_run(run, mode, token, cluster))
    except PortUnavailable as error:
        log(str(error))
        print(json.dumps({"error": str(error), "runs": results}))
        return 2
    finally:
        cluster.stop()
        shutil.rmtree(CLUSTER, ignore_errors=True)
    summary = {
        mode: f"{sum(r['passed'] for r in results if r['mode'] == mode)}/"
        f"{sum(1 for r in results if r['mode'] == mode)} passed"
        for mode in options.modes.split(",")
    }
    output = {"summary": summary, "runs": results}
    print(json.dumps(output) if options.json else json.dumps(output, indent=2))
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
