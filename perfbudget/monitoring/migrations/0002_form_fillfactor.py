"""Room on each page of the forms table (PostgreSQL): a sweep rewrites every form's level and system forecast, and
with free space on the page those updates stay on the page and skip the table's six indexes (HOT updates)."""

from django.db import migrations

FILLFACTOR = 70


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE monitoring_monitoringform SET (fillfactor = {FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE monitoring_monitoringform RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
