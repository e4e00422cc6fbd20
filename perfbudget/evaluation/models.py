"""Models of 绩效评价: 单位自评 (a self-evaluation per project year and its indicator rows) and 自评审核 (the
problems the joint review raises, tracked to their fix)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from perfbudget.core.models import BusinessModel
from perfbudget.core.scopes import ScopedQuerySet

from .choices import ProblemStatus, ReturnStage, ReviewerRole, SelfEvalStatus

MONEY = {"max_digits": 16, "decimal_places": 2}
SCORE = {"max_digits": 6, "decimal_places": 2}


def agency_q(grant, prefix=""):
    """Agencies see (and may write problems on) only the self-evaluations they were added to as reviewers."""
    from perfbudget.orgs.choices import Role

    if grant.role != Role.AGENCY:
        return None
    ids = SelfEvaluation.agency_reviewers.through.objects.filter(user_id=grant.user_id).values("selfevaluation_id")
    return Q(**{f"{prefix}pk__in": ids})


class SelfEvaluationQuerySet(ScopedQuerySet):
    def with_related(self):
        return self.select_related("project_year__project__unit", "project_year__project__department",
                                   "project_year__project__region")


class SelfEvaluation(BusinessModel):
    """单位自评 (项目支出绩效自评表, 财预〔2020〕10号 annex 1): one per project year, built from the approved goal
    and the execution data; the unit fills actuals, the engine scores it, the bureau reviews it (自评审核)."""

    project_year = models.OneToOneField("projects.ProjectYear", models.PROTECT, related_name="self_evaluation",
                                        verbose_name=_("项目年度"))
    goal = models.ForeignKey("goals.Goal", models.PROTECT, related_name="+", verbose_name=_("所依据的绩效目标"))
    status = models.CharField(_("状态"), max_length=20, choices=SelfEvalStatus.choices,
                              default=SelfEvalStatus.DRAFT)
    initial_budget = models.DecimalField(_("年初预算数(元)"), **MONEY, default=Decimal(0))
    full_budget = models.DecimalField(_("全年预算数(元)"), **MONEY, default=Decimal(0))
    executed = models.DecimalField(_("全年执行数(元)"), **MONEY, default=Decimal(0))
    funds_refreshed_at = models.DateTimeField(_("资金数据更新时间"), null=True, blank=True, editable=False)
    execution_reason = models.TextField(_("执行率偏低原因"), blank=True)
    overall_goal_expected = models.TextField(_("总体目标（预期）"), blank=True)
    overall_goal_actual = models.TextField(_("总体目标实际完成情况"), blank=True)
    conclusion = models.TextField(_("自评结论"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    improvements = models.TextField(_("改进措施"), blank=True)
    claimed_execution_score = models.DecimalField(_("单位自评执行率得分"), **SCORE, null=True, blank=True)
    claimed_total = models.DecimalField(_("单位自评总分"), **SCORE, null=True, blank=True)
    claimed_grade = models.CharField(_("单位自评等级"), max_length=2, blank=True)
    execution_rate = models.DecimalField(_("执行率"), max_digits=9, decimal_places=4, null=True, blank=True,
                                         editable=False)
    execution_score = models.DecimalField(_("执行率得分"), **SCORE, null=True, blank=True, editable=False)
    total_score = models.DecimalField(_("总分"), **SCORE, null=True, blank=True, editable=False)
    grade = models.CharField(_("评价等级"), max_length=2, blank=True, editable=False)
    error_count = models.PositiveSmallIntegerField(_("错误数"), default=0, editable=False)
    warning_count = models.PositiveSmallIntegerField(_("提示数"), default=0, editable=False)
    result = models.JSONField(_("评分结果"), default=dict, blank=True, editable=False)
    ruleset = models.CharField(_("所用规则集"), max_length=200, blank=True, editable=False)
    agency_reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                              verbose_name=_("第三方审核人"))
    return_stage = models.CharField(_("退回环节"), max_length=20, choices=ReturnStage.choices, blank=True,
                                    editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("审核通过时间"), null=True, blank=True, editable=False)

    objects = SelfEvaluationQuerySet.as_manager()
    scope_region = "project_year__project__region"
    scope_org = "project_year__project__unit"

    class Meta:
        verbose_name = _("项目支出绩效自评表")
        verbose_name_plural = _("项目支出绩效自评表")
        ordering = ["-project_year__year", "project_year__project__code"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["grade"])]

    def __str__(self):
        return f"{self.project_year} 绩效自评"

    @staticmethod
    def scope_assignments(grant, action):
        return agency_q(grant)

    @property
    def project(self):
        return self.project_year.project


class SelfEvaluationRow(BusinessModel):
    """One indicator row of a self-evaluation: the approved target (locked), the unit's actual, and the score the
    engine gave it (得分, 完成率, 说明)."""

    self_evaluation = models.ForeignKey(SelfEvaluation, models.CASCADE, related_name="rows",
                                        verbose_name=_("自评表"))
    goal_indicator = models.ForeignKey("goals.GoalIndicator", models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("绩效指标"))
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    level1 = models.CharField(_("一级指标"), max_length=20)
    level2 = models.CharField(_("二级指标"), max_length=30, blank=True)
    name = models.CharField(_("三级指标"), max_length=200)
    target = models.CharField(_("年度指标值"), max_length=100, editable=False)
    qualitative = models.BooleanField(_("定性指标"), default=False, editable=False)
    weight = models.DecimalField(_("分值"), **SCORE, null=True, blank=True,
                                 validators=[MinValueValidator(Decimal(0))])
    actual = models.CharField(_("实际完成值"), max_length=100, blank=True)
    judgement = models.DecimalField(_("达成比例"), max_digits=4, decimal_places=3, null=True, blank=True,
                                    validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))])
    reason = models.TextField(_("评分理由"), blank=True)
    deviation_note = models.TextField(_("偏差原因分析及改进措施"), blank=True)
    applicable = models.BooleanField(_("适用"), default=True)
    claimed_score = models.DecimalField(_("单位自评得分"), **SCORE, null=True, blank=True)
    score = models.DecimalField(_("得分"), **SCORE, null=True, blank=True, editable=False)
    completion = models.DecimalField(_("完成率"), max_digits=12, decimal_places=4, null=True, blank=True,
                                     editable=False)
    explanation = models.TextField(_("评分说明"), blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_region = "self_evaluation__project_year__project__region"
    scope_org = "self_evaluation__project_year__project__unit"

    class Meta:
        verbose_name = _("自评指标")
        verbose_name_plural = _("自评指标")
        ordering = ["self_evaluation", "position", "id"]

    def __str__(self):
        return self.name

    @staticmethod
    def scope_assignments(grant, action):
        return agency_q(grant, "self_evaluation__")


class SelfEvaluationProblem(BusinessModel):
    """自评审核发现的问题: raised by a reviewer (绩效科, 业务科室 or 第三方) on a self-evaluation or one of its rows,
    with a deadline; the unit fixes it (with a note), the reviewer confirms or reopens it."""

    self_evaluation = models.ForeignKey(SelfEvaluation, models.CASCADE, related_name="review_problems",
                                        verbose_name=_("自评表"))
    row = models.ForeignKey(SelfEvaluationRow, models.SET_NULL, null=True, blank=True, related_name="problems",
                            verbose_name=_("指标"))
    code = models.CharField(_("问题类型"), max_length=40, blank=True)
    description = models.TextField(_("问题描述"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("提出人"))
    raised_role = models.CharField(_("提出方"), max_length=20, choices=ReviewerRole.choices)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    fix_note = models.TextField(_("整改说明"), blank=True)
    fixed_at = models.DateTimeField(_("整改时间"), null=True, blank=True)
    fixed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("整改人"))
    review_note = models.TextField(_("复核意见"), blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("确认人"))

    objects = ScopedQuerySet.as_manager()
    scope_region = "self_evaluation__project_year__project__region"
    scope_org = "self_evaluation__project_year__project__unit"

    class Meta:
        verbose_name = _("自评审核问题")
        verbose_name_plural = _("自评审核问题")
        ordering = ["self_evaluation", "created_at", "id"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return self.description[:50]

    @staticmethod
    def scope_assignments(grant, action):
        return agency_q(grant, "self_evaluation__")


from .models_spot import *  # noqa: E402,F401,F403
