"""Database triggers that make submitted requests and their versions unchangeable on every path.

Installed by migration 0002. PostgreSQL refuses UPDATE of the sent content and DELETE of a sent request
or a version; SQLite refuses the UPDATEs (deletes are left to the foreign keys, see below).
Only the retention job removes them, inside its own
transaction, and puts them back before committing (`suspended()`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

REQUESTS = "authorizations_authorizationrequest"
VERSIONS = "authorizations_requestversion"
MESSAGE = "pme: a submitted request cannot be changed"


def _frozen_columns() -> tuple[str, ...]:
    from pme.authorizations.models import FROZEN_COLUMNS

    return FROZEN_COLUMNS


def create_statements(vendor: str) -> list[str]:
    columns = _frozen_columns()
    if vendor == "postgresql":
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)
        return [
            f"""CREATE OR REPLACE FUNCTION pme_authreq_frozen() RETURNS trigger AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN
                IF OLD.status <> 'draft' THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
                RETURN OLD;
              END IF;
              IF OLD.status <> 'draft' AND ({changed}) THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql""",
            f"CREATE OR REPLACE TRIGGER pme_authreq_frozen BEFORE UPDATE OR DELETE ON {REQUESTS} "
            "FOR EACH ROW EXECUTE FUNCTION pme_authreq_frozen()",
            f"""CREATE OR REPLACE FUNCTION pme_version_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$ LANGUAGE plpgsql""",
            f"CREATE OR REPLACE TRIGGER pme_version_append_only BEFORE UPDATE OR DELETE ON {VERSIONS} "
            "FOR EACH ROW EXECUTE FUNCTION pme_version_append_only()",
        ]
    if vendor == "sqlite":
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
        return [
            f"CREATE TRIGGER IF NOT EXISTS pme_authreq_frozen BEFORE UPDATE ON {REQUESTS} "
            f"WHEN OLD.status <> 'draft' AND ({changed}) BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
            f"CREATE TRIGGER IF NOT EXISTS pme_version_no_update BEFORE UPDATE ON {VERSIONS} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
            # No DELETE guard on SQLite (the development database): Django's test runner empties
            # tables with DELETE there. The versions' foreign key still refuses deleting a sent request.
        ]
    raise NotImplementedError(vendor)


def drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS pme_authreq_frozen ON {REQUESTS}",
            f"DROP TRIGGER IF EXISTS pme_version_append_only ON {VERSIONS}",
        ]
    return [
        f"DROP TRIGGER IF EXISTS {name}"
        for name in (
            "pme_authreq_frozen",
            "pme_authreq_kept",
            "pme_version_no_update",
            "pme_version_no_delete",
        )
    ]


def reinstall(using: str = "default", **kwargs: Any) -> None:
    """Drops and recreates the guards. Runs after every `migrate` (post_migrate), because SQLite rebuilds
    a table, and loses its triggers, whenever a migration alters a column or a constraint of it. Plain
    statements, not the schema editor: this also runs after the test runner's flush, inside a transaction
    where SQLite's schema editor refuses to work."""
    from django.db import connections

    connection = connections[using]
    with connection.cursor() as cursor:
        for statement in drop_statements(connection.vendor) + create_statements(connection.vendor):
            cursor.execute(statement)


def install(schema_editor: Any) -> None:
    for statement in create_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def uninstall(schema_editor: Any) -> None:
    for statement in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


@contextmanager
def suspended() -> Iterator[None]:
    """Lifts the guards for the retention job only, inside one transaction: they are back at commit."""
    vendor = connection.vendor
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in drop_statements(vendor):
            cursor.execute(statement)
        yield
        for statement in create_statements(vendor):
            cursor.execute(statement)
