from django.db import migrations


def load(apps, schema_editor):
    from perfbudget.keyevals.shipped import sync_national_frameworks

    sync_national_frameworks(apps.get_model("keyevals", "EvaluationFramework"))


class Migration(migrations.Migration):
    dependencies = [("keyevals", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
