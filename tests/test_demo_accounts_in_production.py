"""Production refuses to run with a demo account in its database (issue 14, finding 4): the system check
fails `check --deploy`, and the WSGI application does not start with DEBUG off. A development database
with the demo is left alone when DEBUG is on; a production database without demo accounts starts."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from pme.accounts.models import Role
from pme.accounts.tests.factories import UserFactory
from pme.portal.checks import CHECK_ID, check_no_demo_accounts, demo_accounts_present
from pme.portal.demo import DEMO_PASSWORD, DEMO_PEOPLE

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_a_demo_account_fails_the_deployment_check(settings):
    settings.DEBUG = False
    call_command("check", "--deploy", "--tag", "security")  # no demo account: passes
    person = DEMO_PEOPLE[0]
    UserFactory.create(username=person.username, email=person.email, role=person.role)
    with pytest.raises(SystemCheckError, match=CHECK_ID):
        call_command("check", "--deploy", "--tag", "security")


@pytest.mark.django_db
def test_a_demo_username_with_the_published_password_counts_too(settings):
    settings.DEBUG = False
    user = UserFactory.create(username="CE100001", email="someone@regie.example", role=Role.REVIEWER)
    assert demo_accounts_present() == []  # a real person may have this username
    user.set_password(DEMO_PASSWORD)
    user.save()
    assert demo_accounts_present() == ["CE100001"]
    assert [m.id for m in check_no_demo_accounts()] == [CHECK_ID]


@pytest.mark.django_db
def test_the_development_database_keeps_its_demo(settings):
    settings.DEBUG = True
    person = DEMO_PEOPLE[0]
    UserFactory.create(username=person.username, email=person.email, role=person.role)
    assert check_no_demo_accounts() == []


def _environment(database: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    env.update({"DATABASE_URL": f"sqlite:///{database}", "PME_VAR_DIR": str(database.parent), **extra})
    return env


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_web_application_does_not_start_with_a_demo_account(tmp_path):
    database = tmp_path / "production.sqlite3"
    development = _environment(database, DEBUG="1", PME_HTTPS="0")
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env=development,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    production = _environment(
        database,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="pme.example.org",
        PME_AUDIT_CHAIN_KEY=secrets.token_urlsafe(48),
    )
    start = "import config.wsgi; print('started')"
    assert _python(start, production).stdout.strip() == "started"  # no demo account: it starts
    person = DEMO_PEOPLE[-1]
    create = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
        "django.setup();"
        "from pme.accounts.models import User;"
        f"User.objects.create(username={person.username!r}, email={person.email!r}, role={person.role!r})"
    )
    assert _python(create, development).returncode == 0
    refused = _python(start, production)
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr
    assert person.username in refused.stderr
