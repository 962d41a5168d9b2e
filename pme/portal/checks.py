"""A production server refuses to run with a demo account in its database.

The demo accounts (pme/portal/demo.py) have a password published in the README, and the demo Régie
staff come with a second factor whose codes `demo_totp_code` prints: on a production database they would
be open doors. `seed_demo` refuses to run outside DEBUG; this check catches a database seeded elsewhere
(a copied development database, a seed run with DEBUG on against production). It runs in
`manage.py check --deploy` and when the web application starts with DEBUG off (config/wsgi.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from pme.accounts.models import User
from pme.portal.demo import DEMO_PASSWORD, DEMO_PEOPLE

CHECK_ID = "pme.E001"


def demo_accounts_present() -> list[str]:
    """Usernames of demo accounts in the database: a demo username with the demo e-mail address or the
    published demo password. Empty when the tables do not exist yet (a fresh database)."""
    demo_emails = {person.username: person.email.lower() for person in DEMO_PEOPLE}
    try:
        candidates = list(User.objects.filter(username__in=demo_emails).only("username", "email", "password"))
    except DatabaseError:
        return []
    return sorted(
        user.username
        for user in candidates
        # check_password() of the hashers module, not User.check_password: it never rehashes nor saves.
        if user.email.lower() == demo_emails[user.username] or check_password(DEMO_PASSWORD, user.password)
    )


def _error(usernames: list[str]) -> Error:
    return Error(
        f"Demo accounts are present with DEBUG off: {', '.join(usernames)}.",
        hint="Their password is published in the README. Remove them (or deactivate and rename them) "
        "before serving; seed_demo is for development databases only.",
        id=CHECK_ID,
    )


@register("security", deploy=True)
def check_no_demo_accounts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    usernames = demo_accounts_present()
    return [_error(usernames)] if usernames else []


def refuse_demo_accounts_in_production() -> None:
    """Called when the WSGI application starts: raises ImproperlyConfigured, so the server stops."""
    for message in check_no_demo_accounts():
        raise ImproperlyConfigured(f"{message.msg} {message.hint}")
