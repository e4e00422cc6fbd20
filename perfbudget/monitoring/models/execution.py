"""预算执行数据: monthly payments per project year, imported from the treasury (国库) systems.

Rows arrive by the million, so they are plain fact rows (no row version, no per-row change log): every
import is an `ExecutionBatch` (who, when, which file, counts) and every figure it replaced is an
`ExecutionChange` (before/after), both written set-based by the importer.
"""

from django.conf import settings
from django.db import models
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


class ExecutionRecord(models.Model):
    """One month's payments (支付数, 元, not cumulative) of one project year."""

    # Bulk-loaded fact rows: the loader resolves project years inside its transaction and the ORM cascades
    # deletes, so the database keeps no per-row foreign-key triggers (they cost more than the load itself);
    # the unique (project_year, month) index serves lookups by project year.
    project_year = models.ForeignKey("projects.ProjectYear", models.CASCADE, related_name="execution",
                                     verbose_name=_("项目年度"), db_constraint=False, db_index=False)
    month = models.PositiveSmallIntegerField(_("月份"))
    paid_amount = models.DecimalField(_("支付金额(元)"), **MONEY)
    budget_type = models.CharField(_("预算类型"), max_length=20, blank=True)
    function_code = models.CharField(_("功能分类科目"), max_length=7, blank=True)
    source = models.CharField(_("数据来源"), max_length=50, blank=True)
    batch = models.ForeignKey(ExecutionBatch, models.SET_NULL, null=True, blank=True, related_name="records",
                              verbose_name=_("导入批次"), db_constraint=False, db_index=False)

    objects = ScopedQuerySet.as_manager()
    scope_region = "project_year__project__region"
    scope_org = "project_year__project__unit"

    class Meta:
        verbose_name = _("预算执行数据")
        verbose_name_plural = _("预算执行数据")
        ordering = ["project_year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project_year", "month"], name="execution_month_unique"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="execution_month_range"),
        ]

    def __str__(self):
        return f"{self.project_year_id}/{self.month}: {self.paid_amount}"


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
