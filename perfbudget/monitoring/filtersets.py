"""FilterSets of the monitoring pages and the API: the page sets, and API sets that add the id and code filters a
client needs (the page narrows by round through its URL)."""

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perfbudget.projects.filtersets import ALL, _departments, _years

from .choices import ActionKind, FormStatus, ListingSource, ListingSubject, RoundStatus, WarningCode, WarningLevel
from .models import MonitoringAction, MonitoringForm, MonitoringRound, MonitoringWarning, NegativeListEntry


def yes_no(yes, no):
    """A true/false filter shown as 全部 / `yes` / `no` (the default select says 未知 for "any")."""
    return forms.Select(choices=[("", ALL), ("true", yes), ("false", no)])


LEVELS = [(WarningLevel.RED, WarningLevel.RED.label), (WarningLevel.YELLOW, WarningLevel.YELLOW.label),
          (WarningLevel.GREEN, WarningLevel.GREEN.label)]


def _search_projects(prefix):
    def search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(Q(**{f"{prefix}__name__icontains": term})
                                       | Q(**{f"{prefix}__code__icontains": term})
                                       | Q(**{f"{prefix}__unit__name__icontains": term}))
        return queryset
    return search


class FormFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    department = django_filters.ModelChoiceFilter(label=_("主管部门"), queryset=_departments, to_field_name="code",
                                                  field_name="project_year__project__department", empty_label=ALL)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=FormStatus.choices, empty_label=ALL)
    level = django_filters.ChoiceFilter(label=_("预警等级"), choices=LEVELS, empty_label=ALL, method="by_level")
    late = django_filters.BooleanFilter(label=_("逾期"), method="by_late", widget=yes_no(_("逾期"), _("未逾期")))

    class Meta:
        model = MonitoringForm
        fields = ["q", "department", "status", "level", "late"]

    search = _search_projects("project_year__project")

    def by_level(self, queryset, name, value):
        if value == WarningLevel.GREEN:
            return queryset.filter(Q(level=WarningLevel.GREEN) | Q(level=""))
        return queryset.filter(level=value)

    def by_late(self, queryset, name, value):
        today = timezone.localdate()
        late = Q(submitted_at__isnull=True, due_on__lt=today) | Q(submitted_at__date__gt=F("due_on"))
        return queryset.filter(late) if value else queryset.exclude(late)


class WarningFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    level = django_filters.ChoiceFilter(label=_("预警等级"), choices=LEVELS[:2], empty_label=ALL)
    code = django_filters.ChoiceFilter(label=_("预警类型"), choices=WarningCode.choices, empty_label=ALL)
    department = django_filters.ModelChoiceFilter(label=_("主管部门"), queryset=_departments, to_field_name="code",
                                                  field_name="project_year__project__department", empty_label=ALL)

    class Meta:
        model = MonitoringWarning
        fields = ["q", "level", "code", "department"]

    search = _search_projects("project_year__project")


class ActionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    year = django_filters.ChoiceFilter(label=_("年度"), choices=_years, empty_label=ALL,
                                       field_name="project_year__year")
    kind = django_filters.ChoiceFilter(label=_("处置方式"), choices=ActionKind.choices, empty_label=ALL)
    department = django_filters.ModelChoiceFilter(label=_("主管部门"), queryset=_departments, to_field_name="code",
                                                  field_name="project_year__project__department", empty_label=ALL)

    class Meta:
        model = MonitoringAction
        fields = ["q", "year", "kind", "department"]

    search = _search_projects("project_year__project")


class NegativeListFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    subject = django_filters.ChoiceFilter(label=_("对象类型"), choices=ListingSubject.choices, empty_label=ALL)
    source = django_filters.ChoiceFilter(label=_("来源"), choices=ListingSource.choices, empty_label=ALL)
    active = django_filters.BooleanFilter(label=_("状态"), method="by_active",
                                          widget=yes_no(_("有效"), _("已移出或到期")))

    class Meta:
        model = NegativeListEntry
        fields = ["q", "subject", "source", "active"]

    def search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(Q(project__name__icontains=term) | Q(project__code__icontains=term)
                                       | Q(unit__name__icontains=term) | Q(reason__icontains=term))
        return queryset

    def by_active(self, queryset, name, value):
        active = queryset.model.objects.active().values("pk")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)


# --- the API's sets: the page's filters plus ids and codes ---------------------------------------------------

class RoundFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("年度"))
    region = django_filters.CharFilter(label=_("区划代码"), method="in_region",
                                       help_text=_("该区划及其下级区划的轮次。"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RoundStatus.choices)

    class Meta:
        model = MonitoringRound
        fields = ["year", "region", "status"]

    def in_region(self, queryset, name, value):
        return queryset.filter(region__path__contains=f"/{value.strip()}/")


class FormApiFilterSet(FormFilterSet):
    round = django_filters.NumberFilter(label=_("监控轮次编号"), field_name="round")
    year = django_filters.NumberFilter(label=_("年度"), field_name="round__year")
    unit = django_filters.CharFilter(label=_("预算单位代码"), field_name="project_year__project__unit__code")

    class Meta(FormFilterSet.Meta):
        fields = [*FormFilterSet.Meta.fields, "round", "year", "unit"]


class WarningApiFilterSet(WarningFilterSet):
    round = django_filters.NumberFilter(label=_("监控轮次编号"), field_name="round")
    year = django_filters.NumberFilter(label=_("年度"), field_name="round__year")
    project_year = django_filters.NumberFilter(label=_("项目年度编号"), field_name="project_year")

    class Meta(WarningFilterSet.Meta):
        fields = [*WarningFilterSet.Meta.fields, "round", "year", "project_year"]


class NegativeListApiFilterSet(NegativeListFilterSet):
    unit = django_filters.CharFilter(label=_("单位代码"), field_name="unit__code")
    project = django_filters.CharFilter(label=_("项目代码"), field_name="project__code")

    class Meta(NegativeListFilterSet.Meta):
        fields = [*NegativeListFilterSet.Meta.fields, "unit", "project"]
