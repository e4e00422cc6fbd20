"""More room on each page of the forms table (PostgreSQL). A HOT update needs room for the whole new row version on
the same page, and the first sweep of a round sets every form's level and system forecast in one transaction: at
fillfactor 70 only four forms in ten found room (the others moved to another page and into all six indexes, 2.6 s
of a 200,000-form sweep). At 45 every form's new version fits beside the old one."""

from django.db import migrations

FILLFACTOR = 45


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE monitoring_monitoringform SET (fillfactor = {FILLFACTOR})")


def back_to_70(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE monitoring_monitoringform SET (fillfactor = 70)")


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0003_form_forecast_method")]

    operations = [migrations.RunPython(set_fillfactor, back_to_70)]
