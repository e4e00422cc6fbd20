"""指标库: categories (大类/小类) and versioned level-three indicator entries, national or regional."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from perfbudget.core.models import BusinessModel
from perfbudget.core.scopes import CHANGE, ScopedQuerySet

from .choices import Basis, Comparator, EntryStatus, ValueKind


class IndicatorCategory(models.Model):
    """指标分类: a 大类 (no parent) or a 小类 under it, with the function codes it serves."""

    code = models.CharField(_("分类编码"), max_length=10, unique=True)
    name = models.CharField(_("分类名称"), max_length=50)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("所属大类"))
    function_codes = models.CharField(_("适用功能分类科目"), max_length=300, blank=True,
                                      help_text=_("以空格分隔的科目编码前缀，如 205 20502。"))
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("指标分类")
        verbose_name_plural = _("指标分类")
        ordering = ["sort", "code"]

    def __str__(self):
        return f"{self.parent.name}/{self.name}" if self.parent_id else self.name


def ancestor_paths(path):
    """'/64/6403/640323/' → ['/64/', '/64/6403/', '/64/6403/640323/']."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


class IndicatorQuerySet(ScopedQuerySet):
    """Everyone sees the national entries and those of their region's ancestors (read-only below);
    finance-bureau staff also see the entries of the regions below them; only the 绩效科 of the owning
    region may change an entry."""

    def visible_to(self, user, action="view", roles=None):
        from perfbudget.orgs.choices import REGION_ROLES, Role

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        q = Q(pk__in=[])
        for grant in user.grants:
            if roles is not None and grant.role not in roles:
                continue
            region = grant.effective_region
            if region is None:
                continue
            if action == CHANGE:
                if grant.role == Role.PERFORMANCE_OFFICE:
                    q |= Q(owner_region=region)
                continue
            q |= Q(owner_region__isnull=True) | Q(owner_region__path__in=ancestor_paths(region.path))
            if grant.role in REGION_ROLES:
                q |= Q(owner_region__path__startswith=region.path)
        return self.filter(q)

    def current(self):
        return self.filter(is_current=True)

    def active(self):
        return self.filter(is_current=True, status=EntryStatus.ACTIVE)


class IndicatorEntry(BusinessModel):
    """A level-three indicator of the library. Revising writes a new version; the old one is kept."""

    code = models.CharField(_("指标编码"), max_length=40)
    version = models.PositiveSmallIntegerField(_("版本号"), default=1)
    is_current = models.BooleanField(_("现行版本"), default=True, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.ACTIVE)
    owner_region = models.ForeignKey("orgs.Region", models.PROTECT, null=True, blank=True,
                                     related_name="indicator_entries", verbose_name=_("维护区划"),
                                     help_text=_("为空表示系统内置（全国通用）指标。"))
    category = models.ForeignKey(IndicatorCategory, models.PROTECT, related_name="entries",
                                 verbose_name=_("指标分类"))
    is_common = models.BooleanField(_("共性指标"), default=False)
    level1 = models.CharField(_("一级指标"), max_length=20)
    level2 = models.CharField(_("二级指标"), max_length=20)
    name = models.CharField(_("三级指标名称"), max_length=100)
    definition = models.TextField(_("指标解释"), blank=True)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    direction = models.CharField(_("指标方向"), max_length=8, choices=Comparator.choices, default=Comparator.GE)
    value_kind = models.CharField(_("指标性质"), max_length=14, choices=ValueKind.choices,
                                  default=ValueKind.QUANTITATIVE)
    formula = models.CharField(_("计算公式或数据来源"), max_length=300, blank=True)
    basis = models.CharField(_("建议设定依据"), max_length=10, choices=Basis.choices, default=Basis.PLAN)
    suggested_target = models.CharField(_("建议指标值"), max_length=50, blank=True)
    range_low = models.DecimalField(_("参考值下限"), max_digits=18, decimal_places=4, null=True, blank=True)
    range_high = models.DecimalField(_("参考值上限"), max_digits=18, decimal_places=4, null=True, blank=True)
    sectors = models.CharField(_("适用行业领域"), max_length=200, blank=True)
    function_codes = models.CharField(_("适用功能分类科目"), max_length=300, blank=True)
    pinyin = models.CharField(_("拼音首字母"), max_length=100, blank=True, editable=False, db_index=True)
    revision_note = models.CharField(_("修订说明"), max_length=300, blank=True)

    objects = IndicatorQuerySet.as_manager()
    scope_region = "owner_region"
    scope_org = None

    class Meta:
        verbose_name = _("指标库指标")
        verbose_name_plural = _("指标库指标")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="indicator_code_version_unique",
                                    violation_error_message=_("该指标编码的此版本已存在。")),
            models.UniqueConstraint(fields=["code"], condition=Q(is_current=True), name="indicator_one_current",
                                    violation_error_message=_("一个指标编码只能有一个现行版本。")),
        ]
        indexes = [models.Index(fields=["is_current", "status", "category"])]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_national(self):
        return self.owner_region_id is None

    def save(self, *args, **kwargs):
        from .search import initials

        self.pinyin = initials(self.name)
        super().save(*args, **kwargs)
