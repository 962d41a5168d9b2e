"""Adds N synthetic requests (ten years of data) for the benchmarks: see pme/portal/datagen.py."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pme.portal import datagen


class Command(BaseCommand):
    help = (
        "Add N synthetic requests spread over ten years, with their prescribers, collaborators and "
        "timeline (PostgreSQL COPY, batched inserts on SQLite). Reproducible with --seed. Benchmarks only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, required=True, help="How many requests to add.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data (default 1).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        total: int = options["requests"]
        if total < 1:
            self.stderr.write("--requests must be at least 1.")
            sys.exit(2)
        started = time.perf_counter()
        show = not options["no_progress"]

        def progress(done: int, of: int) -> None:
            if not show:
                return
            width = 40
            filled = width * done // of
            elapsed = time.perf_counter() - started
            rate = done / elapsed if elapsed else 0
            eta = (of - done) / rate if rate else 0
            bar = "#" * filled + "." * (width - filled)
            self.stdout.write(f"\r[{bar}] {done:>10,}/{of:,}  {rate:,.0f}/s  eta {eta:5.0f} s", ending="")
            self.stdout.flush()

        report = datagen.generate(requests=total, seed=options["seed"], progress=progress)
        if show:
            self.stdout.write("")
        statuses = ", ".join(f"{k} {v:,}" for k, v in sorted(report.statuses.items()))
        self.stdout.write(
            f"Added {report.requests:,} requests and {report.timeline_entries:,} timeline entries "
            f"({report.users_created:,} users created) in {report.seconds:.1f} s "
            f"({report.requests / report.seconds:,.0f} requests/s). Statuses: {statuses}."
        )
