"""指标库 in the API: `/api/indicators/` lists the current versions of the entries the user may see, with the
library page's filters (text, code or pinyin initials; category; function code …); a 绩效科 adds regional
entries, revises them (a new version) and retires or restores them, all through `indicators.services`.

Scopes are `IndicatorEntry.objects.visible_to`: national entries and those of the user's region and its
ancestors for everyone, the regions below too for finance-bureau roles; only the owning region's 绩效科 writes.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from perfbudget.core.scopes import CHANGE, assert_in_scope
from perfbudget.indicators import frameworks, services
from perfbudget.indicators.choices import Basis, Comparator, EntryStatus, ValueKind
from perfbudget.indicators.filtersets import IndicatorFilterSet
from perfbudget.indicators.models import IndicatorCategory, IndicatorEntry

from .base import ScopedViewSetMixin
from .serializers import _label, _text

LEVEL1 = [(x, x) for x in (*frameworks.LAYOUTS["10号"], frameworks.COST)]
LEVEL2 = sorted({(l2, l2) for layout in frameworks.LAYOUTS.values() for l2s in layout.values() for l2 in l2s})
ALLOWED_PAIRS = {(a, b) for layout in frameworks.LAYOUTS.values() for a, bs in layout.items() for b in bs}


def may_maintain(user):
    return user.is_superuser or user.has_role("performance_office")


def raise_validation(exc: DjangoValidationError):
    """A model/service ValidationError as a DRF 400 keyed by field (`non_field_errors` for the rest)."""
    if hasattr(exc, "error_dict"):
        raise serializers.ValidationError({
            (k if k != "__all__" else "non_field_errors"): v for k, v in exc.message_dict.items()})
    raise serializers.ValidationError({"non_field_errors": exc.messages})


class TargetSpreadSerializer(serializers.Serializer):
    """数值型指标值的分布."""

    min = serializers.FloatField(label=_("最小值"))
    p25 = serializers.FloatField(label=_("下四分位数"))
    median = serializers.FloatField(label=_("中位数"))
    p75 = serializers.FloatField(label=_("上四分位数"))
    max = serializers.FloatField(label=_("最大值"))
    n = serializers.IntegerField(label=_("样本数"))


class UsageSerializer(serializers.Serializer):
    """使用情况: how many current goals use the entry (any version) and the spread of their numeric targets."""

    goals = serializers.IntegerField(label=_("使用该指标的绩效目标行数"))
    by_status = serializers.DictField(child=serializers.IntegerField(), label=_("按目标状态计数"))
    targets = TargetSpreadSerializer(allow_null=True, label=_("指标值分布"))
    actuals = serializers.JSONField(allow_null=True, label=_("实际完成值分布"),
                                    help_text=_("暂未提供（监控与自评阶段提供）。"))


class VersionSerializer(serializers.ModelSerializer):
    """One version of an entry's history."""

    status_label = _text("get_status_display", _("状态名称"))

    class Meta:
        model = IndicatorEntry
        fields = ["id", "version", "is_current", "status_label", "revision_note", "updated_at"]
        read_only_fields = fields


