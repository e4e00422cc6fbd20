from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "perfbudget.monitoring"
    label = "monitoring"
    verbose_name = _("运行监控")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import (
            ExecutionYear,
            FormIndicator,
            MonitoringAction,
            MonitoringForm,
            MonitoringRound,
            NegativeListEntry,
        )

        auditlog.register(MonitoringRound, serialize_data=True, exclude_fields=["row_version", "updated_at"])
        auditlog.register(MonitoringForm, serialize_data=True, exclude_fields=["row_version", "updated_at"])
        auditlog.register(FormIndicator, serialize_data=True)
        auditlog.register(MonitoringAction, serialize_data=True)
        auditlog.register(NegativeListEntry, serialize_data=True)
        # Execution rows arrive by the million: their changes are logged set-based as ExecutionChange rows.
        del ExecutionYear
        from perfbudget.projects.panels import register_project_panel

        from . import signals  # noqa: F401
        from .panels import monitoring_panel

        register_project_panel("monitoring/_project_panel.html", monitoring_panel)
