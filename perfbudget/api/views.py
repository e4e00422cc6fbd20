"""API view sets: projects (one row per project and fiscal year), regions and organisations. Read-only for now;
later issues add actions to these same view sets."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from perfbudget.orgs.models import Organisation, Region
from perfbudget.projects.filtersets import ProjectYearFilterSet
from perfbudget.projects.models import ProjectYear

from .base import ScopedViewSetMixin
from .filtersets import OrganisationFilterSet, RegionFilterSet
from .serializers import OrganisationSerializer, ProjectYearSerializer, RegionSerializer


@extend_schema_view(
    list=extend_schema(summary=_("项目库列表"),
                       description=_("当前用户范围内的项目年度预算（一个项目在一个预算年度一行），可筛选、排序、分页。")),
    retrieve=extend_schema(summary=_("项目年度预算详情"), description=_("范围外或不存在的记录返回 404。")),
)
@extend_schema(tags=["projects"])
class ProjectYearViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """项目库: the same rows, filters and scope as the project list page."""

    model = ProjectYear
    serializer_class = ProjectYearSerializer
    filterset_class = ProjectYearFilterSet
    ordering_fields = {
        "code": "project__code",
        "name": "project__name",
        "year": "year",
        "initial_budget": "initial_budget",
        "adjusted_budget": "adjusted_budget",
        "updated_at": "updated_at",
    }

    def refine_queryset(self, queryset):
        return queryset.with_related()


@extend_schema_view(
    list=extend_schema(summary=_("行政区划列表"), description=_("当前用户可见的行政区划。")),
    retrieve=extend_schema(summary=_("行政区划详情")),
)
@extend_schema(tags=["regions"])
class RegionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """行政区划."""

    model = Region
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    ordering_fields = {"code": "code", "name": "name", "path": "path"}

    def refine_queryset(self, queryset):
        return queryset.select_related("parent")


@extend_schema_view(
    list=extend_schema(summary=_("机构列表"), description=_("当前用户可见的财政局科室、主管部门、预算单位等机构。")),
    retrieve=extend_schema(summary=_("机构详情")),
)
@extend_schema(tags=["organisations"])
class OrganisationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """机构."""

    model = Organisation
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet
    ordering_fields = {"code": "code", "name": "name", "path": "path", "kind": "kind"}

    def refine_queryset(self, queryset):
        return queryset.select_related("region", "parent", "department", "funding_section")
