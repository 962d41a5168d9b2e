"""Operator command: recompute the audit chain, compare it with the anchor file, report the first break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pme.audit.anchors import anchor_path
from pme.audit.chain import verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the keyed hash chain of the audit trail from its anchor to its head and compare it with "
        "the anchor file. Exits with status 1 and names the first broken link (seq) when an event was "
        "altered, removed, inserted or reordered, when the tail was rewritten or truncated, when the "
        "retention anchor is not in the anchor file, or when events wait unlinked longer than expected."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(checked: int, total: int) -> None:
            self.stdout.write(f"  checked {checked} of {total} links")

        report = verify_chain(progress=progress)
        for warning in report.warnings:
            self.stderr.write(f"Warning: {warning}.")
        if report.late_events:
            seqs = ", ".join(f"#{seq}" for seq in report.late_events)
            self.stderr.write(
                f"Late events (committed after their seq was linked as a gap, content pinned): {seqs}. "
                "PME_AUDIT_GAP_GRACE_SECONDS is shorter than a transaction lived."
            )
        if not report.ok:
            raise CommandError(
                f"Audit chain BROKEN at event #{report.broken_seq}: {report.reason} "
                f"({report.checked} links checked before it)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.checked - report.gaps} events checked "
                f"(#{report.first_seq} to #{report.last_seq}), {report.gaps} gaps, "
                f"{report.anchors_checked} anchored heads matched ({anchor_path()})."
            )
        )
        self.stdout.write(f"Head: #{report.last_seq} {report.last_hash}")
        if report.backlog:
            oldest = report.backlog_oldest.isoformat() if report.backlog_oldest else "?"
            line = f"{report.backlog} events not linked yet, the oldest recorded at {oldest}."
            if report.backlog_stale:
                raise CommandError(f"Audit chain BACKLOG: {line} Is the chainer (audit_chainer) running?")
            self.stdout.write(line)
