"""One FilterSet for the goal list page, its export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from perfbudget.projects.filtersets import ALL, _departments, _regions, _years

from .choices import GoalKind, GoalStatus
from .models import Goal


class GoalFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    year = django_filters.ChoiceFilter(label=_("年度"), choices=_years, empty_label=ALL,
                                       field_name="project_year__year")
    region = extend_schema_field({"type": "string", "description": "区划代码（含其下级区划）"})(
        django_filters.ModelChoiceFilter(label=_("区划"), queryset=_regions, to_field_name="code",
                                         method="in_region", empty_label=ALL))
    department = django_filters.ModelChoiceFilter(label=_("主管部门"), queryset=_departments, to_field_name="code",
                                                  field_name="project_year__project__department", empty_label=ALL)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=GoalStatus.choices, empty_label=ALL)
    kind = django_filters.ChoiceFilter(label=_("申报类型"), choices=GoalKind.choices, empty_label=ALL)
    project_year = django_filters.NumberFilter(label=_("项目年度"), field_name="project_year_id")

    class Meta:
        model = Goal
        fields = ["q", "year", "region", "department", "status", "kind"]

    def search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(Q(project_year__project__name__icontains=term)
                                       | Q(project_year__project__code__icontains=term)
                                       | Q(project_year__project__unit__name__icontains=term))
        return queryset

    def in_region(self, queryset, name, value):
        return queryset.filter(project_year__project__region__path__startswith=value.path)
