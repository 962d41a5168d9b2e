"""The keyed chain (docs/decisions/0005-audit-chain.md): the event's seq becomes its primary key, given
by the database at INSERT (identity on PostgreSQL, AUTOINCREMENT on SQLite); the per-event hashes move
to the insert-only `AuditLink` table the chainer fills; the single chain-head row, which every writer
locked, is gone, and the retention anchor keeps a table of its own.

Existing events keep their seq and are linked by the chainer's first round under PME_AUDIT_CHAIN_KEY.
"""

from django.db import migrations, models


def copy_anchor(apps, schema_editor):
    ChainHead = apps.get_model("audit", "ChainHead")
    ChainAnchor = apps.get_model("audit", "ChainAnchor")
    head = ChainHead.objects.filter(pk=1).first()
    ChainAnchor.objects.get_or_create(
        pk=1,
        defaults={
            "anchor_seq": head.anchor_seq if head else 0,
            "anchor_hash": head.anchor_hash if head else "0" * 64,
        },
    )


def restart_numbering(apps, schema_editor):
    """PostgreSQL's new identity starts at 1: move it past the events already numbered."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'seq'), "
            "coalesce((SELECT max(seq) FROM audit_auditevent), 0) + 1, false)"
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_trigger")]

    operations = [
        migrations.CreateModel(
            name="AuditLink",
            fields=[
                ("seq", models.BigIntegerField(editable=False, primary_key=True, serialize=False)),
                ("last_seq", models.BigIntegerField(editable=False)),
                (
                    "kind",
                    models.CharField(
                        choices=[("event", "Event"), ("gap", "Gap")], editable=False, max_length=8
                    ),
                ),
                ("prev_hash", models.CharField(editable=False, max_length=64)),
                ("hash", models.CharField(editable=False, max_length=64)),
                ("linked_at", models.DateTimeField(editable=False)),
            ],
            options={
                "verbose_name": "audit chain link",
                "verbose_name_plural": "audit chain links",
                "ordering": ["seq"],
            },
        ),
        migrations.CreateModel(
            name="ChainAnchor",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("anchor_seq", models.BigIntegerField(default=0)),
                ("anchor_hash", models.CharField(default="0" * 64, max_length=64)),
            ],
        ),
        migrations.RunPython(copy_anchor, migrations.RunPython.noop),
        migrations.DeleteModel(name="ChainHead"),
        migrations.RemoveField(model_name="auditevent", name="hash"),
        migrations.RemoveField(model_name="auditevent", name="prev_hash"),
        migrations.RemoveField(model_name="auditevent", name="id"),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigAutoField(editable=False, primary_key=True, serialize=False),
        ),
        migrations.RunPython(restart_numbering, migrations.RunPython.noop),
    ]
