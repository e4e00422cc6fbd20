"""Load the national expenditure function classification (支出功能分类科目) reference data."""

from django.db import migrations


def load(apps, schema_editor):
    from perfbudget.projects.reference import load_function_classes

    load_function_classes(apps.get_model("projects", "FunctionClass"))


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
