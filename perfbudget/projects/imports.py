"""The project library's import page (served by core.views_import)."""

from django.utils.translation import gettext_lazy as _

from perfbudget.core.imports import ImportPage, register
from perfbudget.orgs.choices import OrgKind
from perfbudget.orgs.models import Organisation

from .importer import PROJECT_SPEC


def can_import(user):
    """Only users who may propose projects for some unit can import them."""
    return Organisation.objects.visible_to(user, "change").filter(kind=OrgKind.UNIT).exists()


PROJECTS = register(ImportPage(
    key="projects", spec=PROJECT_SPEC, namespace="projects", title=_("项目批量导入"),
    intro=_("模板中的预算单位、预算类型、功能分类科目等列带下拉选项；深蓝色表头为必填列，「填写说明」工作表有每列的说明和示例。"
            "从项目库导出的文件也可修改后直接导入。"),
    update_help=_("勾选后，系统中已有的「项目编码+预算年度」按文件更新（仅限草稿和已退回的项目）；不勾选则视为重复并报错。"),
    template_filename=_("项目导入模板"), allowed=can_import, refused=_("您没有可申报项目的预算单位。"),
    upload_url="projects:import", template_url="projects:import_template", back=("projects:list", _("项目库")),
    done=("projects:list", _("返回项目库")),
))
