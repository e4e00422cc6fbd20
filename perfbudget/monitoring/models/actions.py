"""处置 and 负面清单: what the bureau did about a warned project, and who is kept out of support."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perfbudget.core.models import BusinessModel
from perfbudget.core.scopes import ScopedQuerySet

from ..choices import ActionKind, ListingSource, ListingSubject

MONEY = {"max_digits": 16, "decimal_places": 2}


class MonitoringAction(BusinessModel):
    """处置措施: urge (a to-do with a deadline), adjust goal and budget, or suspend / reduce / stop payment."""

    project_year = models.ForeignKey("projects.ProjectYear", models.PROTECT, related_name="monitoring_actions",
                                     verbose_name=_("项目年度"))
    round = models.ForeignKey("monitoring.MonitoringRound", models.PROTECT, null=True, blank=True,
                              related_name="actions", verbose_name=_("监控轮次"))
    kind = models.CharField(_("处置方式"), max_length=10, choices=ActionKind.choices)
    amount = models.DecimalField(_("涉及金额(元)"), **MONEY, null=True, blank=True,
                                 validators=[MinValueValidator(Decimal(0))])
    reason = models.TextField(_("理由"))
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    budget_before = models.DecimalField(_("处置前全年预算数(元)"), **MONEY, null=True, blank=True, editable=False)
    budget_after = models.DecimalField(_("处置后全年预算数(元)"), **MONEY, null=True, blank=True, editable=False)
    goal = models.ForeignKey("goals.Goal", models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("目标调整"))
    warning_codes = models.JSONField(_("针对的预警"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("处置人"))
    response = models.TextField(_("整改反馈"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region = "project_year__project__region"
    scope_org = "project_year__project__unit"

    class Meta:
        verbose_name = _("监控处置")
        verbose_name_plural = _("监控处置")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.project_year}"


class NegativeListQuerySet(ScopedQuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(lifted_at__isnull=True, listed_on__lte=on).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on))

    def touching(self, project=None, unit=None):
        """Entries on the project itself or on its unit (a listed unit keeps all its projects out)."""
        q = Q(pk__in=[])
        if project is not None:
            q |= Q(project=project) | Q(unit_id=project.unit_id, subject=ListingSubject.UNIT)
        if unit is not None:
            q |= Q(unit=unit, subject=ListingSubject.UNIT)
        return self.filter(q)


class NegativeListEntry(BusinessModel):
    """负面清单: a project or unit kept out of support for a while, with reason, source and expiry."""

    subject = models.CharField(_("对象类型"), max_length=10, choices=ListingSubject.choices)
    project = models.ForeignKey("projects.Project", models.PROTECT, null=True, blank=True,
                                related_name="negative_listings", verbose_name=_("项目"))
    unit = models.ForeignKey("orgs.Organisation", models.PROTECT, related_name="negative_listings",
                             verbose_name=_("单位"))
    region = models.ForeignKey("orgs.Region", models.PROTECT, related_name="+", verbose_name=_("列入区划"))
    reason = models.TextField(_("列入理由"))
    source = models.CharField(_("来源"), max_length=12, choices=ListingSource.choices)
    source_detail = models.CharField(_("来源说明"), max_length=300, blank=True)
    action = models.ForeignKey(MonitoringAction, models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("相关处置"))
    listed_on = models.DateField(_("列入日期"), default=timezone.localdate)
    expires_on = models.DateField(_("到期日期"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    lifted_reason = models.CharField(_("移出理由"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("列入人"))

    objects = NegativeListQuerySet.as_manager()
    scope_region = "unit__region"
    scope_org = "unit"

    class Meta:
        verbose_name = _("负面清单")
        verbose_name_plural = _("负面清单")
        ordering = ["-listed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(subject="project") | Q(project__isnull=False),
                                   name="negative_project_subject_has_project",
                                   violation_error_message=_("列入对象为项目时必须指定项目。")),
        ]

    def __str__(self):
        who = self.project if self.project_id else self.unit
        return f"负面清单：{who}"

    @property
    def is_active(self):
        today = timezone.localdate()
        return self.lifted_at is None and self.listed_on <= today and (
            self.expires_on is None or self.expires_on >= today)
