"""One FilterSet for the self-evaluation list page, its export and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.utils import extend_schema_field

from perfbudget.orgs.choices import OrgKind
from perfbudget.orgs.models import Organisation
from perfbudget.projects.filtersets import ALL, _departments, _regions, _years

from .choices import Grade, SelfEvalStatus
from .models import SelfEvaluation


def _units(request):
    user = getattr(request, "user", None) if request else None
    return Organisation.objects.visible_to(user).filter(kind=OrgKind.UNIT)


class SelfEvaluationFilterSet(django_filters.FilterSet):
    """Filters: year, region (and below), department, unit, status, grade, error findings; text search."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    year = django_filters.ChoiceFilter(label=_("年度"), choices=_years, empty_label=ALL,
                                       field_name="project_year__year")
    region = extend_schema_field({"type": "string", "description": "区划代码（含其下级区划）"})(
        django_filters.ModelChoiceFilter(label=_("区划"), queryset=_regions, to_field_name="code",
                                         method="in_region", empty_label=ALL))
    department = django_filters.ModelChoiceFilter(label=_("主管部门"), queryset=_departments, to_field_name="code",
                                                  field_name="project_year__project__department", empty_label=ALL)
    unit = django_filters.ModelChoiceFilter(label=_("预算单位"), queryset=_units, to_field_name="code",
                                            field_name="project_year__project__unit", empty_label=ALL)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=SelfEvalStatus.choices, empty_label=ALL)
    grade = django_filters.ChoiceFilter(label=pgettext_lazy("grade", "等级"), choices=Grade.choices, empty_label=ALL)
    has_errors = django_filters.BooleanFilter(
        label=_("审核发现错误"), method="by_errors",
        widget=forms.Select(choices=[("", ALL), ("true", _("有错误")), ("false", _("无错误"))]))

    class Meta:
        model = SelfEvaluation
        fields = ["q", "year", "region", "department", "unit", "status", "grade", "has_errors"]

    def search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(Q(project_year__project__name__icontains=term)
                                       | Q(project_year__project__code__icontains=term)
                                       | Q(project_year__project__unit__name__icontains=term))
        return queryset

    def in_region(self, queryset, name, value):
        return queryset.filter(project_year__project__region__path__startswith=value.path)

    def by_errors(self, queryset, name, value):
        return queryset.filter(error_count__gt=0) if value else queryset.filter(error_count=0)
