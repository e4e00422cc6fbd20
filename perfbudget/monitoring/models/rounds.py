"""监控轮次 and 监控表: a round per region and year names the projects and dates; a form per project."""

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perfbudget.core.models import BusinessModel
from perfbudget.core.scopes import ScopedQuerySet

from ..choices import DeviationCause, FormStatus, Likelihood, RoundScope, RoundStatus

MONEY = {"max_digits": 16, "decimal_places": 2}


class MonitoringRound(BusinessModel):
    """监控轮次: e.g. the concentrated August round on January–July, for one region and fiscal year."""

    region = models.ForeignKey("orgs.Region", models.PROTECT, related_name="monitoring_rounds",
                               verbose_name=_("区划"))
    year = models.PositiveSmallIntegerField(_("年度"))
    code = models.CharField(_("轮次代码"), max_length=20)
    name = models.CharField(_("轮次名称"), max_length=100)
    through_month = models.PositiveSmallIntegerField(_("数据截至月份"))
    scope = models.CharField(_("监控范围"), max_length=12, choices=RoundScope.choices, default=RoundScope.ALL)
    key_min_amount = models.DecimalField(_("重点项目金额下限(元)"), **MONEY, default=Decimal(0))
    opens_on = models.DateField(_("开始填报日期"))
    due_on = models.DateField(_("填报截止日期"))
    report_due_on = models.DateField(_("报告截止日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    ruleset = models.CharField(_("所用规则集"), max_length=200, blank=True, editable=False)
    opened_at = models.DateTimeField(_("开启时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True, editable=False)
    notes = models.TextField(_("工作要求"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region = "region"
    scope_org = None

    class Meta:
        verbose_name = _("监控轮次")
        verbose_name_plural = _("监控轮次")
        ordering = ["-year", "through_month", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "code"], name="round_code_unique",
                                    violation_error_message=_("该区划该年度已有同一代码的监控轮次。")),
            models.CheckConstraint(condition=models.Q(through_month__gte=1, through_month__lte=12),
                                   name="round_through_month_range"),
        ]

    def __str__(self):
        return f"{self.year}年{self.name}"


class MonitoringFormQuerySet(ScopedQuerySet):
    def with_related(self):
        return self.select_related("round", "project_year__project__unit", "project_year__project__department",
                                   "project_year__project__region", "forecast_note")


class MonitoringForm(BusinessModel):
    """监控表: one project's execution and goal progress in one round (DOMAIN.md §4.5)."""

    round = models.ForeignKey(MonitoringRound, models.PROTECT, related_name="forms", verbose_name=_("监控轮次"))
    project_year = models.ForeignKey("projects.ProjectYear", models.PROTECT, related_name="monitoring_forms",
                                     verbose_name=_("项目年度"))
    goal = models.ForeignKey("goals.Goal", models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("所依据的绩效目标"))
    status = models.CharField(_("状态"), max_length=20, choices=FormStatus.choices, default=FormStatus.DRAFT)
    initial_budget = models.DecimalField(_("年初预算数(元)"), **MONEY)
    full_budget = models.DecimalField(_("全年预算数(元)"), **MONEY)
    executed = models.DecimalField(_("截至目前执行数(元)"), **MONEY, default=Decimal(0))
    forecast_amount = models.DecimalField(_("全年预计执行数(元)"), **MONEY, null=True, blank=True)
    system_forecast = models.DecimalField(_("系统预计全年执行数(元)"), **MONEY, null=True, blank=True,
                                          editable=False)
    execution_note = models.TextField(_("执行偏差原因及纠偏措施"), blank=True)
    overall_progress = models.TextField(_("总体目标完成情况"), blank=True)
    due_on = models.DateField(_("填报截止日期"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(_("审核完成时间"), null=True, blank=True, editable=False)
    level = models.CharField(_("预警等级"), max_length=8, blank=True, editable=False)

    objects = MonitoringFormQuerySet.as_manager()
    scope_region = "project_year__project__region"
    scope_org = "project_year__project__unit"

    class Meta:
        verbose_name = _("绩效监控表")
        verbose_name_plural = _("绩效监控表")
        ordering = ["round", "project_year__project__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "project_year"], name="form_round_project_unique",
                                    violation_error_message=_("该项目在本轮已有监控表。")),
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self):
        return f"{self.round} · {self.project_year.project.name}"

    @property
    def forecast_method(self) -> str:
        """How the last sweep forecast the system figure (系统预测方法), "" before the first sweep."""
        try:
            return self.forecast_note.text
        except FormForecastMethod.DoesNotExist:
            return ""

    @property
    def execution_rate(self):
        return self.executed / self.full_budget if self.full_budget else None

    @property
    def forecast_rate(self):
        if self.forecast_amount is None or not self.full_budget:
            return None
        return self.forecast_amount / self.full_budget

    @property
    def is_late(self):
        """逾期: submitted after the due date, or still not submitted once it has passed."""
        if self.submitted_at is not None:
            return timezone.localdate(self.submitted_at) > self.due_on
        return timezone.localdate() > self.due_on


class FormForecastMethod(models.Model):
    """系统预测方法: how the sweep forecast a form's full-year execution, in words. Kept beside the form, not in it:
    every sweep writes it, and a text this wide added to every form row by the first sweep of a round would move
    each row to another page (no in-place update), at several seconds a province-wide round."""

    form = models.OneToOneField(MonitoringForm, models.CASCADE, primary_key=True, related_name="forecast_note",
                                verbose_name=_("绩效监控表"))
    text = models.CharField(_("系统预测方法"), max_length=300)

    class Meta:
        verbose_name = _("系统预测方法")
        verbose_name_plural = _("系统预测方法")

    def __str__(self):
        return self.text


class FormIndicator(models.Model):
    """One indicator row of a monitoring form: the approved target and the unit's progress against it."""

    form = models.ForeignKey(MonitoringForm, models.CASCADE, related_name="indicators", verbose_name=_("监控表"))
    goal_indicator = models.ForeignKey("goals.GoalIndicator", models.SET_NULL, null=True, blank=True,
                                       related_name="+")
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    level1 = models.CharField(_("一级指标"), max_length=20)
    level2 = models.CharField(_("二级指标"), max_length=30, blank=True)
    name = models.CharField(_("三级指标"), max_length=200)
    target = models.CharField(_("年度指标值"), max_length=100)
    actual = models.CharField(_("截至目前完成值"), max_length=100, blank=True)
    forecast = models.CharField(_("全年预计完成值"), max_length=100, blank=True)
    likelihood = models.CharField(_("完成可能性"), max_length=12, choices=Likelihood.choices, blank=True)
    cause = models.CharField(_("偏差原因"), max_length=12, choices=DeviationCause.choices, blank=True)
    cause_detail = models.CharField(_("偏差原因说明"), max_length=300, blank=True)
    measure = models.CharField(_("纠偏措施"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("监控指标")
        verbose_name_plural = _("监控指标")
        ordering = ["form", "position"]

    def __str__(self):
        return self.name


