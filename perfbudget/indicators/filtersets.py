"""One FilterSet for the library page, its export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Comparator, EntryStatus, ValueKind
from .models import IndicatorCategory, IndicatorEntry
from .services import search

ALL = _("全部")


class IndicatorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search",
                                  help_text=_("名称、编码或拼音首字母"))
    category = django_filters.ModelChoiceFilter(label=_("分类"), queryset=IndicatorCategory.objects.all(),
                                                to_field_name="code", method="in_category", empty_label=ALL)
    function_code = django_filters.CharFilter(label=_("功能科目"), method="for_function")
    level1 = django_filters.ChoiceFilter(label=_("一级指标"), empty_label=ALL, choices=[
        (x, x) for x in ("产出指标", "效益指标", "满意度指标", "成本指标")])
    value_kind = django_filters.ChoiceFilter(label=_("指标性质"), choices=ValueKind.choices, empty_label=ALL)
    direction = django_filters.ChoiceFilter(label=_("指标方向"), choices=Comparator.choices, empty_label=ALL)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=EntryStatus.choices, empty_label=ALL)
    is_common = django_filters.ChoiceFilter(label=_("共性指标"), choices=(("1", _("是")), ("0", _("否"))),
                                            empty_label=ALL, method="common")

    class Meta:
        model = IndicatorEntry
        fields = ["q", "category", "function_code", "level1", "value_kind", "direction", "status", "is_common"]

    def search(self, queryset, name, value):
        return search(queryset, value)

    def common(self, queryset, name, value):
        return queryset.filter(is_common=value == "1")

    def in_category(self, queryset, name, value):
        return queryset.filter(Q(category=value) | Q(category__parent=value))

    def for_function(self, queryset, name, value):
        """Entries whose own or category function codes are a prefix of the given code (or start with it)."""
        value = value.strip()
        if not value.isdigit():
            return queryset.none()
        prefixes = [value[:n] for n in (3, 5, 7) if len(value) >= n]
        cond = Q()
        for p in prefixes:
            cond |= Q(function_codes__contains=p) | Q(category__function_codes__contains=p)
        cond |= Q(function_codes__contains=value) | Q(category__function_codes__contains=value)
        return queryset.filter(cond)
