"""Fixtures of the audit tests, registered in the root conftest.py so the permission matrix sees them.
Users come from the shared personas (tests/personas.py)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from pme.audit.chainer import Round, link_pending
from pme.audit.dbroles import app_role_exists
from pme.audit.models import ConfidentialityIncident, HarmRisk
from pme.audit.services import create_incident
from pme.core.nam import NAM
from tests.personas import client_for

ON_POSTGRESQL = connection.vendor == "postgresql"
F = TypeVar("F", bound=Callable[..., Any])
# Set by .ci/run's PostgreSQL pass: the owner and application roles exist, and the suite must use them.
TWO_ROLES_EXPECTED = os.environ.get("PME_CI_TWO_ROLES", "") == "1"


@pytest.fixture(autouse=True)
def _anchor_file(settings, tmp_path) -> None:
    """Every test writes its own anchor file, never the developer's var/audit-anchor.log."""
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchor.log"


def _quoted_app_role() -> str:
    return connection.ops.quote_name(settings.PME_DB_APP_ROLE)


@pytest.fixture(autouse=True)
def _as_application_role(request) -> Iterator[None]:
    """On PostgreSQL, for every test that uses the database:

    - the event numbering restarts after the last committed event, as on a fresh database (the
      sequence is not rolled back with the previous test's transaction, and the chainer would wait at
      the hole its unused values leave, taking it for transactions still in flight);
    - with `PME_DB_APP_ROLE` set (CI's PostgreSQL pass), every test that runs inside a database
      transaction runs its statements as the application role: `SET LOCAL ROLE` in the test's
      transaction, undone by its rollback. The test database and its migrations belong to the owner
      (the connecting role), as in production. Tests that act as the owner, or as an intruder with the
      owner's rights, say so with `as_owner()`, or as a whole with `@pytest.mark.database_owner` (the
      owner's tools: retention, the data generator). Tests with `transaction=True` keep the owner: their
      clean-up TRUNCATEs every table, which the application role may not do on the audit trail.
    """
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    transactional = bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in names
    transactional = transactional or "live_server" in names
    uses_db = marker is not None or "db" in names or transactional
    if not (ON_POSTGRESQL and uses_db):
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'seq'), "
            "coalesce((SELECT max(seq) FROM audit_auditevent), 0) + 1, false)"
        )
    owner = request.node.get_closest_marker("database_owner") is not None
    if transactional or owner or not settings.PME_DB_APP_ROLE:
        yield
        return
    if not app_role_exists():
        if TWO_ROLES_EXPECTED:
            pytest.fail(f"PME_CI_TWO_ROLES=1 but the role {settings.PME_DB_APP_ROLE!r} does not exist")
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {_quoted_app_role()}")
    yield


@contextmanager
def as_owner() -> Iterator[None]:
    """Runs the block as the connecting role (the owner), then goes back to the application role when
    the test runs as it. No-op on SQLite."""
    if not ON_POSTGRESQL:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, session_user")
        current, session = cursor.fetchone()
        cursor.execute("SET LOCAL ROLE NONE")
    try:
        yield
    finally:
        if current != session:
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(current)}")


def link() -> Round:
    """One round of the chainer, as `manage.py audit_chainer --once` runs it."""
    return link_pending()


def postgres_only(test: F) -> F:
    """Marks a test that needs the PostgreSQL trigger: skipped on SQLite with the reason shown, run in
    the PostgreSQL pass of CI (`.ci/run` runs the whole suite on both databases)."""
    skip = pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason="needs the PostgreSQL append-only trigger; runs in the PostgreSQL pass of CI",
    )
    marked: F = pytest.mark.postgres_only(skip(test))
    return marked


def fr_url(name: str, args: list[Any] | None = None) -> str:
    """The French URL of a page, whatever language an earlier request left active in this thread."""
    with translation.override("fr"):
        return reverse(name, args=args)


def incident_values(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "occurred_on": today - dt.timedelta(days=5),
        "occurred_until": None,
        "discovered_on": today - dt.timedelta(days=3),
        "description": "Décision envoyée à la mauvaise adresse.",
        "information_concerned": "Nom, NAM et médicament.",
        "persons_count": 1,
        "persons_count_estimated": False,
        "harm_risk": HarmRisk.UNDER_ASSESSMENT,
        "risk_assessment": "En cours.",
        "commission_notified_on": None,
        "persons_notified_on": None,
        "notifications_details": "",
        "measures_taken": "Rappel au personnel.",
    }
    values.update(overrides)
    return values


@pytest.fixture
def incident(privacy_officer) -> ConfidentialityIncident:
    return create_incident(actor=privacy_officer, values=incident_values())


@pytest.fixture
def nam() -> NAM:
    return NAM.parse("GIRR 7204 1523")


@pytest.fixture
def other_nam() -> NAM:
    return NAM.parse("GAGL 9001 0101")


@pytest.fixture
def officer_client(privacy_officer) -> Client:
    return client_for(privacy_officer)  # with the second factor Régie staff need


@pytest.fixture
def audit_insert_fails(db) -> None:
    """A real database failure: a trigger makes every INSERT into the audit table fail. Created inside
    the test's transaction, so it disappears with the rollback."""
    with as_owner(), connection.cursor() as cursor:
        if ON_POSTGRESQL:
            cursor.execute(
                "CREATE FUNCTION pme_test_audit_down() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'audit storage unavailable'; END; $$"
            )
            cursor.execute(
                "CREATE TRIGGER pme_test_audit_down BEFORE INSERT ON audit_auditevent "
                "FOR EACH ROW EXECUTE FUNCTION pme_test_audit_down()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER pme_test_audit_down BEFORE INSERT ON audit_auditevent "
                "BEGIN SELECT RAISE(ABORT, 'audit storage unavailable'); END"
            )


def run_sql(*statements: str | tuple[str, list[Any]]) -> None:
    """Runs raw SQL in a savepoint, so that a statement the database refuses leaves the test usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, [])
            cursor.execute(sql, params)


def tamper(*statements: str | tuple[str, list[Any]]) -> None:
    """Runs SQL behind the application's back, as an intruder with the owner's database rights would. On
    PostgreSQL the append-only triggers are disabled around it, as the owner, inside the test's
    transaction (rolled back with it); pending deferred FK checks run first, since PostgreSQL refuses
    ALTER TABLE while they wait."""
    if not ON_POSTGRESQL:
        run_sql(*statements)
        return
    with as_owner():
        run_sql(
            "SET CONSTRAINTS ALL IMMEDIATE",
            "ALTER TABLE audit_auditevent DISABLE TRIGGER pme_audit_event_append_only",
            "ALTER TABLE audit_auditlink DISABLE TRIGGER pme_audit_link_append_only",
            *statements,
            "ALTER TABLE audit_auditevent ENABLE TRIGGER pme_audit_event_append_only",
            "ALTER TABLE audit_auditlink ENABLE TRIGGER pme_audit_link_append_only",
            "SET CONSTRAINTS ALL DEFERRED",
        )


def alter_event_in_database(seq: int, **columns: object) -> None:
    """Changes one stored event's columns directly in the database."""
    assignments = ", ".join(f"{name} = %s" for name in columns)
    tamper((f"UPDATE audit_auditevent SET {assignments} WHERE seq = %s", [*columns.values(), seq]))
