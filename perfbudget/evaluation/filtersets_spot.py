"""FilterSets of 抽评: batches (list page, export, API) and items (the batch page's comparison table)."""

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from perfbudget.projects.filtersets import ALL, _departments, _regions, _years

from .choices import Grade
from .models_spot import SpotCheck, SpotCheckItem, SpotCheckStatus


class SpotCheckFilterSet(django_filters.FilterSet):
    """Filters: year, region (and below), status; text search on the region and the conclusion."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    year = django_filters.ChoiceFilter(label=_("年度"), choices=_years, empty_label=ALL)
    region = extend_schema_field({"type": "string", "description": "区划代码（含其下级区划）"})(
        django_filters.ModelChoiceFilter(label=_("区划"), queryset=_regions, to_field_name="code",
                                         method="in_region", empty_label=ALL))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=SpotCheckStatus.choices, empty_label=ALL)

    class Meta:
        model = SpotCheck
        fields = ["q", "year", "region", "status"]

    def search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(Q(region__name__icontains=term) | Q(region__code__icontains=term)
                                       | Q(conclusion__icontains=term))
        return queryset

    def in_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)


class SpotCheckItemFilterSet(django_filters.FilterSet):
    """Filters of a batch's items: department, grade change, agreement, text search on project and unit."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    department = django_filters.ModelChoiceFilter(label=_("主管部门"), queryset=_departments, to_field_name="code",
                                                  field_name="self_evaluation__project_year__project__department",
                                                  empty_label=ALL)
    review_grade = django_filters.ChoiceFilter(label=_("复核等级"), choices=Grade.choices, empty_label=ALL)
    grade_changed = django_filters.BooleanFilter(
        label=_("等级变化"), method="by_grade_change",
        widget=forms.Select(choices=[("", ALL), ("true", _("等级有变化")), ("false", _("等级无变化"))]))
    agreed = django_filters.BooleanFilter(
        label=_("单位是否认可"),
        widget=forms.Select(choices=[("", ALL), ("true", _("认可")), ("false", _("不认可"))]))

    class Meta:
        model = SpotCheckItem
        fields = ["q", "department", "review_grade", "grade_changed", "agreed"]

    def search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(Q(self_evaluation__project_year__project__name__icontains=term)
                                       | Q(self_evaluation__project_year__project__code__icontains=term)
                                       | Q(self_evaluation__project_year__project__unit__name__icontains=term))
        return queryset

    def by_grade_change(self, queryset, name, value):
        changed = Q(review_grade__gt="") & ~Q(review_grade=F("self_grade"))
        return queryset.filter(changed) if value else queryset.exclude(changed)
