from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "perfbudget.goals"
    label = "goals"
    verbose_name = _("绩效目标")

    def ready(self):
        from auditlog.registry import auditlog

        from perfbudget.projects.gates import register_budget_gate

        from .gate import goals_gate
        from .models import BudgetCut, Goal, GoalIndicator

        auditlog.register(Goal, serialize_data=True, exclude_fields=["row_version", "updated_at", "quality_report"])
        auditlog.register(GoalIndicator, serialize_data=True)
        auditlog.register(BudgetCut, serialize_data=True)
        register_budget_gate(goals_gate)
        from perfbudget.projects.panels import register_project_panel

        from .panels import goal_panel

        register_project_panel("goals/_project_panel.html", goal_panel)
        from . import imports  # noqa: F401
