"""Audit writers: events per second with N concurrent writers on PostgreSQL, before and after the chainer.

    .venv/bin/python bench/audit_writers.py [--writers 16] [--seconds 10] [--runs 3] [--modes old,new]
        [--database-url postgres://postgres@127.0.0.1:5432/pme_bench_audit] [--json]

Each writer is a process of its own (its own connection, as gunicorn workers are) that records events for
`--seconds`, one transaction per event, exactly as a read of personal information does
(`transaction.atomic()` + `record(...)`).

- `old`: the protocol before docs/decisions/0005-audit-chain.md, reproduced here for comparison only:
  each transaction locks a single chain-head row (`SELECT ... FOR UPDATE`), writes the event, computes
  the SHA-256 of its canonical content with the previous hash and updates the head, holding the lock
  until commit. Every writer queues on that row.
- `new`: `record(...)` as it is: no lock, the database numbers the event; the chainer (`audit_chainer`,
  one round a second) runs beside the writers and the report says how long after the last commit the
  chain's head reached the last event (the linking lag).

The database is migrated first (created when missing); the audit tables are emptied between runs with
TRUNCATE (the bench connects as their owner). Reports, per mode, events/s of each run and their median,
and the load average before and after. Never asserted in tests (docs/performance.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/pme_bench_audit"


def _django(url: str) -> None:
    os.environ.update(
        {"DATABASE_URL": url, "DEBUG": "1", "PME_HTTPS": "0", "DJANGO_SETTINGS_MODULE": "config.settings"}
    )
    os.environ.setdefault("PME_AUDIT_ANCHOR_FILE", "/tmp/pme-bench-audit-anchor.log")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _old_record() -> None:
    """The pre-0005 write path: the chain-head row lock held to commit (bench-local reproduction)."""
    from django.db import connection

    from pme.audit.codes import AuditCode
    from pme.audit.services import record

    with connection.cursor() as cursor:
        cursor.execute("SELECT last_seq, last_hash FROM bench_chain_head WHERE id = 1 FOR UPDATE")
        last_seq, last_hash = cursor.fetchone()
        event = record(AuditCode.REQUEST_VIEWED, actor=None, details={"bench": "old"})
        payload = {"seq": last_seq + 1, "created_at": event.created_at.isoformat(), "action": event.action}
        payload.update(details=event.details, prev_hash=last_hash)
        digest = hashlib.sha256(
            json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()
        cursor.execute(
            "UPDATE bench_chain_head SET last_seq = %s, last_hash = %s WHERE id = 1", [last_seq + 1, digest]
        )


def _writer(url: str, mode: str, seconds: float, start: Any, results: Any) -> None:
    _django(url)
    from django.db import connection, transaction

    from pme.audit.codes import AuditCode
    from pme.audit.services import record

    connection.ensure_connection()
    start.wait()
    count = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with transaction.atomic():
            if mode == "old":
                _old_record()
            else:
                record(AuditCode.REQUEST_VIEWED, actor=None, details={"bench": "new"})
        count += 1
    results.put(count)


def _reset(url: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent, audit_auditlink")
        cursor.execute("SELECT setval(pg_get_serial_sequence('audit_auditevent', 'seq'), 1, false)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_chain_head (id int PRIMARY KEY, last_seq bigint, last_hash text)"  # noqa: E501
        )
        cursor.execute("TRUNCATE bench_chain_head")
        cursor.execute("INSERT INTO bench_chain_head VALUES (1, 0, %s)", ["0" * 64])
    connection.close()


def _head_and_last(url: str) -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(last_seq), 0) FROM audit_auditlink")
        head = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(seq), 0) FROM audit_auditevent")
        last = cursor.fetchone()[0]
    connection.close()
    return head, last


def one_run(url: str, mode: str, writers: int, seconds: float) -> dict[str, Any]:
    _reset(url)
    context = mp.get_context("spawn")
    start, results = context.Event(), context.Queue()
    processes = [
        context.Process(target=_writer, args=(url, mode, seconds, start, results)) for _ in range(writers)
    ]
    for process in processes:
        process.start()
    chainer = None
    if mode == "new":
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "PME_HTTPS": "0"}
        env.setdefault("PME_AUDIT_ANCHOR_FILE", "/tmp/pme-bench-audit-anchor.log")
        chainer = subprocess.Popen(
            [sys.executable, "manage.py", "audit_chainer", "--interval", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
    time.sleep(3)  # every writer has set Django up and connected
    start.set()
    counts = [results.get(timeout=seconds + 120) for _ in processes]
    finished = time.monotonic()
    for process in processes:
        process.join()
    lag = None
    if chainer is not None:
        while True:
            head, last = _head_and_last(url)
            if head >= last or time.monotonic() - finished > 120:
                lag = round(time.monotonic() - finished, 1) if head >= last else None
                break
            time.sleep(0.2)
        chainer.terminate()
        chainer.wait(30)
    total = sum(counts)
    return {"mode": mode, "events": total, "events_per_s": round(total / seconds, 1), "linked_after_s": lag}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--modes", default="old,new")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_AUDIT_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    url = args.database_url
    if not url.startswith("postgres"):
        print("audit_writers measures PostgreSQL (SQLite serializes every writer anyway).", file=sys.stderr)
        return 2
    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", server, "-qc", f'CREATE DATABASE "{name}"'], capture_output=True, check=False)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "PME_HTTPS": "0"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    _django(url)  # the parent empties the tables between runs and watches the chain's head
    load_before = os.getloadavg()
    report: dict[str, Any] = {"writers": args.writers, "seconds": args.seconds, "load_before": load_before}
    for mode in args.modes.split(","):
        runs = [one_run(url, mode, args.writers, args.seconds) for _ in range(args.runs)]
        rates = [run["events_per_s"] for run in runs]
        report[mode] = {"runs": runs, "median_events_per_s": statistics.median(rates)}
        if not args.json:
            lags = [run["linked_after_s"] for run in runs if run["linked_after_s"] is not None]
            lag = f", chain linked {max(lags)} s after the last commit at worst" if lags else ""
            print(f"{mode}: {rates} events/s, median {statistics.median(rates)}{lag}")
    report["load_after"] = os.getloadavg()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"{args.writers} writers, {args.seconds:g} s per run; load average before {load_before}, after "
            f"{report['load_after']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
