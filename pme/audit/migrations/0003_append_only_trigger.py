"""On PostgreSQL, the database itself refuses UPDATE and DELETE on the audit trail.

The one exception is retention (docs/audit.md): a DELETE passes only for events whose seq is at most the
transaction-local setting `pme.audit_purge_through_seq` AND that are more than a year old, so even the
retention path cannot remove recent evidence. SQLite (development and tests) has no such trigger: there
the model and queryset refuse, and the chain check finds anything done behind their back.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION pme_audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    purge_through text := current_setting('pme.audit_purge_through_seq', true);
BEGIN
    IF TG_OP = 'DELETE'
       AND coalesce(purge_through, '') <> ''
       AND OLD.seq <= purge_through::bigint
       AND OLD.created_at < now() - interval '1 year' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % refused on event %', TG_OP, OLD.seq
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS pme_audit_event_append_only ON audit_auditevent;
CREATE TRIGGER pme_audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION pme_audit_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS pme_audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS pme_audit_event_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_anchor_and_incident_register")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
