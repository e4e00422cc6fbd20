"""Regions, fiscal years, organisations, users and role grants: the ground every scope stands on."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from perfbudget.core.models import BusinessModel
from perfbudget.core.scopes import ScopedQuerySet

from .choices import OrgKind, RegionLevel, Role


class Region(BusinessModel):
    """行政区划: a tree keyed by administrative-division codes, with a materialised path."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级次"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("上级区划"))
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_region = ""  # the region itself

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["path"]
        # Scope filters are prefix tests (path LIKE '/64/6403/%'); on PostgreSQL only a pattern-ops index
        # serves them under a non-C collation. Other databases ignore the opclass.
        indexes = [models.Index(fields=["path"], name="region_path_prefix", opclasses=["varchar_pattern_ops"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        super().save(*args, **kwargs)

    @property
    def depth(self):
        return self.path.count("/") - 1

    def ancestors(self, include_self=True):
        """Regions from the root down to this one."""
        codes = [c for c in self.path.split("/") if c]
        if not include_self:
            codes = codes[:-1]
        by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]


def year_label(year):
    """"2025年" in Chinese, "FY 2025" in English."""
    return _("%(year)s年") % {"year": year}


def year_choices():
    return [(y, year_label(y)) for y in FiscalYear.objects.values_list("year", flat=True)]


class FiscalYear(BusinessModel):
    """预算年度."""

    class Status(models.TextChoices):
        PLANNING = "planning", _("编制中")
        OPEN = "open", _("执行中")
        CLOSED = "closed", _("已结转")

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)

    class Meta:
        verbose_name = _("预算年度")
        verbose_name_plural = _("预算年度")
        ordering = ["-year"]

    def __str__(self):
        return year_label(self.year)


class Organisation(BusinessModel):
    """机构: finance bureaus and their sections; departments (主管部门) and their units (预算单位)."""

    code = models.CharField(_("机构代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=OrgKind.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="organisations", verbose_name=_("所属区划"))
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("上级机构"))
    department = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="department_members", editable=False,
        verbose_name=_("主管部门"), help_text=_("Departments point to themselves, units to their department."),
    )
    funding_section = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="overseen_departments",
        limit_choices_to={"kind": OrgKind.SECTION}, verbose_name=_("归口业务科室"),
    )
    path = models.CharField(_("路径"), max_length=400, unique=True, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_region = "region"
    scope_org = ""  # the organisation itself

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["region__path", "path"]
        indexes = [models.Index(fields=["path"], name="organisation_path_prefix", opclasses=["varchar_pattern_ops"])]

    def __str__(self):
        return self.name

    @property
    def full_name(self):
        """The name as a reader needs it: a bureau's section with its bureau in front (绩效科 → 吴忠市财政局绩效科),
        every other organisation by its own name. Select `parent` with it in lists."""
        parent = self.parent if self.kind == OrgKind.SECTION and self.parent_id else None
        if parent is None or self.name.startswith(parent.name):
            return self.name
        return f"{parent.name}{self.name}"

    def clean(self):
        if self.kind == OrgKind.UNIT and (not self.parent_id or self.parent.kind not in (OrgKind.DEPARTMENT,
                                                                                           OrgKind.UNIT)):
            raise ValidationError({"parent": _("预算单位必须隶属于一个主管部门。")})
        if self.kind == OrgKind.SECTION and (not self.parent_id or self.parent.kind != OrgKind.BUREAU):
            raise ValidationError({"parent": _("财政局科室必须隶属于财政局。")})
        if self.parent_id and self.parent.region_id != self.region_id and self.kind != OrgKind.UNIT:
            raise ValidationError({"region": _("下级机构应与上级机构在同一区划。")})

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        if self.kind == OrgKind.DEPARTMENT:
            self.department = None if not self.pk else self
        elif self.kind == OrgKind.UNIT and self.parent_id:
            self.department = self.parent if self.parent.kind == OrgKind.DEPARTMENT else self.parent.department
        super().save(*args, **kwargs)
        if self.kind == OrgKind.DEPARTMENT and self.department_id != self.pk:
            Organisation.objects.filter(pk=self.pk).update(department=self)
            self.department_id = self.pk


class User(AbstractUser):
    """系统用户. What a user may see and do comes from its role grants."""

    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.username

    @cached_property
    def grants(self):
        """The user's role grants with their region and organisation, loaded once per request."""
        return list(self.role_grants.select_related("region", "organisation__region", "organisation__department"))

    def has_role(self, *roles):
        return self.is_superuser or any(g.role in roles for g in self.grants)

    @property
    def role_labels(self):
        return "、".join(f"{g.get_role_display()}({g.scope_node})" for g in self.grants)


class RoleGrant(BusinessModel):
    """角色授权: one role for one user, scoped to a region or an organisation node."""

    user = models.ForeignKey(User, models.CASCADE, related_name="role_grants", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="grants",
                               verbose_name=_("授权区划"))
    organisation = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, related_name="grants",
                                     verbose_name=_("授权机构"))

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(region__isnull=False) | models.Q(organisation__isnull=False),
                name="rolegrant_has_scope",
                violation_error_message=_("授权必须指定区划或机构。"),
            ),
            models.UniqueConstraint(fields=["user", "role", "region", "organisation"], name="rolegrant_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.scope_node}"

    @property
    def scope_node(self):
        return self.organisation or self.region

    @property
    def effective_region(self):
        """The region the grant acts in: its own, or its organisation's."""
        return self.region if self.region_id else self.organisation.region
