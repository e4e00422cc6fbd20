"""One FilterSet for the project list page, its export and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from perfbudget.orgs.choices import OrgKind
from perfbudget.orgs.models import Organisation, Region, year_choices

from .choices import AbcClass, BudgetType, ProjectClass, ProjectStatus
from .models import ProjectYear

ALL = _("全部")


def _years():
    return year_choices()


def _regions(request):
    return Region.objects.visible_to(getattr(request, "user", None)) if request else Region.objects.none()


def _departments(request):
    user = getattr(request, "user", None) if request else None
    return Organisation.objects.visible_to(user).filter(kind=OrgKind.DEPARTMENT)


class ProjectYearFilterSet(django_filters.FilterSet):
    """Filters: year, region (and the regions below), department, budget type, class, status; text search."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    year = django_filters.ChoiceFilter(label=_("年度"), choices=_years, empty_label=ALL)
    # A method filter: the schema is told its type (a region code, the regions below included).
    region = extend_schema_field({"type": "string", "description": "区划代码（含其下级区划）"})(
        django_filters.ModelChoiceFilter(label=_("区划"), queryset=_regions, to_field_name="code",
                                         method="in_region", empty_label=ALL))
    region_only = django_filters.BooleanFilter(label=_("仅本级"), method="noop",
                                               widget=forms.CheckboxInput,
                                               help_text=_("只看所选区划本级，不含下级区划。"))
    department = django_filters.ModelChoiceFilter(label=_("主管部门"), queryset=_departments, to_field_name="code",
                                                  field_name="project__department", empty_label=ALL)
    budget_type = django_filters.ChoiceFilter(label=_("预算类型"), choices=BudgetType.choices,
                                              field_name="project__budget_type", empty_label=ALL)
    project_class = django_filters.ChoiceFilter(label=_("项目类别"), choices=ProjectClass.choices,
                                                field_name="project__project_class", empty_label=ALL)
    abc_class = django_filters.ChoiceFilter(label=_("分级分类"), choices=AbcClass.choices, empty_label=ALL)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ProjectStatus.choices, empty_label=ALL)
    function_code = django_filters.CharFilter(label=_("功能科目"), field_name="project__function_class__code",
                                              lookup_expr="startswith")
    special_fund = django_filters.BooleanFilter(label=_("专项资金"), field_name="project__special_fund")

    class Meta:
        model = ProjectYear
        fields = ["q", "year", "region", "department", "budget_type", "project_class", "abc_class", "status"]

    def search(self, queryset, name, value):
        """Full-text search on name and code (every whitespace-separated term must match)."""
        for term in value.split():
            queryset = queryset.filter(Q(project__name__icontains=term) | Q(project__code__icontains=term))
        return queryset

    def in_region(self, queryset, name, value):
        if self.form.cleaned_data.get("region_only"):
            return queryset.filter(project__region=value)
        return queryset.filter(project__region__path__startswith=value.path)

    def noop(self, queryset, name, value):
        return queryset  # read by in_region
