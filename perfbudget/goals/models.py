"""绩效目标: a goal table per project and year (versioned), its indicator rows, and budget cuts (核减)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from perfbudget.core.models import BusinessModel
from perfbudget.core.scopes import ScopedQuerySet
from perfbudget.indicators.choices import SYMBOLS, Basis, Comparator
from perfbudget.indicators.values import parse_value

from .choices import GoalKind, GoalStatus

MONEY = {"max_digits": 16, "decimal_places": 2}


class GoalQuerySet(ScopedQuerySet):
    def with_related(self):
        return self.select_related("project_year__project__unit", "project_year__project__department",
                                   "project_year__project__region")

    def current(self):
        """The latest version of each project year's goal (history versions are superseded)."""
        return self.exclude(status=GoalStatus.SUPERSEDED)


class Goal(BusinessModel):
    """绩效目标申报表: overall and annual goal text plus indicator rows, for one project year.

    A project year has one live goal; an adjustment (目标调整) writes version n+1 that replaces the approved
    version n once approved (n is kept as 已调整). A mid-year addition (年中追加) is a goal of kind addition.
    """

    project_year = models.ForeignKey("projects.ProjectYear", models.PROTECT, related_name="goals",
                                     verbose_name=_("项目年度"))
    kind = models.CharField(_("申报类型"), max_length=12, choices=GoalKind.choices, default=GoalKind.ANNUAL)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    previous = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="revisions",
                                 verbose_name=_("调整前版本"))
    overall_goal = models.TextField(_("总体目标"), blank=True)
    annual_goal = models.TextField(_("年度目标"), blank=True)
    change_reason = models.TextField(_("调整/追加理由"), blank=True)
    addition_amount = models.DecimalField(_("追加金额(元)"), **MONEY, null=True, blank=True,
                                          validators=[MinValueValidator(Decimal(0))])
    status = models.CharField(_("状态"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.DRAFT)
    quality_score = models.DecimalField(_("质量得分"), max_digits=5, decimal_places=1, null=True, blank=True,
                                        editable=False)
    quality_report = models.JSONField(_("质量检查结果"), default=dict, blank=True, editable=False)
    warning_reasons = models.JSONField(_("预警说明"), default=dict, blank=True,
                                       help_text=_("对质量检查提示的逐条说明：{检查代码或行号: 理由}。"))
    reviewed_rows = models.JSONField(_("上次审核时的指标"), default=list, blank=True, editable=False)
    ruleset = models.CharField(_("所用规则集"), max_length=200, blank=True, editable=False)
    approved_at = models.DateTimeField(_("批复时间"), null=True, blank=True, editable=False)

    objects = GoalQuerySet.as_manager()
    scope_region = "project_year__project__region"
    scope_org = "project_year__project__unit"

    class Meta:
        verbose_name = _("绩效目标")
        verbose_name_plural = _("绩效目标")
        ordering = ["-project_year__year", "project_year__project__code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["project_year", "version"], name="goal_version_unique",
                                    violation_error_message=_("该项目年度已有此版本的绩效目标。")),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.project_year} 绩效目标 v{self.version}"

    @property
    def project(self):
        return self.project_year.project


class GoalIndicator(models.Model):
    """One level-three indicator row of a goal. `target` is the value as typed (a number, a date, a word)."""

    goal = models.ForeignKey(Goal, models.CASCADE, related_name="rows", verbose_name=_("绩效目标"))
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    level1 = models.CharField(_("一级指标"), max_length=20)
    level2 = models.CharField(_("二级指标"), max_length=20, blank=True)
    name = models.CharField(_("三级指标"), max_length=100)
    comparator = models.CharField(_("比较方式"), max_length=8, choices=Comparator.choices, default=Comparator.GE)
    target = models.CharField(_("指标值"), max_length=100)
    upper = models.CharField(_("区间上限"), max_length=50, blank=True)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    target_number = models.DecimalField(_("指标值(数值)"), max_digits=20, decimal_places=4, null=True,
                                        blank=True, editable=False)
    basis = models.CharField(_("设定依据"), max_length=10, choices=Basis.choices, default=Basis.PLAN)
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(Decimal(0))])
    is_core = models.BooleanField(_("核心指标"), default=False)
    entry = models.ForeignKey("indicators.IndicatorEntry", models.SET_NULL, null=True, blank=True,
                              related_name="goal_rows", verbose_name=_("指标库来源"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("绩效指标")
        verbose_name_plural = _("绩效指标")
        ordering = ["goal", "position", "id"]

    def __str__(self):
        return f"{self.name} {self.printed}"

    @property
    def printed(self):
        """The target as printed in a goal table: '≥38公里', '90%-100%', '2025年11月30日前', '良好'."""
        return printed_target(self.comparator, self.target, self.upper, self.unit)


def printed_target(comparator, target, upper="", unit=""):
    target = (target or "").strip()
    if comparator == Comparator.QUAL:
        return target
    if comparator == Comparator.RANGE:
        suffix = unit if unit == "%" else ""
        return f"{target}{suffix}-{upper}{unit}" if upper else f"{target}{unit}"
    if target and parse_value(target).kind == "date":
        return f"≥{target}" if comparator == Comparator.GE else target  # "不早于" dates keep their symbol
    if not target or not (target[0].isdigit() or target[0] in "-."):
        return target  # a word or an already printed value stays as written
    return f"{SYMBOLS.get(comparator, '')}{target}{unit}"


class BudgetCut(BusinessModel):
    """核减: an amount cut from a project year's budget because its goals failed review."""

    project_year = models.ForeignKey("projects.ProjectYear", models.PROTECT, related_name="goal_cuts",
                                     verbose_name=_("项目年度"))
    goal = models.ForeignKey(Goal, models.PROTECT, null=True, blank=True, related_name="cuts",
                             verbose_name=_("绩效目标"))
    amount = models.DecimalField(_("核减金额(元)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    reason = models.TextField(_("核减理由"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("记录人"))

    objects = ScopedQuerySet.as_manager()
    scope_region = "project_year__project__region"
    scope_org = "project_year__project__unit"

    class Meta:
        verbose_name = _("核减记录")
        verbose_name_plural = _("核减记录")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.project_year} 核减 {self.amount}"


LIVE = ~Q(status=GoalStatus.SUPERSEDED)
