"""第三方机构库与专家库 in the API: the pools (read-only, scoped), and random draws — commit (optionally revealing at
once), reveal and verify — through `pools.services`, the same rules and messages as the pages.

Errors: a draw that cannot be made (too few eligible candidates, self-commissioning, bad arguments) → 400
`{"detail"}`; revealing a revealed draw → 409; a user who may not draw in the region → 403; a row out of scope → 404.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from perfbudget.core.scopes import VIEW
from perfbudget.orgs.models import Organisation, Region
from perfbudget.pools import services
from perfbudget.pools.choices import DrawKind, DrawStatus, Field, PoolStatus
from perfbudget.pools.filtersets import AgencyFilterSet, DrawFilterSet, ExpertFilterSet
from perfbudget.pools.models import Agency, Draw, Expert

from .base import ScopedViewSetMixin
from .goals import FORBIDDEN, NOT_FOUND, Conflict
from .indicators import DetailSerializer

urlpatterns = []


# --- representations ------------------------------------------------------------------------------------

def inline_enum(choices, description):
    """A choice field documented by a pattern of its codes rather than an enum: the enum names "status" and "kind"
    are taken by other apps' components, and a new name would need an entry in settings' ENUM_NAME_OVERRIDES."""
    codes = "|".join(c for c, _label in choices)
    schema = {"type": "string", "pattern": f"^({codes})$", "description": f"{description}（{codes}）"}

    @extend_schema_field(schema)
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField


PoolStatusField = inline_enum(PoolStatus.choices, "申请中 pending / 已入库 approved / 暂停 suspended / 已清退 removed")
DrawKindField = inline_enum(DrawKind.choices, "第三方机构 agency / 专家 expert")
DrawStatusField = inline_enum(DrawStatus.choices, "已承诺 committed / 已公开 revealed")
FieldCodeField = inline_enum(Field.choices, "专业领域代码")


class EntrySerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("所属区划代码"))
    region_name = serializers.CharField(source="region.name", read_only=True)
    fields = serializers.ListField(child=FieldCodeField(choices=Field.choices), read_only=True,
                                   help_text=_("专业领域代码"))
    status = PoolStatusField(choices=PoolStatus.choices, read_only=True)
    field_labels = serializers.ListField(child=serializers.CharField(), read_only=True)
    regions_served = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)


class AgencySerializer(EntrySerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("机构账户编码"))
    ties = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True, help_text=_("关联单位编码"))

    class Meta:
        model = Agency
        fields = ["id", "name", "credit_code", "organisation", "qualifications", "fields", "field_labels", "region",
                  "region_name", "regions_served", "staff_count", "certified_staff", "contact", "phone", "ties",
                  "status", "status_label", "status_reason", "row_version"]


class ExpertSerializer(EntrySerializer):
    employer_org = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Expert
        fields = ["id", "name", "title", "employer", "employer_org", "fields", "field_labels", "region",
                  "region_name", "regions_served", "phone", "status", "status_label", "status_reason", "row_version"]


class DrawSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    subject_orgs = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    commissioning_org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    created_by = serializers.StringRelatedField()
    revealed_by = serializers.StringRelatedField()
    target = serializers.SerializerMethodField(help_text=_("抽取所为的对象（app.model:id），独立抽取为空"))
    kind = DrawKindField(choices=DrawKind.choices, read_only=True)
    status = DrawStatusField(choices=DrawStatus.choices, read_only=True)
    fields = serializers.ListField(child=FieldCodeField(choices=Field.choices), read_only=True)
    inputs = serializers.JSONField(read_only=True, help_text=_("候选名单、排除名单及理由、数量和抽取背景（规范形式）"))
    result = serializers.ListField(child=serializers.IntegerField(), read_only=True,
                                   help_text=_("按抽中顺序的机构或专家编号；公开前为空"))
    selected = serializers.SerializerMethodField()

    class Meta:
        model = Draw
        fields = ["id", "kind", "count", "purpose", "region", "target", "subject_orgs", "commissioning_org",
                  "fields", "inputs", "inputs_hash", "seed_hash", "seed", "result", "selected", "status",
                  "created_by", "created_at", "revealed_by", "revealed_at"]

    def get_target(self, obj) -> str:
        return obj.inputs.get("context", {}).get("target", "")

    def get_selected(self, obj) -> list[str]:
        return [s.name for s in obj.selected()]


class DrawCreateSerializer(serializers.Serializer):
    kind = DrawKindField(label=_("抽取对象"), choices=DrawKind.choices)
    count = serializers.IntegerField(label=_("抽取数量"), min_value=1, max_value=services.MAX_DRAW)
    region = serializers.SlugRelatedField(label=_("区划"), slug_field="code", queryset=Region.objects.all())
    purpose = serializers.CharField(label=_("抽取事由"), max_length=300)
    subject_orgs = serializers.SlugRelatedField(label=_("被评价单位编码"), slug_field="code", many=True,
                                                queryset=Organisation.objects.all(), required=False)
    commissioning_org = serializers.SlugRelatedField(label=_("委托单位编码"), slug_field="code",
                                                     queryset=Organisation.objects.all(), required=False,
                                                     allow_null=True)
    fields = serializers.ListField(label=_("要求的专业领域"), child=FieldCodeField(choices=Field.choices),
                                   required=False)
    reveal = serializers.BooleanField(label=_("同时公开结果"), default=False)


class RecordSerializer(serializers.Serializer):
    format = serializers.CharField()
    id = serializers.IntegerField(allow_null=True)
    inputs = serializers.JSONField()
    inputs_hash = serializers.CharField()
    seed_hash = serializers.CharField()
    seed = serializers.CharField(allow_blank=True)
    result = serializers.ListField(child=serializers.IntegerField())


class VerifySerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField(), help_text=_("每项为一句中文说明"))
    record = RecordSerializer()


# --- view sets ----------------------------------------------------------------------------------------------

ENTRY_ORDERING = {"name": "name", "region": "region__path", "status": "status", "updated_at": "updated_at"}


@extend_schema_view(
    list=extend_schema(summary=_("第三方机构库"),
                       description=_("当前用户可见的第三方机构（财政局见本区划及下级，第三方机构账户只见本机构）；"
                                     "可按入库状态、专业领域、区划（含下级）筛选并搜索名称和信用代码。")),
    retrieve=extend_schema(summary=_("第三方机构详情"), description=_("范围外或不存在的记录返回 404。")),
)
@extend_schema(tags=["pools"])
class AgencyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """第三方机构."""

    model = Agency
    serializer_class = AgencySerializer
    filterset_class = AgencyFilterSet
    ordering_fields = ENTRY_ORDERING

    def refine_queryset(self, queryset):
        return queryset.select_related("region", "organisation").prefetch_related("regions_served", "ties")


@extend_schema_view(
    list=extend_schema(summary=_("专家库"),
                       description=_("当前用户可见的专家（财政局见本区划及下级，专家账户只见本人）；"
                                     "可按入库状态、专业领域、区划（含下级）筛选并搜索姓名和工作单位。")),
    retrieve=extend_schema(summary=_("专家详情"), description=_("范围外或不存在的记录返回 404。")),
)
@extend_schema(tags=["pools"])
class ExpertViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """专家."""

    model = Expert
    serializer_class = ExpertSerializer
    filterset_class = ExpertFilterSet
    ordering_fields = ENTRY_ORDERING

    def refine_queryset(self, queryset):
        return queryset.select_related("region", "employer_org").prefetch_related("regions_served")


DRAW_ERRORS = {
    400: OpenApiResponse(DetailSerializer,
                         description=_("无法抽取：符合条件的候选不足、委托单位是被评价单位、参数有误等（中文说明）。")),
    403: FORBIDDEN,
}


@extend_schema_view(
    list=extend_schema(summary=_("随机抽取记录"),
                       description=_("当前用户可见区划的随机抽取记录，可按对象、状态、区划筛选。")),
    retrieve=extend_schema(summary=_("随机抽取记录详情"),
                           description=_("含候选名单、排除理由、输入哈希和种子哈希；公开后含种子和结果。")),
    create=extend_schema(
        summary=_("发起随机抽取（承诺）"),
        description=_("本区划财政局绩效科发起抽取：固定候选名单和排除名单，公布输入哈希值和种子哈希值。"
                      "`reveal: true` 时同时公开种子和结果。"),
        request=DrawCreateSerializer, responses={201: DrawSerializer, **DRAW_ERRORS}),
)
@extend_schema(tags=["pools"])
class DrawViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """随机抽取: commit, reveal, verify."""

    model = Draw
    serializer_class = DrawSerializer
    filterset_class = DrawFilterSet
    scope_actions = {"reveal": VIEW, "verify": VIEW, "create": VIEW}
    ordering_fields = {"created_at": "created_at", "status": "status", "kind": "kind"}

    def refine_queryset(self, queryset):
        return queryset.select_related("region", "commissioning_org", "created_by", "revealed_by").prefetch_related(
            "subject_orgs")

    def _respond(self, draw, code=status.HTTP_200_OK):
        fresh = self.refine_queryset(Draw.objects.all()).get(pk=draw.pk)
        return Response(DrawSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = DrawCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        try:
            draw = services.commit_draw(request.user, kind=d["kind"], count=d["count"], region=d["region"],
                                        purpose=d["purpose"], subject_orgs=d.get("subject_orgs", []),
                                        commissioning_org=d.get("commissioning_org"), fields=d.get("fields", []))
            if d["reveal"]:
                draw = services.reveal_draw(request.user, draw)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except services.PoolError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return self._respond(draw, status.HTTP_201_CREATED)

    @extend_schema(summary=_("公开随机种子和结果"),
                   description=_("抽取人或本区划财政局绩效科公开种子，计算并保存结果（只能一次）。"), request=None,
                   responses={200: DrawSerializer, 403: FORBIDDEN, 404: NOT_FOUND,
                              409: OpenApiResponse(DetailSerializer, description=_("该抽取已公开结果。"))})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        draw = self.get_object()
        if draw.status == DrawStatus.REVEALED:
            raise Conflict(_("该抽取已公开结果，不能再次公开。"))
        try:
            draw = services.reveal_draw(request.user, draw)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except services.PoolError as exc:
            raise Conflict(str(exc)) from None
        return self._respond(draw)

    @extend_schema(summary=_("验证随机抽取"),
                   description=_("按记录重算输入哈希、种子哈希和抽取结果；`record` 即可下载的抽取记录，"
                                 "任何人可只用 hashlib 复核（见 docs/draws.md）。"),
                   responses={200: VerifySerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def verify(self, request, pk=None):
        ok, problems, record = services.verify_draw(self.get_object())
        return Response({"ok": ok, "problems": problems, "record": record})


def register(router):
    """Add this app's view sets to the API router."""
    router.register("agencies", AgencyViewSet, basename="agency")
    router.register("experts", ExpertViewSet, basename="expert")
    router.register("draws", DrawViewSet, basename="draw")
