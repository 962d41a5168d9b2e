"""Two PostgreSQL roles: the owner runs migrations, the application's role serves (README, Production).

After every `migrate` (run as the owner), `grant_app_role` gives the role named by `PME_DB_APP_ROLE`
what the service needs: read and write on every table, and on the audit trail only SELECT and INSERT
(events and chain links) or SELECT (the retention anchor). It owns nothing, so it cannot ALTER, DISABLE
or DROP the append-only triggers; it holds no UPDATE, DELETE or TRUNCATE on the trail, and no UPDATE on
the sequences (it cannot `setval` the event numbering back). Default privileges cover the tables the
owner creates later (`createcachetable`, future migrations until the next migrate runs this again).

Nothing happens on SQLite, when the setting is empty, or when the role does not exist (yet).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

INSERT_ONLY = ("audit_auditevent", "audit_auditlink")
READ_ONLY = ("audit_chainanchor",)


def app_role_exists(using: str = "default") -> bool:
    role = settings.PME_DB_APP_ROLE
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        return cursor.fetchone() is not None


def grant_app_role(*, using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver (pme/audit/apps.py). Idempotent."""
    if not app_role_exists(using):
        return
    connection = connections[using]
    role = connection.ops.quote_name(settings.PME_DB_APP_ROLE)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
    for table in (*INSERT_ONLY, *READ_ONLY):
        statements.append(f"REVOKE ALL ON {table} FROM PUBLIC, {role}")
    statements += [f"GRANT SELECT, INSERT ON {table} TO {role}" for table in INSERT_ONLY]
    statements += [f"GRANT SELECT ON {table} TO {role}" for table in READ_ONLY]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    logger.info("granted the application role %s its privileges (audit trail: insert and read only)", role)
