"""On PostgreSQL the database refuses UPDATE and DELETE on the chain's links too; retention may delete
the links of the prefix it removes (the transaction-local `pme.audit_purge_through_seq`, as for events).
The application role holds neither privilege anyway (pme/audit/dbroles.py): the trigger also stops the
owner's accidents.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION pme_audit_link_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    purge_through text := current_setting('pme.audit_purge_through_seq', true);
BEGIN
    IF TG_OP = 'DELETE'
       AND coalesce(purge_through, '') <> ''
       AND OLD.last_seq <= purge_through::bigint THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit chain links are append-only: % refused on link %', TG_OP, OLD.seq
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS pme_audit_link_append_only ON audit_auditlink;
CREATE TRIGGER pme_audit_link_append_only
    BEFORE UPDATE OR DELETE ON audit_auditlink
    FOR EACH ROW EXECUTE FUNCTION pme_audit_link_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS pme_audit_link_append_only ON audit_auditlink;
DROP FUNCTION IF EXISTS pme_audit_link_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_keyed_chain_links")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
