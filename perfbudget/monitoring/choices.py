"""Enumerations of performance monitoring (运行监控, 双监控)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("未开启")
    OPEN = "open", _("填报中")
    CLOSED = "closed", _("已结束")


class RoundScope(models.TextChoices):
    ALL = "all", _("全部项目")
    KEY = "key", _("重点项目（金额不低于重点监控下限）")
    CLASS_A = "class_a", _("A类项目")
    CLASS_AB = "class_ab", _("A类和B类项目")


class FormStatus(models.TextChoices):
    DRAFT = "draft", _("填报中")
    DEPT_REVIEW = "dept_review", _("待主管部门审核")
    SECTION_REVIEW = "section_review", _("待业务科室审核")
    OFFICE_REVIEW = "office_review", _("待绩效科审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核")


FORM_EDITABLE = (FormStatus.DRAFT, FormStatus.RETURNED)
FORM_SUBMITTED = (FormStatus.DEPT_REVIEW, FormStatus.SECTION_REVIEW, FormStatus.OFFICE_REVIEW, FormStatus.APPROVED)


class Likelihood(models.TextChoices):
    CERTAIN = "certain", _("确定能")
    POSSIBLE = "possible", _("有可能")
    IMPOSSIBLE = "impossible", _("完全不可能")


class DeviationCause(models.TextChoices):
    FUNDING = "funding", _("经费保障")
    INSTITUTION = "institution", _("制度保障")
    STAFFING = "staffing", _("人员保障")
    HARDWARE = "hardware", _("硬件条件保障")
    OTHER = "other", _("其他")


class WarningLevel(models.TextChoices):
    RED = "red", _("红色预警")
    YELLOW = "yellow", _("黄色预警")
    GREEN = "green", _("正常")


class WarningCode(models.TextChoices):
    CHECKPOINT = "CHECKPOINT", _("执行率低于节点目标")
    BEHIND_TIME = "BEHIND_TIME", _("执行进度落后序时进度")
    INDICATOR_FORECAST = "INDICATOR_FORECAST", _("指标预计完不成")
    FORM_LATE = "FORM_LATE", _("监控表逾期提交")
    FORM_MISSING = "FORM_MISSING", _("监控表逾期未报")


class ActionKind(models.TextChoices):
    URGE = "urge", _("督促整改")
    ADJUST = "adjust", _("调整目标和预算")
    SUSPEND = "suspend", _("暂缓拨付")
    REDUCE = "reduce", _("核减预算")
    STOP = "stop", _("停止拨付")


MONEY_ACTIONS = (ActionKind.SUSPEND, ActionKind.REDUCE, ActionKind.STOP)


class ListingSubject(models.TextChoices):
    PROJECT = "project", _("项目")
    UNIT = "unit", _("单位")


class ListingSource(models.TextChoices):
    MONITORING = "monitoring", _("运行监控")
    EVALUATION = "evaluation", _("绩效评价")
    AUDIT = "audit", _("审计发现")
    INSPECTION = "inspection", _("监督检查")
    OTHER = "other", _("其他")
