from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesetsConfig(AppConfig):
    name = "perfbudget.rulesets"
    label = "rulesets"
    verbose_name = _("规则集")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import RuleSet

        auditlog.register(RuleSet, serialize_data=True)
