"""Enumerations of 重点评价 (labels in Chinese, English via translation)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Statuses carry a translation context: their Chinese words (计划, 复核, 已完成, 启用 …) are also headings, actions
# and other apps' statuses, which read differently in English.


class ObjectKind(models.TextChoices):
    """评价对象: 全方位 (DOMAIN.md §1) — a framework's kind and an evaluation's object kind."""

    PROJECT = "project", _("项目")
    POLICY = "policy", _("政策")
    DEPARTMENT = "department", _("部门整体")
    SUBDISTRICT = "subdistrict", _("街道财政运行")
    PROCUREMENT = "procurement", _("政府采购")


class Timing(models.TextChoices):
    """评价时点."""

    MID_TERM = "mid_term", _("事中评价")
    EX_POST = "ex_post", _("事后评价")


class FrameworkStatus(models.TextChoices):
    """评价指标体系的状态."""
    ACTIVE = "active", pgettext_lazy("evaluation framework status", "启用")
    RETIRED = "retired", pgettext_lazy("evaluation framework status", "已停用")


class Status(models.TextChoices):
    """重点评价的状态."""

    PLANNED = "planned", pgettext_lazy("key evaluation status", "计划")
    ASSIGNED = "assigned", pgettext_lazy("key evaluation status", "已委托")
    SCORING = "scoring", pgettext_lazy("key evaluation status", "评分中")
    REVIEW = "review", pgettext_lazy("key evaluation status", "复核")
    FINISHED = "finished", pgettext_lazy("key evaluation status", "已完成")
    PUBLISHED = "published", pgettext_lazy("key evaluation status", "已公开")


# States in which the evaluated department or unit may read its evaluation (findings issued).
RELEASED = (Status.FINISHED, Status.PUBLISHED)
# States in which evaluators may still enter scores.
SCORABLE = (Status.ASSIGNED, Status.SCORING)


class EvaluatorKind(models.TextChoices):
    """评价人员类型."""
    AGENCY = "agency", _("第三方机构")
    EXPERT = "expert", _("专家")


class FindingCategory(models.TextChoices):
    """问题类别."""

    DECISION = "decision", _("立项决策")
    GOALS = "goals", _("绩效目标")
    BUDGET = "budget", _("预算编制与执行")
    FUNDS = "funds", _("资金管理使用")
    IMPLEMENTATION = "implementation", _("组织实施")
    OUTPUT = "output", _("产出与效益")
    PROCUREMENT = "procurement", _("政府采购")
    OTHER = "other", _("其他")


class PlanSource(models.TextChoices):
    """列入重点评价计划的方式."""
    CANDIDATE = "candidate", _("连续低执行率候选")
    MANUAL = "manual", _("手工列入")
