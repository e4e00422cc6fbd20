"""预警: what a sweep found for a project in a round (computed by `monitoring.warnings`, stored per sweep)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perfbudget.core.scopes import ScopedQuerySet

from ..choices import WarningCode, WarningLevel


class WarningSweep(models.Model):
    """预警扫描: one run of the warning rules over a round (who, when, which rule set, counts)."""

    round = models.ForeignKey("monitoring.MonitoringRound", models.CASCADE, related_name="sweeps")
    as_of = models.DateField(_("扫描基准日"))
    ruleset = models.CharField(_("所用规则集"), max_length=200, blank=True)
    projects = models.PositiveIntegerField(_("项目数"), default=0)
    red = models.PositiveIntegerField(_("红色"), default=0)
    yellow = models.PositiveIntegerField(_("黄色"), default=0)
    seconds = models.FloatField(_("耗时(秒)"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("扫描时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_region = "round__region"
    scope_org = None

    class Meta:
        verbose_name = _("预警扫描")
        verbose_name_plural = _("预警扫描")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.round} · {self.as_of}"


class MonitoringWarning(models.Model):
    """One warning on one project in one round; the latest sweep of the round replaces the previous one's.

    Derived rows written by the hundred thousand and rebuilt by every sweep: the sweep writes them from ids it
    has just read in the same transaction and the ORM cascades deletes, so the database keeps no per-row
    foreign-key triggers on them (at province scale those cost more than the rest of the commit), and only the
    two composite indexes below (they serve lookups by round and by project year).
    """

    round = models.ForeignKey("monitoring.MonitoringRound", models.CASCADE, related_name="warnings",
                              verbose_name=_("监控轮次"), db_constraint=False, db_index=False)
    sweep = models.ForeignKey(WarningSweep, models.CASCADE, related_name="warnings", db_constraint=False,
                              db_index=False)
    project_year = models.ForeignKey("projects.ProjectYear", models.CASCADE, related_name="monitoring_warnings",
                                     verbose_name=_("项目年度"), db_constraint=False, db_index=False)
    code = models.CharField(_("预警类型"), max_length=24, choices=WarningCode.choices)
    level = models.CharField(_("预警等级"), max_length=8, choices=WarningLevel.choices)
    message = models.CharField(_("预警说明"), max_length=500)
    figures = models.JSONField(_("相关数据"), default=dict, blank=True)
    indicator = models.CharField(_("相关指标"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region = "project_year__project__region"
    scope_org = "project_year__project__unit"

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["round", "project_year", "code"]
        indexes = [models.Index(fields=["round", "level"]), models.Index(fields=["project_year", "round"])]

    def __str__(self):
        return self.message
