import secrets

from django.db import migrations, models

import pme.accounts.models


def one_stamp_each(apps, schema_editor):
    """AddField gives every existing row the same default; each account gets its own."""
    User = apps.get_model("accounts", "User")
    for pk in User.objects.values_list("pk", flat=True):
        User.objects.filter(pk=pk).update(security_stamp=secrets.token_hex(16))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="security_stamp",
            field=models.CharField(default=pme.accounts.models.new_security_stamp, editable=False, max_length=32),
        ),
        migrations.RunPython(one_stamp_each, migrations.RunPython.noop),
    ]
