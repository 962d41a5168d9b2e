"""PostgreSQL: the throttle counters in an UNLOGGED table (docs/decisions/0006-prepared-statements-and-unlogged-counters.md).

Every look-up, API call and coverage check changes a counter in a transaction of its own; on a logged
table each of those commits waits for the write-ahead log to reach the disk (0.75 ms against 0.22 ms for
the same upsert, bench/results). The counters are short-lived guards, not records: after a crash of the
database they start again from zero, which the decision accepts. SQLite has no such table kind.
"""

from collections.abc import Callable
from typing import Any

from django.db import migrations


def _alter(kind: str) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE core_throttlecounter SET {kind}")

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_throttle_counters")]

    operations = [migrations.RunPython(_alter("UNLOGGED"), _alter("LOGGED"), elidable=False)]
