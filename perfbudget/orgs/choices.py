"""Enumerations of the organisation model (labels in Chinese, English via translation)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    """行政区划级次."""

    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县(区)")
    STREET = "street", _("乡镇(街道)")


class OrgKind(models.TextChoices):
    """机构类型: 财政局及其科室; 主管部门及其预算单位."""

    BUREAU = "bureau", _("财政局")
    SECTION = "section", _("财政局科室")
    DEPARTMENT = "department", _("主管部门")
    UNIT = "unit", _("预算单位")
    AGENCY = "agency", _("第三方机构")
    OVERSIGHT = "oversight", _("监督机构")


class Role(models.TextChoices):
    """DOMAIN.md §2 actors. Region roles are scoped by a region; the others by an organisation node."""

    PERFORMANCE_OFFICE = "performance_office", _("财政局绩效科")
    FUNDING_SECTION = "funding_section", _("财政局业务科室")
    BUDGET_SECTION = "budget_section", _("财政局预算科")
    DEPARTMENT = "department", _("主管部门")
    UNIT = "unit", _("预算单位")
    AGENCY = "agency", _("第三方机构")
    EXPERT = "expert", _("专家")
    OVERSIGHT = "oversight", _("人大/审计/纪检")


# Roles whose grant reaches a whole region (and the regions below it, read-only).
REGION_ROLES = frozenset({Role.PERFORMANCE_OFFICE, Role.BUDGET_SECTION, Role.OVERSIGHT})
# Roles that may never write business data of the projects they see.
READ_ONLY_ROLES = frozenset({Role.OVERSIGHT})
# Finance-bureau roles (财政局).
BUREAU_ROLES = frozenset({Role.PERFORMANCE_OFFICE, Role.BUDGET_SECTION, Role.FUNDING_SECTION})
