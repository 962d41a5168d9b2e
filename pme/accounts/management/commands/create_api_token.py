"""Operator command: issue a personal API token for a user and print its secret (shown only once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pme.accounts.models import User
from pme.accounts.services.api_tokens import MAX_DAYS, TokenRefused, issue_api_token
from pme.core.timeutils import now


class Command(BaseCommand):
    help = "Issue an API token for a user and print its secret (it is stored hashed: copy it now)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--name", required=True, help="what the token is for, e.g. the clinic's EMR")
        parser.add_argument("--days", type=int, default=90, help=f"validity, 1 to {MAX_DAYS} days (90)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username__iexact=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        if not 1 <= options["days"] <= MAX_DAYS:
            raise CommandError(f"--days must be between 1 and {MAX_DAYS}.")
        try:
            _token, secret = issue_api_token(
                user,
                name=options["name"],
                expires_at=now() + dt.timedelta(days=options["days"]),
                actor=None,
            )
        except TokenRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(secret)
