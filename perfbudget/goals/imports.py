"""The batch goal import page (served by core.views_import)."""

from django.utils.translation import gettext_lazy as _

from perfbudget.core.imports import ImportPage, register

from .importer import GOAL_SPEC


def can_import(user):
    """Units declare goals (the superuser may act for them)."""
    return user.is_superuser or user.has_role("unit")


GOALS = register(ImportPage(
    key="goals", spec=GOAL_SPEC, namespace="goals", title=_("绩效目标批量导入"),
    intro=_("一行一个三级指标，按「项目编码+年度」归入各项目；模板中的项目编码、一级指标、二级指标、设定依据等列带下拉选项，"
            "「填写说明」工作表有每列的说明和示例。导出的已批复绩效目标也可修改后直接导入。"),
    update_help=_("绩效目标导入总是按文件替换草稿或已退回目标的全部指标，与系统一致的项目不作改动，无需勾选本项。"),
    template_filename=_("绩效目标导入模板"), allowed=can_import, refused=_("只有预算单位可以批量导入绩效目标。"),
    upload_url="goals:import", template_url="goals:import_template", back=("goals:list", _("绩效目标")),
    done=("goals:list", _("返回绩效目标列表")),
))
