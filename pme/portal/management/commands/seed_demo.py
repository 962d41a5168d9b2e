"""Creates the demo world, idempotently, and prints the demo logins. Development settings only."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pme.accounts.models import User
from pme.accounts.services import create_user
from pme.core.timeutils import now
from pme.portal.demo import DEMO_PASSWORD, DEMO_PEOPLE, JOINED_DAYS_AGO

# The apps' demo data, in the order of the world's own time: the drug list, the people's links and
# access requests, fifteen months of requests and decisions, then this month's incidents. Each module
# defines `seed(stdout)`, idempotent like this command (tests/test_seed_demo.py checks the list is whole).
SEEDS = (
    "pme.catalogue.demo",
    "pme.accounts.demo",
    "pme.review.demo",
    "pme.audit.demo",
)


class Command(BaseCommand):
    help = "Create (or complete) the demo data and print the demo logins. DEBUG only. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts whose password is published in the README: it runs only with "
                "the development settings (DEBUG=1), never on a production database."
            )
        import time_machine  # a development dependency, like this command

        created = 0
        # The demo people joined before the fifteen months of requests they take part in.
        with time_machine.travel(now() - dt.timedelta(days=JOINED_DAYS_AGO), tick=False):
            for person in DEMO_PEOPLE:
                if User.objects.filter(username=person.username).exists():
                    continue
                create_user(
                    actor=None,
                    role=person.role,
                    username=person.username,
                    email=person.email,
                    password=DEMO_PASSWORD,
                    language=person.language,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    profession=person.extra.get("profession"),
                    professional_number=person.extra.get("professional_number"),
                    pharmacy=person.extra.get("pharmacy"),
                )
                created += 1
        self.stdout.write(f"Demo users created: {created} (already there: {len(DEMO_PEOPLE) - created}).")
        for name in SEEDS:
            import_module(name).seed(self.stdout)
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        width = max(len(p.username) for p in DEMO_PEOPLE)
        for person in DEMO_PEOPLE:
            self.stdout.write(f"  {person.username:<{width}}  {person.role:<16} {person.note}")
        self.stdout.write(
            "Régie staff (CE...) also need a one-time code: "
            ".venv/bin/python manage.py demo_totp_code CE100001"
        )
