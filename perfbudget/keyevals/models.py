"""Models of 重点评价: frameworks as data, key evaluations, their evaluators, scores, findings and recommendations.

Scope of a key evaluation: region roles (绩效科, 预算科, oversight) read their region and the regions below and
change their own level; a funding section reads its own region's; the evaluated department or unit reads its own
evaluation once the findings are issued (已完成, 已公开) and never writes it; an agency user or an expert sees only
the evaluations it was assigned to (`scope_assignments`, through the `Evaluator` rows the draws created). Every
filter is an `IN (subquery)` on the evaluation's id, so a department with several evaluated units gets each
evaluation once.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from perfbudget.core.models import BusinessModel
from perfbudget.core.scopes import CHANGE, NOTHING, VIEW, ScopedQuerySet, grant_q
from perfbudget.orgs.choices import Role

from . import frameworks
from .choices import (
    RELEASED,
    EvaluatorKind,
    FindingCategory,
    FrameworkStatus,
    ObjectKind,
    PlanSource,
    Status,
    Timing,
)

MONEY = {"max_digits": 18, "decimal_places": 2}
POINTS = {"max_digits": 7, "decimal_places": 2}


def _ancestor_paths(path):
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


class FrameworkQuerySet(ScopedQuerySet):
    """Everyone signed in reads the national templates and those of their region's ancestors; finance-bureau
    staff also read the frameworks of the regions below; only the owning region's 绩效科 changes one."""

    def visible_to(self, user, action=VIEW, roles=None):
        from perfbudget.orgs.choices import REGION_ROLES

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        q = NOTHING
        for grant in user.grants:
            if roles is not None and grant.role not in roles:
                continue
            region = grant.effective_region
            if action == CHANGE:
                if grant.role == Role.PERFORMANCE_OFFICE:
                    q |= Q(owner_region=region)
                continue
            q |= Q(owner_region__isnull=True) | Q(owner_region__path__in=_ancestor_paths(region.path))
            if grant.role in REGION_ROLES:
                q |= Q(owner_region__path__startswith=region.path)
        return self.filter(q)

    def current(self):
        return self.filter(status=FrameworkStatus.ACTIVE)


