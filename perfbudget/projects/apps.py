from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "perfbudget.projects"
    label = "projects"
    verbose_name = _("项目库")

    def ready(self):
        from auditlog.registry import auditlog

        from . import imports  # noqa: F401  (registers the import page)
        from .models import Project, ProjectYear

        auditlog.register(Project, serialize_data=True)
        auditlog.register(ProjectYear, serialize_data=True, exclude_fields=["row_version", "updated_at"])
