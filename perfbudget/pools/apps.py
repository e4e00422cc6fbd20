"""第三方机构库 / 专家库: registration, vetting, conflicts of interest, ratings and auditable random draws.

Shared by evaluation and, later, ex-ante assessment.
"""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoolsConfig(AppConfig):
    name = "perfbudget.pools"
    label = "pools"
    verbose_name = _("第三方机构库与专家库")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Agency, ConflictDeclaration, Draw, Expert, Rating, ViolationRecord

        skip = ["row_version", "updated_at"]
        auditlog.register(Agency, serialize_data=True, exclude_fields=skip, m2m_fields={"ties", "regions_served"})
        auditlog.register(Expert, serialize_data=True, exclude_fields=skip, m2m_fields={"regions_served"})
        auditlog.register(ViolationRecord, serialize_data=True)
        auditlog.register(ConflictDeclaration, serialize_data=True)
        auditlog.register(Rating, serialize_data=True)
        # The sealed seed must not reach the change log before the reveal publishes it.
        auditlog.register(Draw, serialize_data=True, serialize_auditlog_fields_only=True,
                          exclude_fields=[*skip, "sealed_seed", "inputs"], m2m_fields={"subject_orgs"})