class EvaluationFramework(BusinessModel):
    """评价指标体系: a tree of level-1/2/3 indicators with weights and scoring standards, kept as data.

    National templates have no owner region; a region copies one and edits it. Versions of one framework share
    `code`; editing a framework an evaluation already uses writes version n+1 and retires n (the evaluations keep
    their frozen copy of the items either way)."""

    code = models.CharField(_("体系编码"), max_length=60)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("适用对象"), max_length=16, choices=ObjectKind.choices)
    owner_region = models.ForeignKey("orgs.Region", models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("所属区划"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=16, choices=FrameworkStatus.choices,
                              default=FrameworkStatus.ACTIVE)
    items = models.JSONField(_("指标"), default=list)
    basis = models.TextField(_("依据"), blank=True)
    copied_from = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("复制自"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))

    objects = FrameworkQuerySet.as_manager()
    scope_region = "owner_region"
    scope_org = None

    class Meta:
        verbose_name = _("评价指标体系")
        verbose_name_plural = _("评价指标体系")
        ordering = ["owner_region__path", "kind", "code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="framework_code_version")]

    def __str__(self):
        return f"{self.name}（v{self.version}）"

    @property
    def is_template(self):
        return self.owner_region_id is None

    @property
    def leaves(self):
        return frameworks.leaves(self.items)


def evaluation_q(grant, action):
    """The filter over key evaluations that one role grant contributes, or None (see the module docstring)."""
    role = grant.role
    if role in (Role.DEPARTMENT, Role.UNIT):
        if action == CHANGE or not grant.organisation_id:
            return None
        through = KeyEvaluation.subjects.through.objects.filter(
            organisation__path__startswith=grant.organisation.path)
        return Q(status__in=RELEASED, pk__in=through.values("keyevaluation_id"))
    if role in (Role.AGENCY, Role.EXPERT):
        return KeyEvaluation.scope_assignments(grant, action)
    return grant_q(KeyEvaluation, grant, action)


def _grants_q(user, action, roles, per_grant):
    q = NOTHING
    for grant in user.grants:
        if roles is not None and grant.role not in roles:
            continue
        part = per_grant(grant, action)
        if part is not None:
            q |= part
    return q


class KeyEvaluationQuerySet(ScopedQuerySet):
    """Scoped key evaluations: `evaluation_q` per role grant."""
    def visible_to(self, user, action=VIEW, roles=None):
        """Key evaluations `user` may read or change (module docstring)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(_grants_q(user, action, roles, evaluation_q))


class KeyEvaluation(BusinessModel):
    """重点评价: the finance bureau's evaluation of a project, policy, department, sub-district or procurement,
    scored by a drawn agency and drawn experts against a frozen copy of a framework."""

    region = models.ForeignKey("orgs.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    year = models.PositiveSmallIntegerField(_("评价年度"))
    title = models.CharField(_("评价名称"), max_length=300)
    object_kind = models.CharField(_("评价对象类型"), max_length=16, choices=ObjectKind.choices)
    timing = models.CharField(_("评价时点"), max_length=16, choices=Timing.choices, default=Timing.EX_POST)
    subjects = models.ManyToManyField("orgs.Organisation", related_name="key_evaluations",
                                      verbose_name=_("被评价单位"))
    project_years = models.ManyToManyField("projects.ProjectYear", blank=True, related_name="key_evaluations",
                                           verbose_name=_("项目年度"))
    amount = models.DecimalField(_("涉及金额(元)"), **MONEY, default=Decimal(0),
                                 validators=[MinValueValidator(Decimal(0))])
    commissioning_org = models.ForeignKey("orgs.Organisation", models.PROTECT, related_name="+",
                                          verbose_name=_("委托单位"))
    framework = models.ForeignKey(EvaluationFramework, models.PROTECT, related_name="evaluations",
                                  verbose_name=_("评价指标体系"))
    framework_name = models.CharField(_("指标体系名称"), max_length=250, blank=True)
    items = models.JSONField(_("指标（委托时冻结）"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    plan_source = models.CharField(_("列入方式"), max_length=16, choices=PlanSource.choices,
                                   default=PlanSource.MANUAL)
    total = models.DecimalField(_("总分"), **POINTS, null=True, blank=True)
    grade = models.CharField(_("评价等级"), max_length=4, blank=True)
    ruleset_label = models.CharField(_("所用规则版本"), max_length=300, blank=True)
    agency_draw = models.ForeignKey("pools.Draw", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("机构抽取记录"))
    expert_draw = models.ForeignKey("pools.Draw", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("专家抽取记录"))
    # Report sections (评价报告提纲).
    background = models.TextField(_("基本情况"), blank=True)
    work_done = models.TextField(_("评价工作开展情况"), blank=True)
    conclusion = models.TextField(_("综合评价结论"), blank=True)
    indicator_analysis = models.TextField(_("指标分析"), blank=True)
    experience = models.TextField(_("主要经验及做法"), blank=True)
    problems_causes = models.TextField(_("存在的问题及原因分析"), blank=True)
    other = models.TextField(_("其他需要说明的问题"), blank=True)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("计划人"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    objects = KeyEvaluationQuerySet.as_manager()
    scope_region = "region"
    scope_org = None  # several evaluated bodies: department and unit grants are handled by evaluation_q

    class Meta:
        verbose_name = _("重点评价")
        verbose_name_plural = _("重点评价")
        ordering = ["-year", "region__path", "-id"]
        indexes = [models.Index(fields=["region", "year", "status"])]

    def __str__(self):
        return self.title

    @staticmethod
    def scope_assignments(grant, action):
        """Agency users and experts reach the evaluations they were drawn for (to read and to score)."""
        if grant.role == Role.AGENCY and grant.organisation_id:
            mine = Evaluator.objects.filter(kind=EvaluatorKind.AGENCY, organisation_id=grant.organisation_id)
        elif grant.role == Role.EXPERT:
            mine = Evaluator.objects.filter(kind=EvaluatorKind.EXPERT, user_id=grant.user_id)
        else:
            return None
        return Q(pk__in=mine.values("evaluation_id"))

    @property
    def leaves(self):
        return frameworks.leaves(self.items)

    @property
    def is_released(self):
        return self.status in RELEASED


class ChildQuerySet(ScopedQuerySet):
    """Rows of a key evaluation: visible with their evaluation."""

    def visible_to(self, user, action=VIEW, roles=None):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(evaluation_id__in=KeyEvaluation.objects.visible_to(user, action, roles).values("pk"))


class Evaluator(BusinessModel):
    """评价人员: the drawn agency or one drawn expert of a key evaluation — one score column each."""

    evaluation = models.ForeignKey(KeyEvaluation, models.CASCADE, related_name="evaluators",
                                   verbose_name=_("重点评价"))
    kind = models.CharField(_("类型"), max_length=16, choices=EvaluatorKind.choices)
    agency = models.ForeignKey("pools.Agency", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("第三方机构"))
    expert = models.ForeignKey("pools.Expert", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("专家"))
    # Denormalised from the pool entry so that scopes are one indexed lookup.
    organisation = models.ForeignKey("orgs.Organisation", models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("机构账户"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("专家账户"))
    name = models.CharField(_("名称"), max_length=200)
    draw = models.ForeignKey("pools.Draw", models.PROTECT, related_name="+", verbose_name=_("抽取记录"))
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("提交人"))
    rated_at = models.DateTimeField(_("质量评价时间"), null=True, blank=True)

    objects = ChildQuerySet.as_manager()
    scope_region = "evaluation__region"
    scope_org = None

    class Meta:
        verbose_name = _("评价人员")
        verbose_name_plural = _("评价人员")
        ordering = ["evaluation", "kind", "position"]
        indexes = [models.Index(fields=["kind", "organisation"]), models.Index(fields=["kind", "user"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind="agency", agency__isnull=False, expert__isnull=True)
                                   | Q(kind="expert", expert__isnull=False, agency__isnull=True),
                                   name="evaluator_one_subject"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.name}"

    @property
    def subject(self):
        return self.agency if self.kind == EvaluatorKind.AGENCY else self.expert

    def is_user(self, user):
        """True when `user` scores for this column (the expert's account; any account of the agency)."""
        if self.kind == EvaluatorKind.EXPERT:
            return self.user_id is not None and self.user_id == user.pk
        return any(g.role == Role.AGENCY and g.organisation_id == self.organisation_id for g in user.grants)


class ScoreQuerySet(ScopedQuerySet):
    """Scores: an agency user or an expert sees only its own column; everyone else sees them with the evaluation."""

    def visible_to(self, user, action=VIEW, roles=None):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self

        def per_grant(grant, act):
            if grant.role == Role.AGENCY:
                return Q(evaluator__kind=EvaluatorKind.AGENCY,
                         evaluator__organisation_id=grant.organisation_id) if grant.organisation_id else None
            if grant.role == Role.EXPERT:
                return Q(evaluator__kind=EvaluatorKind.EXPERT, evaluator__user_id=grant.user_id)
            part = evaluation_q(grant, act)
            return None if part is None else Q(evaluation_id__in=KeyEvaluation.objects.filter(part).values("pk"))

        return self.filter(_grants_q(user, action, roles, per_grant))


class EvaluatorScore(BusinessModel):
    """评价人打分: one evaluator's score of one level-3 (leaf) item, with evidence and, when far from the others,
    the reason."""

    evaluation = models.ForeignKey(KeyEvaluation, models.CASCADE, related_name="scores", verbose_name=_("重点评价"))
    evaluator = models.ForeignKey(Evaluator, models.CASCADE, related_name="scores", verbose_name=_("评价人员"))
    item_code = models.CharField(_("指标编码"), max_length=40)
    score = models.DecimalField(_("得分"), **POINTS, validators=[MinValueValidator(Decimal(0))])
    evidence = models.TextField(_("评分依据"), blank=True)
    reason = models.TextField(_("偏离说明"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("录入人"))

    objects = ScoreQuerySet.as_manager()
    scope_region = "evaluation__region"
    scope_org = None

    class Meta:
        verbose_name = _("评价人打分")
        verbose_name_plural = _("评价人打分")
        ordering = ["evaluation", "evaluator", "item_code"]
        constraints = [models.UniqueConstraint(fields=["evaluator", "item_code"], name="evaluator_score_once")]

    def __str__(self):
        return f"{self.evaluator} {self.item_code}: {self.score}"


class KeyFinding(BusinessModel):
    """评价发现的问题: category, description and the amount involved (元)."""

    evaluation = models.ForeignKey(KeyEvaluation, models.CASCADE, related_name="findings",
                                   verbose_name=_("重点评价"))
    category = models.CharField(_("问题类别"), max_length=20, choices=FindingCategory.choices)
    description = models.TextField(_("问题描述"))
    amount = models.DecimalField(_("涉及金额(元)"), **MONEY, null=True, blank=True,
                                 validators=[MinValueValidator(Decimal(0))])
    item_code = models.CharField(_("相关指标编码"), max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("记录人"))

    objects = ChildQuerySet.as_manager()
    scope_region = "evaluation__region"
    scope_org = None

    class Meta:
        verbose_name = _("评价发现问题")
        verbose_name_plural = _("评价发现问题")
        ordering = ["evaluation", "id"]

    def __str__(self):
        return self.description[:40]


class Recommendation(BusinessModel):
    """评价建议."""

    evaluation = models.ForeignKey(KeyEvaluation, models.CASCADE, related_name="recommendations",
                                   verbose_name=_("重点评价"))
    text = models.TextField(_("建议内容"))
    addressee = models.CharField(_("建议对象"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("记录人"))

    objects = ChildQuerySet.as_manager()
    scope_region = "evaluation__region"
    scope_org = None

    class Meta:
        verbose_name = _("评价建议")
        verbose_name_plural = _("评价建议")
        ordering = ["evaluation", "id"]

    def __str__(self):
        return self.text[:40]
