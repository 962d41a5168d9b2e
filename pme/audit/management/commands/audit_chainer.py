"""Operator command: the chainer process, which links committed audit events into the keyed chain."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from pme.audit.chainer import Anchorer, link_pending


class Command(BaseCommand):
    help = (
        "Link committed audit events into the keyed hash chain, record the gaps left by rolled-back "
        "transactions once they are older than PME_AUDIT_GAP_GRACE_SECONDS, and append the chain's head "
        "to the anchor file (PME_AUDIT_ANCHOR_FILE) every PME_AUDIT_ANCHOR_INTERVAL_SECONDS. Runs until "
        "stopped; --once links what is there, anchors the head and exits. Safe to stop at any moment."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one round, anchor the head, then exit")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="seconds between rounds (default PME_AUDIT_CHAINER_INTERVAL_SECONDS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options["interval"] or settings.AUDIT_CHAINER_INTERVAL_SECONDS
        anchorer = Anchorer()
        if options["once"]:
            self._round(anchorer, force_anchor=True)
            return
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        anchor_file = settings.AUDIT_ANCHOR_FILE
        self.stdout.write(f"Audit chainer: a round every {interval:g} s, anchor file {anchor_file}.")
        while not stopping:
            started = time.monotonic()
            try:
                self._round(anchorer, force_anchor=False, quiet=True)
            except (DatabaseError, OSError) as exc:  # the database or the file is away: try again later
                self.stderr.write(f"Audit chainer: round failed ({exc.__class__.__name__}: {exc}); retrying.")
                close_old_connections()
            while not stopping and time.monotonic() - started < interval:
                time.sleep(0.2)
        self.stdout.write("Audit chainer stopped.")

    def _round(self, anchorer: Anchorer, *, force_anchor: bool, quiet: bool = False) -> None:
        result = link_pending()
        anchored = anchorer.maybe_write(
            result.head_seq, result.head_hash, now=timezone.now(), force=force_anchor
        )
        if quiet and not (result.linked or result.gaps or result.late):
            return
        parts = [f"linked {result.linked} events", f"{result.gaps} gaps", f"head #{result.head_seq}"]
        if result.waiting:
            parts.append("waiting for a transaction still in flight")
        if result.busy:
            parts.append("another chainer is at work")
        if result.late:
            parts.append(f"LATE events pinned: {', '.join(f'#{seq}' for seq in result.late)}")
        if anchored:
            parts.append("head anchored")
        self.stdout.write("Audit chainer: " + ", ".join(parts) + ".")