class IndicatorEntrySerializer(serializers.ModelSerializer):
    """指标库指标 (one version). `usage` and `versions` come with the detail only (null in lists).

    Writable on create: `code` (blank: numbered `<region code>-<n>`), `category` (a 小类 code) and the
    descriptive fields; the owning region is always the 绩效科's own.
    """

    url = serializers.HyperlinkedIdentityField(view_name="api:indicator-detail")
    code = serializers.CharField(label=_label(IndicatorEntry, "code"), max_length=40, required=False,
                                 allow_blank=True, help_text=_("留空则按本地区编码自动编号。"))
    status_label = _text("get_status_display", _("状态名称"))
    owner_region_code = _text("owner_region.code", _("维护区划代码"), allow_null=True)
    owner_region_name = _text("owner_region.name", _("维护区划名称"), allow_null=True)
    is_national = serializers.BooleanField(label=_("全国通用"), read_only=True)
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=IndicatorCategory.objects.filter(parent__isnull=False),
        label=_label(IndicatorEntry, "category"), help_text=_("指标小类编码。"))
    category_name = _text("category.name", _("分类名称"))
    category_parent_code = _text("category.parent.code", _("大类编码"), allow_null=True)
    category_parent_name = _text("category.parent.name", _("大类名称"), allow_null=True)
    level1 = serializers.ChoiceField(choices=LEVEL1, label=_label(IndicatorEntry, "level1"))
    level2 = serializers.ChoiceField(choices=LEVEL2, label=_label(IndicatorEntry, "level2"))
    direction = serializers.ChoiceField(choices=Comparator.choices, default=Comparator.GE,
                                        label=_label(IndicatorEntry, "direction"))
    direction_label = _text("get_direction_display", _("指标方向名称"))
    value_kind = serializers.ChoiceField(choices=ValueKind.choices, default=ValueKind.QUANTITATIVE,
                                         label=_label(IndicatorEntry, "value_kind"))
    value_kind_label = _text("get_value_kind_display", _("指标性质名称"))
    basis = serializers.ChoiceField(choices=Basis.choices, default=Basis.PLAN, label=_label(IndicatorEntry, "basis"))
    basis_label = _text("get_basis_display", _("设定依据名称"))
    usage = serializers.SerializerMethodField(label=_("使用情况"))
    versions = serializers.SerializerMethodField(label=_("版本历史"))

    class Meta:
        model = IndicatorEntry
        fields = ["id", "url", "code", "version", "is_current", "status", "status_label", "owner_region_code",
                  "owner_region_name", "is_national", "category", "category_name", "category_parent_code",
                  "category_parent_name", "is_common", "level1", "level2", "name", "definition", "unit", "direction",
                  "direction_label", "value_kind", "value_kind_label", "formula", "basis", "basis_label",
                  "suggested_target", "range_low", "range_high", "sectors", "function_codes", "pinyin",
                  "revision_note", "usage", "versions", "row_version", "updated_at"]
        read_only_fields = ["version", "is_current", "status", "pinyin", "revision_note", "row_version", "updated_at"]
        validators = []  # codes are checked by services.create_entry

    def validate(self, attrs):
        l1, l2 = attrs.get("level1"), attrs.get("level2")
        if l1 and l2 and (l1, l2) not in ALLOWED_PAIRS:
            raise serializers.ValidationError({"level2": _("「%(l2)s」不属于「%(l1)s」。") % {"l1": l1, "l2": l2}})
        return attrs

    def _detail(self):
        return self.context.get("detail", False)

    @extend_schema_field(UsageSerializer(allow_null=True))
    def get_usage(self, entry):
        return UsageSerializer(services.usage_stats(entry)).data if self._detail() else None

    @extend_schema_field(VersionSerializer(many=True, allow_null=True))
    def get_versions(self, entry):
        if not self._detail():
            return None
        user = self.context["request"].user
        rows = IndicatorEntry.objects.visible_to(user).filter(code=entry.code).order_by("-version")
        return VersionSerializer(rows, many=True).data


class RevisionSerializer(serializers.Serializer):
    """修订: the fields to change (the others are kept) and the reason; writes version n+1."""

    category = serializers.SlugRelatedField(
        slug_field="code", queryset=IndicatorCategory.objects.filter(parent__isnull=False), required=False,
        label=_label(IndicatorEntry, "category"))
    is_common = serializers.BooleanField(required=False, label=_label(IndicatorEntry, "is_common"))
    level1 = serializers.ChoiceField(choices=LEVEL1, required=False, label=_label(IndicatorEntry, "level1"))
    level2 = serializers.ChoiceField(choices=LEVEL2, required=False, label=_label(IndicatorEntry, "level2"))
    name = serializers.CharField(max_length=100, required=False, label=_label(IndicatorEntry, "name"))
    definition = serializers.CharField(required=False, allow_blank=True, label=_label(IndicatorEntry, "definition"))
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True, label=_label(IndicatorEntry, "unit"))
    direction = serializers.ChoiceField(choices=Comparator.choices, required=False,
                                        label=_label(IndicatorEntry, "direction"))
    value_kind = serializers.ChoiceField(choices=ValueKind.choices, required=False,
                                         label=_label(IndicatorEntry, "value_kind"))
    formula = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                    label=_label(IndicatorEntry, "formula"))
    basis = serializers.ChoiceField(choices=Basis.choices, required=False, label=_label(IndicatorEntry, "basis"))
    suggested_target = serializers.CharField(max_length=50, required=False, allow_blank=True,
                                             label=_label(IndicatorEntry, "suggested_target"))
    range_low = serializers.DecimalField(max_digits=18, decimal_places=4, required=False, allow_null=True,
                                         label=_label(IndicatorEntry, "range_low"))
    range_high = serializers.DecimalField(max_digits=18, decimal_places=4, required=False, allow_null=True,
                                          label=_label(IndicatorEntry, "range_high"))
    sectors = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                    label=_label(IndicatorEntry, "sectors"))
    function_codes = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                           label=_label(IndicatorEntry, "function_codes"))
    revision_note = serializers.CharField(max_length=300, label=_label(IndicatorEntry, "revision_note"))

    def validate(self, attrs):
        entry = self.context.get("entry")
        l1 = attrs.get("level1", getattr(entry, "level1", None))
        l2 = attrs.get("level2", getattr(entry, "level2", None))
        if ("level1" in attrs or "level2" in attrs) and (l1, l2) not in ALLOWED_PAIRS:
            raise serializers.ValidationError({"level2": _("「%(l2)s」不属于「%(l1)s」。") % {"l1": l1, "l2": l2}})
        return attrs


