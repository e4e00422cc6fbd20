from django.db import migrations


def load(apps, schema_editor):
    from perfbudget.indicators.library import sync_national_library

    sync_national_library(apps.get_model("indicators", "IndicatorCategory"),
                          apps.get_model("indicators", "IndicatorEntry"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial"), ("orgs", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
