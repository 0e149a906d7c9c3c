"""Load Shanxi's 11 cities and 122 county-level units (GB/T 2260) and one
registration point per county; officers complete the points' details in admin."""

from django.db import migrations


def load(apps, schema_editor):
    from zikao.reference import load_divisions

    load_divisions(
        apps.get_model("zikao", "City"), apps.get_model("zikao", "County"), apps.get_model("zikao", "RegistrationPoint")
    )


class Migration(migrations.Migration):
    dependencies = [("zikao", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