class StatusNoteSerializer(serializers.Serializer):
    """停用或恢复的说明（可选）。"""

    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                 label=_("说明"))


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField(label=_("说明"))


ERRORS = {
    400: OpenApiResponse(description=_("字段有误：按字段列出的中文说明。")),
    403: OpenApiResponse(DetailSerializer, description=_("只有本级财政局绩效科可以维护本地区的指标。")),
    404: OpenApiResponse(DetailSerializer, description=_("记录不存在或不在您的查看范围内。")),
}


@extend_schema_view(
    list=extend_schema(
        summary=_("指标库列表"),
        description=_("当前用户可见的指标库指标（现行版本）：全国通用指标、本地区及上级地区的指标，财政局还能看到下级地区的指标。"
                      "`q` 按名称、编码或拼音首字母（如 `ywjy`）搜索；未指定 `status` 时只列在用指标。")),
    retrieve=extend_schema(summary=_("指标详情"),
                           description=_("含使用情况（引用该指标的绩效目标数及指标值分布）与版本历史；"
                                         "历史版本也可按编号读取。范围外或不存在的记录返回 404。")),
    create=extend_schema(summary=_("新增本地区指标"),
                         description=_("仅财政局绩效科：在本级区划下新增指标，编码留空时自动编号。"),
                         responses={201: IndicatorEntrySerializer, **ERRORS}),
)
@extend_schema(tags=["indicators"])
class IndicatorViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """指标库: the same rows, filters and scope as the library page."""

    model = IndicatorEntry
    serializer_class = IndicatorEntrySerializer
    filterset_class = IndicatorFilterSet
    ordering_fields = {"code": "code", "name": "name", "level1": "level1", "updated_at": "updated_at"}

    def refine_queryset(self, queryset):
        queryset = queryset.select_related("category__parent", "owner_region")
        if self.action == "list":
            queryset = queryset.current()
            if not self.request.query_params.get("status"):
                queryset = queryset.filter(status=EntryStatus.ACTIVE)
        return queryset

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "detail": self.action != "list"}

    def _respond(self, entry, status_code=status.HTTP_200_OK):
        entry = IndicatorEntry.objects.select_related("category__parent", "owner_region").get(pk=entry.pk)
        return Response(self.get_serializer(entry).data, status=status_code)

    def create(self, request, *args, **kwargs):
        if not may_maintain(request.user):
            raise PermissionDenied(_("只有财政局绩效科可以维护指标库。"))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        try:
            with transaction.atomic():
                entry = services.create_entry(request.user, values)
                assert_in_scope(entry, request.user, CHANGE)
        except DjangoValidationError as exc:
            raise_validation(exc)
        return self._respond(entry, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修订指标"),
        description=_("写入新版本（版本号加一），原版本保留为历史版本，已引用它的绩效目标不受影响。"
                      "只能修订本地区指标的现行版本；须填写修订说明。"),
        request=RevisionSerializer, responses={201: IndicatorEntrySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        entry = self.get_object()
        serializer = RevisionSerializer(data=request.data, context={**self.get_serializer_context(), "entry": entry})
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        note = values.pop("revision_note")
        try:
            new = services.revise_entry(entry, request.user, values, note)
        except DjangoValidationError as exc:
            raise_validation(exc)
        return self._respond(new, status.HTTP_201_CREATED)

    def _set_status(self, request, new_status):
        entry = self.get_object()
        serializer = StatusNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            entry = services.set_status(entry, request.user, new_status, serializer.validated_data["note"])
        except DjangoValidationError as exc:
            raise_validation(exc)
        return self._respond(entry)

    @extend_schema(summary=_("停用指标"),
                   description=_("停用后不再推荐给新的绩效目标，已引用它的目标保持不变。"),
                   request=StatusNoteSerializer, responses={200: IndicatorEntrySerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        return self._set_status(request, EntryStatus.RETIRED)

    @extend_schema(summary=_("恢复在用"), request=StatusNoteSerializer,
                   responses={200: IndicatorEntrySerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        return self._set_status(request, EntryStatus.ACTIVE)
