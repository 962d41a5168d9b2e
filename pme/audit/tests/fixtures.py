"""Fixtures of the audit tests, registered in the root conftest.py so the permission matrix sees them.
Users come from the shared personas (tests/personas.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from pme.audit.models import ConfidentialityIncident, HarmRisk
from pme.audit.services import create_incident
from pme.core.nam import NAM
from tests.personas import client_for

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


def run_sql(*statements: str | tuple[str, list[Any]]) -> None:
    """Runs raw SQL in a savepoint, so that a statement the database refuses leaves the test usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, [])
            cursor.execute(sql, params)


def tamper(*statements: str | tuple[str, list[Any]]) -> None:
    """Runs SQL behind the application's back, as an intruder with database access would. On PostgreSQL
    the append-only trigger is disabled around it, inside the test's transaction (rolled back with it);
    pending deferred FK checks run first, since PostgreSQL refuses ALTER TABLE while they wait."""
    if not ON_POSTGRESQL:
        run_sql(*statements)
        return
    run_sql(
        "SET CONSTRAINTS ALL IMMEDIATE",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER pme_audit_event_append_only",
        *statements,
        "ALTER TABLE audit_auditevent ENABLE TRIGGER pme_audit_event_append_only",
        "SET CONSTRAINTS ALL DEFERRED",
    )


def alter_event_in_database(seq: int, **columns: object) -> None:
    """Changes one stored event's columns directly in the database."""
    assignments = ", ".join(f"{name} = %s" for name in columns)
    tamper((f"UPDATE audit_auditevent SET {assignments} WHERE seq = %s", [*columns.values(), seq]))
