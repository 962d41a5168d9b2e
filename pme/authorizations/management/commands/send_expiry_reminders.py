"""Run daily (cron or a systemd timer): reminds prescribers of authorizations that end within 30 days."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pme.authorizations.tasks import REMINDER_DAYS, send_expiry_reminders


class Command(BaseCommand):
    help = f"Remind prescribers of authorizations ending within {REMINDER_DAYS} days (run once a day)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = send_expiry_reminders()
        self.stdout.write(f"Reminders: {count} authorization(s) ending within {REMINDER_DAYS} days.")
