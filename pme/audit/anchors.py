"""The anchor file: the chain's head written down outside the database, one JSON line at a time.

The chainer appends `{"kind": "head", "seq", "hash", "at"}` at intervals; retention appends
`{"kind": "retention", "seq", "hash", "at", "deleted"}` before it moves the database's anchor. The file is
opened for appending only, flushed and fsynced line by line, and every line is also logged on
`pme.audit.anchor` so that syslog or journald keeps a second copy on another machine. Someone who can
rewrite the database but not this file (keep it on another filesystem, `chattr +a`, or ship the log)
cannot rewrite or truncate the chain's tail, nor move the retention anchor, without `verify_audit`
noticing (`pme.audit.chain`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("pme.audit.anchor")

HEAD = "head"
RETENTION = "retention"


@dataclass(frozen=True)
class AnchorLine:
    kind: str  # HEAD or RETENTION
    seq: int
    hash: str
    at: str  # ISO 8601, UTC


def anchor_path() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


def append(kind: str, *, seq: int, hash: str, at: dt.datetime, **extra: object) -> AnchorLine:
    """Appends one line and makes it durable before returning. Raises OSError when the file cannot be
    written: retention then refuses to move the anchor, the chainer says so and tries again."""
    line = AnchorLine(kind, seq, hash, at.astimezone(dt.UTC).isoformat())
    text = json.dumps({**line.__dict__, **extra}, sort_keys=True, separators=(",", ":"))
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    logger.info("audit anchor %s", text)
    return line


def read() -> tuple[list[AnchorLine], int]:
    """Every well-formed line of the file, in order, and the number of lines that are not (reported by
    verify_audit: a line someone damaged). An absent file has no line."""
    path = anchor_path()
    if not path.exists():
        return [], 0
    lines: list[AnchorLine] = []
    bad = 0
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
                line = AnchorLine(str(data["kind"]), int(data["seq"]), str(data["hash"]), str(data["at"]))
                lines.append(line)
            except (ValueError, KeyError, TypeError):
                bad += 1
    return lines, bad


def last_head() -> AnchorLine | None:
    heads = [line for line in read()[0] if line.kind == HEAD]
    return heads[-1] if heads else None
