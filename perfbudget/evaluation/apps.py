from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "perfbudget.evaluation"
    label = "evaluation"
    verbose_name = _("绩效评价")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import SelfEvaluation, SelfEvaluationProblem, SelfEvaluationRow

        computed = ["row_version", "updated_at", "result"]
        auditlog.register(SelfEvaluation, serialize_data=True, exclude_fields=computed,
                          m2m_fields={"agency_reviewers"})
        auditlog.register(SelfEvaluationRow, serialize_data=True, exclude_fields=["row_version", "updated_at"])
        auditlog.register(SelfEvaluationProblem, serialize_data=True, exclude_fields=["row_version", "updated_at"])
        from .models_spot import register_auditlog as register_spot_auditlog

        register_spot_auditlog()
        from perfbudget.projects.panels import register_project_panel

        from .panels import selfeval_panel

        register_project_panel("evaluation/_project_panel.html", selfeval_panel)
