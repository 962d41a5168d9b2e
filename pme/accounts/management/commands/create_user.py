"""Operator command: create a user of any role (bootstraps Régie staff)."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pme.accounts.models import Language, Profession, Role
from pme.accounts.services import create_user


class Command(BaseCommand):
    help = (
        "Create a PME user (prescriber, collaborator, pharmacist, reviewer, access_admin, privacy_officer)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", required=True, help=f"one of: {', '.join(Role.values)}")
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="prompted for when omitted (keeps it out of shell history)")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--professional-number", help="7 digits; prescribers and pharmacists")
        parser.add_argument("--profession", help=f"prescribers: {', '.join(Profession.values)}")
        parser.add_argument("--pharmacy", help="pharmacists: the pharmacy's name")
        parser.add_argument("--language", default=Language.FRENCH, help="fr (default) or en")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"]
        if password is None:
            if not options.get("interactive", True) or not self.stdin_is_tty():
                raise CommandError("--password is required when there is no terminal to prompt on.")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            user = create_user(
                actor=None,
                role=options["role"],
                username=options["username"],
                email=options["email"],
                password=password,
                language=options["language"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                profession=options["profession"],
                professional_number=options["professional_number"],
                pharmacy=options["pharmacy"],
            )
        except ValidationError as exc:
            lines = [f"  {field}: {msg}" for field, msgs in exc.message_dict.items() for msg in msgs]
            raise CommandError("The user was not created:\n" + "\n".join(lines)) from None
        self.stdout.write(self.style.SUCCESS(f"Created {user.role} {user.username}."))

    @staticmethod
    def stdin_is_tty() -> bool:
        import sys

        return sys.stdin.isatty()
