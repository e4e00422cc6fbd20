"""One FilterSet for the key-evaluation list page, its export and the API; one for the framework list."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from perfbudget.projects.filtersets import ALL, _years

from .choices import FrameworkStatus, ObjectKind, Status, Timing
from .models import EvaluationFramework, KeyEvaluation

GRADES = [("优", _("优")), ("良", _("良")), ("中", _("中")), ("差", _("差"))]


class KeyEvaluationFilterSet(django_filters.FilterSet):
    """Filters: year, object kind, timing, status, grade; search in title, evaluated bodies and project codes."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    year = django_filters.ChoiceFilter(label=_("年度"), choices=_years, empty_label=ALL)
    object_kind = django_filters.ChoiceFilter(label=_("评价对象"), choices=ObjectKind.choices, empty_label=ALL)
    timing = django_filters.ChoiceFilter(label=_("评价时点"), choices=Timing.choices, empty_label=ALL)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices, empty_label=ALL)
    grade = django_filters.ChoiceFilter(label=_("评价等级"), choices=GRADES, empty_label=ALL)

    class Meta:
        model = KeyEvaluation
        fields = ["q", "year", "object_kind", "timing", "status", "grade"]

    def search(self, queryset, name, value):
        for term in value.split():
            matching = KeyEvaluation.objects.filter(
                Q(title__icontains=term) | Q(subjects__name__icontains=term)
                | Q(project_years__project__code__icontains=term)).values("pk")
            queryset = queryset.filter(pk__in=matching)
        return queryset


class FrameworkFilterSet(django_filters.FilterSet):
    """Filters of the framework list: kind, status; search in name and code."""
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    kind = django_filters.ChoiceFilter(label=_("适用对象"), choices=ObjectKind.choices, empty_label=ALL)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=FrameworkStatus.choices, empty_label=ALL)

    class Meta:
        model = EvaluationFramework
        fields = ["q", "kind", "status"]

    def search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(Q(name__icontains=term) | Q(code__icontains=term))
        return queryset
