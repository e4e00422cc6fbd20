"""项目库: function classification, projects (stable across years) and their yearly budgets."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from perfbudget.core.models import BusinessModel
from perfbudget.core.scopes import ScopedQuerySet

from .choices import AbcClass, BudgetType, ProjectClass, ProjectStatus

MONEY = {"max_digits": 16, "decimal_places": 2}


class FunctionClass(models.Model):
    """支出功能分类科目: 类 (3 digits), 款 (5) and 项 (7), national reference data."""

    code = models.CharField(_("科目编码"), max_length=7, primary_key=True,
                            validators=[RegexValidator(r"^\d{3}(\d{2}){0,2}$", _("科目编码应为3、5或7位数字。"))])
    name = models.CharField(_("科目名称"), max_length=100)

    class Meta:
        verbose_name = _("支出功能分类科目")
        verbose_name_plural = _("支出功能分类科目")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def level(self):
        return {3: "类", 5: "款", 7: "项"}[len(self.code)]


class Project(BusinessModel):
    """项目: one code across years, owned by a unit (预算单位) in a region."""

    code = models.CharField(_("项目编码"), max_length=40, unique=True,
                            validators=[RegexValidator(r"^[A-Za-z0-9-]+$", _("项目编码只能包含字母、数字和连字符。"))])
    name = models.CharField(_("项目名称"), max_length=200)
    unit = models.ForeignKey("orgs.Organisation", models.PROTECT, related_name="projects",
                             limit_choices_to={"kind": "unit"}, verbose_name=_("预算单位"))
    department = models.ForeignKey("orgs.Organisation", models.PROTECT, related_name="department_projects",
                                   editable=False, verbose_name=_("主管部门"))
    region = models.ForeignKey("orgs.Region", models.PROTECT, related_name="projects", editable=False,
                               verbose_name=_("区划"))
    budget_type = models.CharField(_("预算类型"), max_length=20, choices=BudgetType.choices,
                                   default=BudgetType.GENERAL)
    function_class = models.ForeignKey(FunctionClass, models.PROTECT, related_name="projects",
                                       verbose_name=_("功能分类科目"))
    project_class = models.CharField(_("项目类别"), max_length=16, choices=ProjectClass.choices,
                                     default=ProjectClass.SPECIFIC)
    special_fund = models.BooleanField(_("专项资金"), default=False)
    key_work = models.BooleanField(_("重点工作"), default=False,
                                   help_text=_("与党委政府重点工作直接相关（分级分类时列为A类）。"))
    start_year = models.PositiveSmallIntegerField(_("起始年度"))
    end_year = models.PositiveSmallIntegerField(_("终止年度"))
    description = models.TextField(_("项目概况"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region = "region"
    scope_org = "unit"

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_year__gte=models.F("start_year")),
                                   name="project_period_ordered",
                                   violation_error_message=_("终止年度不能早于起始年度。")),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if self.unit_id and self.unit.kind != "unit":
            raise ValidationError({"unit": _("项目必须属于一个预算单位。")})
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("终止年度不能早于起始年度。")})

    def save(self, *args, **kwargs):
        # Department and region follow the unit, so that every scope is one join away.
        self.department_id = self.unit.department_id
        self.region_id = self.unit.region_id
        super().save(*args, **kwargs)


class ProjectYearQuerySet(ScopedQuerySet):
    def with_related(self):
        return self.select_related("project__unit", "project__department", "project__region",
                                   "project__function_class")


class ProjectYear(BusinessModel):
    """项目年度预算: a project's budget, class and library status in one fiscal year."""

    project = models.ForeignKey(Project, models.PROTECT, related_name="years", verbose_name=_("项目"))
    year = models.PositiveSmallIntegerField(_("预算年度"))
    is_new = models.BooleanField(_("新增项目"), default=True, help_text=_("否则为延续项目。"))
    initial_budget = models.DecimalField(_("年初预算数(元)"), **MONEY, validators=[MinValueValidator(Decimal(0))])
    adjusted_budget = models.DecimalField(_("调整后预算数(元)"), **MONEY, null=True, blank=True,
                                          validators=[MinValueValidator(Decimal(0))])
    abc_class = models.CharField(_("分级分类"), max_length=1, choices=AbcClass.choices, blank=True)
    abc_computed = models.CharField(_("规则计算分类"), max_length=1, choices=AbcClass.choices, blank=True,
                                    editable=False)
    abc_override_reason = models.CharField(_("调整分类理由"), max_length=300, blank=True)
    abc_ruleset = models.CharField(_("分类所用规则集"), max_length=200, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)

    objects = ProjectYearQuerySet.as_manager()
    scope_region = "project__region"
    scope_org = "project__unit"

    class Meta:
        verbose_name = _("项目年度预算")
        verbose_name_plural = _("项目年度预算")
        ordering = ["-year", "project__code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="projectyear_unique",
                                    violation_error_message=_("该项目在该年度已入库。")),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return f"{self.project} ({self.year})"

    @property
    def budget(self):
        """The full-year budget: adjusted when there is one, else the initial budget."""
        return self.adjusted_budget if self.adjusted_budget is not None else self.initial_budget

    @property
    def abc_overridden(self):
        return bool(self.abc_computed) and self.abc_class != self.abc_computed

    def clean(self):
        if self.abc_overridden and not self.abc_override_reason.strip():
            raise ValidationError({"abc_override_reason": _("调整分级分类必须说明理由。")})
