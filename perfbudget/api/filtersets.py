"""Filters of the region and organisation lists (the project list uses `projects.filtersets.ProjectYearFilterSet`).

They belong next to their models in `orgs/filtersets.py` once the organisation pages need them too.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from perfbudget.orgs.choices import OrgKind, RegionLevel
from perfbudget.orgs.models import Organisation, Region


def _search(queryset, value, *fields):
    """Every whitespace-separated term must match one of `fields` (case-insensitive substring)."""
    for term in value.split():
        q = Q()
        for field in fields:
            q |= Q(**{f"{field}__icontains": term})
        queryset = queryset.filter(q)
    return queryset


class RegionFilterSet(django_filters.FilterSet):
    """Regions by level, parent region code, or text."""

    q = django_filters.CharFilter(label=_("搜索"), method="search", help_text=_("按名称或区划代码搜索。"))
    level = django_filters.ChoiceFilter(label=_("级次"), choices=RegionLevel.choices)
    parent = django_filters.CharFilter(label=_("上级区划代码"), field_name="parent__code")

    class Meta:
        model = Region
        fields = ["q", "level", "parent"]

    def search(self, queryset, name, value: str):
        return _search(queryset, value, "name", "code")


class OrganisationFilterSet(django_filters.FilterSet):
    """Organisations by kind, region (and the regions below), department, parent, or text."""

    q = django_filters.CharFilter(label=_("搜索"), method="search", help_text=_("按名称或机构代码搜索。"))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=OrgKind.choices)
    region = django_filters.CharFilter(label=_("区划代码"), method="in_region",
                                       help_text=_("该区划及其下级区划的机构。"))
    department = django_filters.CharFilter(label=_("主管部门代码"), field_name="department__code",
                                           help_text=_("该主管部门及其预算单位。"))
    parent = django_filters.CharFilter(label=_("上级机构代码"), field_name="parent__code")
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "region", "department", "parent", "is_active"]

    def search(self, queryset, name, value: str):
        return _search(queryset, value, "name", "code")

    def in_region(self, queryset, name, value: str):
        # A region's path lists the codes of its ancestors and its own, so this is "the region or one below it".
        return queryset.filter(region__path__contains=f"/{value.strip()}/")
