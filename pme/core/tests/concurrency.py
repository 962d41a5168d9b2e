"""Runs a throttle operation in several real Python processes at once, against the database the test
suite uses (its PostgreSQL test database, or a SQLite file: an in-memory database cannot be shared), so
that tests prove counters are exact across worker processes, not only within one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def shared_database_url(tmp_path: Path) -> str:
    """A database URL other processes can open; for SQLite, a fresh migrated file."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    run_python(url, [str(ROOT / "manage.py"), "migrate", "--verbosity=0"])
    return url


def environment(url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "PME_HTTPS": "0",
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def run_python(url: str, argv: list[str], **extra: str) -> str:
    result = subprocess.run(
        [sys.executable, *argv],
        cwd=ROOT,
        env=environment(url, **extra),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


def run_at_once(url: str, code: str, args: list[str], processes: int) -> list[str]:
    """Starts `processes` interpreters running `code` with `args`; each waits for a start file, so that
    they hit the database together; returns each one's output."""
    start = Path(url.removeprefix("sqlite:///")).parent if url.startswith("sqlite") else Path("/tmp")
    flag = start / f"go-{os.getpid()}-{id(code)}"
    flag.unlink(missing_ok=True)
    prelude = (
        "import sys, time, os, django\n"
        "django.setup()\n"
        f"while not os.path.exists({str(flag)!r}): time.sleep(0.01)\n"
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", prelude + code, *args],
            cwd=ROOT,
            env=environment(url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    # Give every interpreter time to import Django and reach the wait loop, then release them together.
    import time

    time.sleep(3)
    flag.touch()
    outputs = []
    try:
        for child in children:
            out, err = child.communicate(timeout=180)
            assert child.returncode == 0, err[-3000:]
            outputs.append(out.strip())
    finally:
        flag.unlink(missing_ok=True)
    return outputs
