"""Enumerations of performance goals (绩效目标)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GoalKind(models.TextChoices):
    ANNUAL = "annual", _("年初申报")
    ADDITION = "addition", _("年中追加")
    ADJUSTMENT = "adjustment", _("目标调整")


class GoalStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    DEPT_REVIEW = "dept_review", _("待主管部门审核")
    SECTION_REVIEW = "section_review", _("待业务科室审核")
    OFFICE_REVIEW = "office_review", _("待绩效科审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批复")
    SUPERSEDED = "superseded", _("已调整（历史版本）")


IN_REVIEW = (GoalStatus.DEPT_REVIEW, GoalStatus.SECTION_REVIEW, GoalStatus.OFFICE_REVIEW)
EDITABLE = (GoalStatus.DRAFT, GoalStatus.RETURNED)

# The four review criteria (S000): 完整性, 相关性, 可行性, 适当性, each scored 0–25.
CRITERIA = (
    ("completeness", _("完整性")),
    ("relevance", _("相关性")),
    ("feasibility", _("可行性")),
    ("appropriateness", _("适当性")),
)
CRITERION_MAX = 25
