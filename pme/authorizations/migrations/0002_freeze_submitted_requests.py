from django.db import migrations


def install(apps, schema_editor):
    from pme.authorizations import db_guards

    db_guards.install(schema_editor)


def uninstall(apps, schema_editor):
    from pme.authorizations import db_guards

    db_guards.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("authorizations", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
