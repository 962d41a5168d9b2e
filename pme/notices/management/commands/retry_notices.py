from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pme.notices.services import retry_due_notices


class Command(BaseCommand):
    help = "Re-queue the e-mails (notices) whose last attempt failed and whose next attempt is due."

    def handle(self, *args: Any, **options: Any) -> None:
        count = retry_due_notices()
        self.stdout.write(f"Notices re-queued: {count}.")
