"""预算执行数据: monthly payments per project year, imported from the treasury (国库) systems.

Files arrive with millions of month rows; they are kept as one row per project year (twelve month columns) with no
row version and no per-row change log: every import is an `ExecutionBatch` (who, when, which file, counts) and
every figure it replaced is an `ExecutionChange` (before/after), both written set-based by the importer.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perfbudget.core.scopes import ScopedQuerySet

MONEY = {"max_digits": 16, "decimal_places": 2}


class ExecutionBatch(models.Model):
    """导入批次: one loaded execution file."""

    filename = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件摘要"), max_length=64, db_index=True)
    encoding = models.CharField(_("编码"), max_length=20, blank=True)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更正"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    region = models.ForeignKey("orgs.Region", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("导入区划"))
    job = models.ForeignKey("core.Job", models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+",
                                   verbose_name=_("导入人"))
    created_at = models.DateTimeField(_("导入时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_region = "region"
    scope_org = None

    class Meta:
        verbose_name = _("执行数据导入批次")
        verbose_name_plural = _("执行数据导入批次")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"


MONTH_FIELDS = tuple(f"m{m:02d}" for m in range(1, 13))


class ExecutionYear(models.Model):
    """One project year's payments (支付数, 元, not cumulative), one column per month (NULL: no figure yet).

    A file holds one row per month; the loader folds them into this one row per project year, which is what every
    reader wants (a form's execution to date, a sweep's monthly series, a similar-project pattern) and twelve times
    fewer rows to write and index. The optional columns of the file describe the project year: the values of the
    latest month in the file win.
    """

    # Bulk-loaded: the loader resolves project years inside its transaction and the ORM cascades deletes, so the
    # database keeps no foreign-key trigger; the project year is the primary key (one index).
    project_year = models.OneToOneField("projects.ProjectYear", models.CASCADE, primary_key=True,
                                        related_name="execution", verbose_name=_("项目年度"), db_constraint=False)
    m01 = models.DecimalField(_("1月支付金额(元)"), **MONEY, null=True, blank=True)
    m02 = models.DecimalField(_("2月支付金额(元)"), **MONEY, null=True, blank=True)
    m03 = models.DecimalField(_("3月支付金额(元)"), **MONEY, null=True, blank=True)
    m04 = models.DecimalField(_("4月支付金额(元)"), **MONEY, null=True, blank=True)
    m05 = models.DecimalField(_("5月支付金额(元)"), **MONEY, null=True, blank=True)
    m06 = models.DecimalField(_("6月支付金额(元)"), **MONEY, null=True, blank=True)
    m07 = models.DecimalField(_("7月支付金额(元)"), **MONEY, null=True, blank=True)
    m08 = models.DecimalField(_("8月支付金额(元)"), **MONEY, null=True, blank=True)
    m09 = models.DecimalField(_("9月支付金额(元)"), **MONEY, null=True, blank=True)
    m10 = models.DecimalField(_("10月支付金额(元)"), **MONEY, null=True, blank=True)
    m11 = models.DecimalField(_("11月支付金额(元)"), **MONEY, null=True, blank=True)
    m12 = models.DecimalField(_("12月支付金额(元)"), **MONEY, null=True, blank=True)
    budget_type = models.CharField(_("预算类型"), max_length=20, blank=True)
    function_code = models.CharField(_("功能分类科目"), max_length=7, blank=True)
    source = models.CharField(_("数据来源"), max_length=50, blank=True)
    batch = models.ForeignKey(ExecutionBatch, models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("最近导入批次"), db_constraint=False, db_index=False)

    objects = ScopedQuerySet.as_manager()
    scope_region = "project_year__project__region"
    scope_org = "project_year__project__unit"

    class Meta:
        verbose_name = _("预算执行数据")
        verbose_name_plural = _("预算执行数据")
        ordering = ["project_year"]

    def __str__(self):
        return f"{self.project_year_id}: {self.total()}"

    def months(self) -> list:
        """The twelve monthly figures (None where there is none)."""
        return [getattr(self, f) for f in MONTH_FIELDS]

    def total(self, through_month: int = 12) -> Decimal:
        """Payments of months 1..through_month."""
        return sum((v for v in self.months()[:through_month] if v is not None), Decimal(0))


def paid_through(field_prefix: str = "", through_month: int = 12):
    """An ORM expression: the payments of months 1..through_month of an `ExecutionYear` reached through
    `field_prefix` (e.g. "execution__" from a ProjectYear); 0 where there are none."""
    money = models.DecimalField(max_digits=18, decimal_places=2)
    terms = [Coalesce(f"{field_prefix}{f}", Value(Decimal(0)), output_field=money)
             for f in MONTH_FIELDS[:through_month]]
    expression = terms[0]
    for term in terms[1:]:
        expression = expression + term
    return models.ExpressionWrapper(expression, output_field=money)


class ExecutionChange(models.Model):
    """A figure an import replaced (a corrected month): the change log of execution data."""

    batch = models.ForeignKey(ExecutionBatch, models.CASCADE, related_name="changes")
    project_year = models.ForeignKey("projects.ProjectYear", models.CASCADE, related_name="+", db_constraint=False)
    month = models.PositiveSmallIntegerField(_("月份"))
    before = models.DecimalField(_("原金额(元)"), **MONEY, null=True)
    after = models.DecimalField(_("新金额(元)"), **MONEY)

    objects = ScopedQuerySet.as_manager()
    scope_region = "project_year__project__region"
    scope_org = "project_year__project__unit"

    class Meta:
        verbose_name = _("执行数据更正记录")
        verbose_name_plural = _("执行数据更正记录")
        ordering = ["batch", "project_year", "month"]

    def __str__(self):
        return f"{self.project_year_id}/{self.month}: {self.before} → {self.after}"
