"""Enumerations of the project library."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BudgetType(models.TextChoices):
    """四本预算, plus 政府债务 as a marker kind of funds."""

    GENERAL = "general", _("一般公共预算")
    FUND = "fund", _("政府性基金预算")
    STATE_CAPITAL = "state_capital", _("国有资本经营预算")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险基金预算")
    DEBT = "debt", _("政府债务")


class ProjectClass(models.TextChoices):
    """项目类别."""

    PERSONNEL = "personnel", _("人员类")
    OPERATING = "operating", _("运转类")
    SPECIFIC = "specific", _("特定目标类")


class AbcClass(models.TextChoices):
    """分级分类: A/B 重点管理, C 一般管理."""

    A = "A", _("A类(重点管理)")
    B = "B", _("B类(重点管理)")
    C = "C", _("C类(一般管理)")


class ProjectStatus(models.TextChoices):
    """入库流程状态."""

    DRAFT = "draft", _("草稿")
    DEPT_REVIEW = "dept_review", _("待主管部门审核")
    BUREAU_REVIEW = "bureau_review", _("待财政审核")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已入库")
    BUDGETED = "budgeted", _("预算已批复")
