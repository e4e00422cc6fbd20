from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "perfbudget.orgs"
    label = "orgs"
    verbose_name = _("组织与用户")

    def ready(self):
        from auditlog.registry import auditlog

        from . import imports, models  # noqa: F401  (imports registers the import pages)

        for model in (models.Region, models.Organisation, models.RoleGrant, models.FiscalYear):
            auditlog.register(model, serialize_data=True)
        auditlog.register(models.User, include_fields=["username", "display_name", "phone", "email", "is_active"])
