from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeyevalsConfig(AppConfig):
    """重点评价: registers the change log of every business model."""
    name = "perfbudget.keyevals"
    label = "keyevals"
    verbose_name = _("重点评价")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import EvaluationFramework, Evaluator, EvaluatorScore, KeyEvaluation, KeyFinding, Recommendation

        excluded = ["row_version", "updated_at"]
        auditlog.register(EvaluationFramework, serialize_data=True, exclude_fields=excluded)
        auditlog.register(KeyEvaluation, serialize_data=True, exclude_fields=excluded,
                          m2m_fields={"subjects", "project_years"})
        auditlog.register(Evaluator, serialize_data=True, exclude_fields=excluded)
        auditlog.register(EvaluatorScore, serialize_data=True, exclude_fields=excluded)
        auditlog.register(KeyFinding, serialize_data=True, exclude_fields=excluded)
        auditlog.register(Recommendation, serialize_data=True, exclude_fields=excluded)
