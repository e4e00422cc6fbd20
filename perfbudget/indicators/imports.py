"""The indicator library's import page (served by core.views_import)."""

from django.utils.translation import gettext_lazy as _

from perfbudget.core.imports import ImportPage, register

from .importer import INDICATOR_SPEC


def can_import(user):
    """Only a finance bureau's 绩效科 maintains its region's indicators."""
    return user.has_role("performance_office")


INDICATORS = register(ImportPage(
    key="indicators", spec=INDICATOR_SPEC, namespace="indicators", title=_("指标库批量导入"),
    intro=_("新增或修订本地区的指标；模板中的指标分类、一级指标、二级指标、指标方向等列带下拉选项，「填写说明」工作表有每列的说明和示例。"
            "从指标库导出的文件也可修改后直接导入（全国和上级指标只读）。"),
    update_help=_("勾选后，系统中已有的本地区指标编码按文件修订（生成新版本），与系统一致的行不作改动；不勾选则视为重复并报错。"),
    template_filename=_("指标库导入模板"), allowed=can_import, refused=_("只有财政局绩效科可以维护指标库。"),
    upload_url="indicators:import", template_url="indicators:import_template", back=("indicators:list", _("指标库")),
    done=("indicators:list", _("返回指标库")),
))
