"""Fixtures of the audit tests, registered in the root conftest.py so the permission matrix sees them.
Users come from the shared personas (tests/personas.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from pme.audit.models import ConfidentialityIncident, HarmRisk
from pme.audit.services import create_incident
from pme.core.nam import NAM

ON_POSTGRESQL = connection.vendor == "postgresql"
F = TypeVar("F", bound=Callable[..., Any])


def postgres_only(test: F) -> F:
    """Marks a test that needs the PostgreSQL trigger: skipped on SQLite with the reason shown, run in
    the PostgreSQL pass of CI (`.ci/run` runs the whole suite on both databases)."""
    skip = pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason="needs the PostgreSQL append-only trigger; runs in the PostgreSQL pass of CI",
    )
    marked: F = pytest.mark.postgres_only(skip(test))
    return marked


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
    return NAM.parse("TREM 8503 1512")


@pytest.fixture
def other_nam() -> NAM:
    return NAM.parse("GAGL 9001 0101")


@pytest.fixture
def officer_client(privacy_officer) -> Client:
    client = Client()
    client.force_login(privacy_officer)
    return client


@pytest.fixture
def audit_insert_fails(db) -> None:
    """A real database failure: a trigger makes every INSERT into the audit table fail. Created inside
    the test's transaction, so it disappears with the rollback."""
    with connection.cursor() as cursor:
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


def run_sql(*statements: str | tuple[str, list[object]]) -> None:
    """Runs raw SQL in a savepoint, so that a statement the database refuses leaves the test usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, [])
            cursor.execute(sql, params)


def alter_event_in_database(seq: int, **columns: object) -> None:
    """Changes a stored event behind the application's back, as an intruder with SQL access would.
    On PostgreSQL the append-only trigger must be disabled first (inside the test's transaction)."""
    assignments = ", ".join(f"{name} = %s" for name in columns)
    with connection.cursor() as cursor:
        if ON_POSTGRESQL:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER pme_audit_event_append_only")
        cursor.execute(
            f"UPDATE audit_auditevent SET {assignments} WHERE seq = %s",
            [*columns.values(), seq],
        )
        if ON_POSTGRESQL:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER pme_audit_event_append_only")
