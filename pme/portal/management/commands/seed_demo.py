"""Creates the demo world, idempotently, and prints the demo logins."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from pme.accounts.models import User
from pme.accounts.services import create_user
from pme.portal.demo import DEMO_PASSWORD, DEMO_PEOPLE


class Command(BaseCommand):
    help = "Create (or complete) the demo data and print the demo logins. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        created = 0
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
        # Then each PME app adds its own demo data, in INSTALLED_APPS (dependency) order, through an
        # optional `pme/<app>/demo.py` defining `seed(stdout) -> None`, idempotent like this command.
        for config in apps.get_app_configs():
            if not config.name.startswith("pme.") or config.name == "pme.portal":
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            module.seed(self.stdout)
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        width = max(len(p.username) for p in DEMO_PEOPLE)
        for person in DEMO_PEOPLE:
            self.stdout.write(f"  {person.username:<{width}}  {person.role:<16} {person.note}")
