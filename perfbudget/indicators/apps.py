from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "perfbudget.indicators"
    label = "indicators"
    verbose_name = _("指标库")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import IndicatorEntry

        auditlog.register(IndicatorEntry, serialize_data=True, exclude_fields=["row_version", "updated_at"])
        from . import imports  # noqa: F401
