"""FilterSets of the pool pages and the API: status, field, region (with the regions below), text search."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from perfbudget.orgs.models import Region

from .choices import DrawKind, DrawStatus, Field, PoolStatus
from .models import Agency, Draw, Expert

ALL = _("全部")


def _regions(request):
    return Region.objects.visible_to(getattr(request, "user", None)) if request else Region.objects.none()


def _region_filter():
    return extend_schema_field({"type": "string", "description": "区划代码（含其下级区划）"})(
        django_filters.ModelChoiceFilter(label=_("区划"), queryset=_regions, to_field_name="code",
                                         method="in_region", empty_label=ALL))


class PoolFilterSet(django_filters.FilterSet):
    """Shared filters of agencies and experts."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    status = django_filters.ChoiceFilter(label=_("入库状态"), choices=PoolStatus.choices, empty_label=ALL)
    field = extend_schema_field({"type": "string", "enum": list(Field.values), "description": "专业领域代码"})(
        django_filters.ChoiceFilter(label=_("专业领域"), choices=Field.choices, empty_label=ALL, method="by_field"))
    region = _region_filter()
    search_fields = ("name",)

    def search(self, queryset, name, value):
        for term in value.split():
            q = Q()
            for f in self.search_fields:
                q |= Q(**{f"{f}__icontains": term})
            queryset = queryset.filter(q)
        return queryset

    def by_field(self, queryset, name, value):
        # The fields are a JSON list of codes; the quoted code matches one element exactly on every database.
        return queryset.filter(fields__icontains=f'"{value}"')

    def in_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)


class AgencyFilterSet(PoolFilterSet):
    search_fields = ("name", "credit_code", "qualifications", "contact")

    class Meta:
        model = Agency
        fields = ["q", "status", "field", "region"]


class ExpertFilterSet(PoolFilterSet):
    search_fields = ("name", "employer", "title")

    class Meta:
        model = Expert
        fields = ["q", "status", "field", "region"]


class DrawFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    kind = django_filters.ChoiceFilter(label=_("抽取对象"), choices=DrawKind.choices, empty_label=ALL)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=DrawStatus.choices, empty_label=ALL)
    region = _region_filter()

    class Meta:
        model = Draw
        fields = ["q", "kind", "status", "region"]

    def search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(Q(purpose__icontains=term) | Q(inputs_hash__istartswith=term)
                                       | Q(seed_hash__istartswith=term))
        return queryset

    def in_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)
