"""manage.py import_catalogue FILE [--dry-run]: see docs/catalogue-format.md."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pme.catalogue.exchange.importer import ImportFailed, import_catalogue

PROGRESS_FROM = 200  # drugs: smaller files import in a blink


class Command(BaseCommand):
    help = "Import a catalogue file (.csv or .json). Idempotent; nothing is written if any line is wrong."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="print what would change, write nothing")
        parser.add_argument("--quiet-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        progress = None if options["quiet_progress"] else self._progress
        try:
            report = import_catalogue(
                data, name=path.name, actor=None, dry_run=options["dry_run"], progress=progress
            )
        except ImportFailed as failed:
            for line, message in failed.problems:
                self.stderr.write(f"{path.name}:{line}: {message}")
            raise CommandError(
                f"{len(failed.problems)} problem(s) in {path.name}: nothing was imported."
            ) from None
        for change in report.changes:
            self.stdout.write(("would " if report.dry_run else "") + change)
        summary = ", ".join(f"{n} {what}" for what, n in sorted(report.counts.items())) or "no change"
        prefix = "Dry run, nothing written. Would do: " if report.dry_run else "Imported: "
        self.stdout.write(self.style.SUCCESS(prefix + summary + "."))

    def _progress(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        step = max(total // 50, 1)
        if done % step and done != total:
            return
        width = 40
        filled = width * done // total
        self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} drugs", ending="")
        if done == total:
            self.stderr.write("")
        sys.stderr.flush()
