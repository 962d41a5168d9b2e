"""Adds N synthetic requests (ten years of data) for the benchmarks: see pme/portal/datagen.py."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

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
        if options["no_progress"]:
            report = datagen.generate(requests=total, seed=options["seed"])
        else:
            console = Console(file=sys.stderr)
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TaskProgressColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=console,
            ) as bar:
                task = bar.add_task("Requests", total=total)

                def progress(done: int, of: int) -> None:
                    bar.update(task, completed=done)

                def phase(text: str) -> None:
                    bar.console.log(text)

                report = datagen.generate(
                    requests=total, seed=options["seed"], progress=progress, phase=phase
                )
        statuses = ", ".join(f"{k} {v:,}" for k, v in sorted(report.statuses.items()))
        self.stdout.write(
            f"Added {report.requests:,} requests and {report.timeline_entries:,} timeline entries "
            f"({report.users_created:,} users created) in {report.seconds:.1f} s "
            f"({report.requests / report.seconds:,.0f} requests/s; indexes rebuilt in "
            f"{report.index_seconds:.1f} s). Statuses: {statuses}."
        )
