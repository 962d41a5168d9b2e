"""Operator command: anonymize or delete what is past its retention period, app by app."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pme.core.retention import RetentionError, discover_policies
from pme.core.timeutils import now


class Command(BaseCommand):
    help = (
        "Apply every retention policy (each PME app's retention.py): anonymize or delete what is past its "
        "period, and say what was done. --dry-run counts without changing anything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would be done, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        moment = now()
        policies = discover_policies()
        self.stdout.write(f"{'Dry run: nothing will change. ' if dry_run else ''}{len(policies)} policies.")
        failures = []
        for policy in policies:
            self.stdout.write(f"- {policy.name}: {policy.describe()}")
            try:
                result = policy.apply(
                    dry_run=dry_run, now=moment, progress=lambda line: self.stdout.write(f"    {line}")
                )
            except RetentionError as exc:
                failures.append(policy.name)
                self.stderr.write(f"    REFUSED: {exc}")
                continue
            counts = ", ".join(f"{kind} {count}" for kind, count in result.counts.items()) or "nothing"
            verb = "would do" if dry_run else "done"
            self.stdout.write(f"    {verb}: {counts}")
        if failures:
            raise CommandError(f"Retention refused by: {', '.join(failures)}.")
        self.stdout.write(self.style.SUCCESS("Retention applied." if not dry_run else "Dry run complete."))
