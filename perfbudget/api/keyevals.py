"""重点评价 in the API: the scoped list, the detail (framework items, the evaluators' scores the caller may see, the
per-item means, findings and recommendations) and the creation of a planned evaluation through
`keyevals.services.plan` — the same checks and Chinese messages as the pages.

Errors: a refused plan (self-commissioning, a framework of another kind, bodies outside the region) → 400
`{"detail"}`; a caller who is not the region's 绩效科 → 403; a row out of scope → 404.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from perfbudget.core.scopes import VIEW
from perfbudget.keyevals import services, spread
from perfbudget.keyevals.choices import FindingCategory, ObjectKind, Status, Timing
from perfbudget.keyevals.filtersets import KeyEvaluationFilterSet
from perfbudget.keyevals.models import EvaluationFramework, KeyEvaluation
from perfbudget.orgs.models import Organisation, Region
from perfbudget.projects.models import ProjectYear

from .base import ScopedViewSetMixin
from .goals import FORBIDDEN
from .indicators import DetailSerializer
from .pools import inline_enum

urlpatterns = []

ObjectKindField = inline_enum(ObjectKind.choices, "评价对象：项目 project / 政策 policy / 部门整体 department / "
                                                  "街道财政运行 subdistrict / 政府采购 procurement")
TimingField = inline_enum(Timing.choices, "事中评价 mid_term / 事后评价 ex_post")
KeyEvalStatusField = inline_enum(Status.choices, "计划 planned / 已委托 assigned / 评分中 scoring / 复核 review / "
                                                 "已完成 finished / 已公开 published")
FindingCategoryField = inline_enum(FindingCategory.choices, "问题类别")


def extend_schema_field_list(serializer_class):
    """Document a method field as a list of `serializer_class` (null in the list)."""
    return extend_schema_field(serializer_class(many=True, allow_null=True))


class KeyEvalItemSerializer(serializers.Serializer):
    """One scored (leaf) indicator of the frozen framework."""
    code = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.DecimalField(max_digits=7, decimal_places=2)
    level1 = serializers.CharField(help_text=_("一级指标"))
    level2 = serializers.CharField(help_text=_("二级指标"))
    standard = serializers.CharField(help_text=_("评分标准"))
    mean = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True,
                                    help_text=_("各评价人得分的平均分（调用者能看到全部评价人时）"))


class KeyEvalEvaluatorSerializer(serializers.Serializer):
    """One evaluator column with its scores."""
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=_("agency 第三方机构 / expert 专家"))
    name = serializers.CharField()
    draw = serializers.IntegerField(source="draw_id", help_text=_("抽取记录 id"))
    submitted_at = serializers.DateTimeField(allow_null=True)
    scores = serializers.DictField(child=serializers.DecimalField(max_digits=7, decimal_places=2),
                                   help_text=_("指标编码 → 得分"))


class KeyFindingSerializer(serializers.Serializer):
    """A finding (问题)."""
    category = FindingCategoryField(choices=FindingCategory.choices)
    category_label = serializers.CharField(source="get_category_display")
    description = serializers.CharField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True, help_text=_("涉及金额(元)"))
    item_code = serializers.CharField()


class KeyRecommendationSerializer(serializers.Serializer):
    """A recommendation (建议)."""
    text = serializers.CharField()
    addressee = serializers.CharField()


class KeyEvaluationSerializer(serializers.ModelSerializer):
    """A key evaluation; the detail adds items, evaluators with their scores, findings and recommendations."""

    region = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("区划代码"))
    object_kind = ObjectKindField(choices=ObjectKind.choices, read_only=True)
    timing = TimingField(choices=Timing.choices, read_only=True)
    status = KeyEvalStatusField(choices=Status.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    subjects = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True,
                                            help_text=_("被评价单位编码"))
    project_years = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text=_("项目年度 id"))
    commissioning_org = serializers.SlugRelatedField(slug_field="code", read_only=True)
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True, help_text=_("涉及金额(元)"))
    items = serializers.SerializerMethodField()
    evaluators = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()
    recommendations = serializers.SerializerMethodField()

    class Meta:
        model = KeyEvaluation
        fields = ["id", "region", "year", "title", "object_kind", "timing", "status", "status_label", "subjects",
                  "project_years", "amount", "commissioning_org", "framework", "framework_name", "total", "grade",
                  "ruleset_label", "agency_draw", "expert_draw", "background", "work_done", "conclusion",
                  "indicator_analysis", "experience", "problems_causes", "other", "items", "evaluators", "findings",
                  "recommendations", "row_version"]
        read_only_fields = fields

    def _detail(self):
        return self.context.get("detail", False)

    def _columns(self, ev):
        cache = self.context.setdefault("_columns", {})
        if ev.pk not in cache:
            user = self.context["request"].user
            columns = services.visible_columns(user, ev)
            table = services.score_table(ev)
            sees_all = bool(columns) and len(columns) == len(table)
            cache[ev.pk] = (columns, table, sees_all)
        return cache[ev.pk]

    @extend_schema_field_list(KeyEvalItemSerializer)
    def get_items(self, ev):
        if not self._detail():
            return None
        _columns, table, sees_all = self._columns(ev)
        means = spread.item_means(table, [leaf.code for leaf in ev.leaves]) if sees_all else {}
        return KeyEvalItemSerializer([
            {"code": leaf.code, "name": leaf.name, "weight": leaf.weight, "level1": leaf.level1, "level2": leaf.level2,
             "standard": leaf.standard, "mean": means.get(leaf.code)} for leaf in ev.leaves], many=True).data

    @extend_schema_field_list(KeyEvalEvaluatorSerializer)
    def get_evaluators(self, ev):
        if not self._detail():
            return None
        columns, table, _sees_all = self._columns(ev)
        return [KeyEvalEvaluatorSerializer({"id": c.pk, "kind": c.kind, "name": c.name, "draw_id": c.draw_id,
                                     "submitted_at": c.submitted_at, "scores": table.get(c.pk, {})}).data
                for c in columns]

    @extend_schema_field_list(KeyFindingSerializer)
    def get_findings(self, ev):
        return KeyFindingSerializer(ev.findings.all(), many=True).data if self._detail() else None

    @extend_schema_field_list(KeyRecommendationSerializer)
    def get_recommendations(self, ev):
        return KeyRecommendationSerializer(ev.recommendations.all(), many=True).data if self._detail() else None


class KeyEvaluationCreateSerializer(serializers.Serializer):
    """列入重点评价计划: what a planned evaluation needs."""

    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text=_("区划代码"))
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=300)
    object_kind = ObjectKindField(choices=ObjectKind.choices)
    timing = TimingField(choices=Timing.choices, default=Timing.EX_POST)
    subjects = serializers.SlugRelatedField(slug_field="code", many=True, queryset=Organisation.objects.all(),
                                            help_text=_("被评价单位编码"))
    project_years = serializers.PrimaryKeyRelatedField(many=True, queryset=ProjectYear.objects.all(), required=False,
                                                       help_text=_("项目年度 id（项目评价必填）"))
    framework = serializers.PrimaryKeyRelatedField(queryset=EvaluationFramework.objects.all(),
                                                   help_text=_("评价指标体系 id"))
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0, default=0,
                                      help_text=_("涉及金额(元)"))
    commissioning_org = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all(),
                                                     required=False, allow_null=True,
                                                     help_text=_("委托单位编码（默认为本级财政局绩效科）"))

    def validate(self, attrs):
        user = self.context["request"].user
        for name in ("subjects", "project_years"):
            model = Organisation if name == "subjects" else ProjectYear
            wanted = attrs.get(name) or []
            seen = set(model.objects.visible_to(user, VIEW).filter(pk__in=[o.pk for o in wanted])
                       .values_list("pk", flat=True))
            if any(o.pk not in seen for o in wanted):
                raise serializers.ValidationError({name: [_("不存在或不在您的查看范围内。")]})
        return attrs


@extend_schema_view(
    list=extend_schema(summary=_("重点评价列表"),
                       description=_("当前用户范围内的重点评价：财政局见本区划及下级，被评价单位在评价完成后见本单位的"
                                     "评价，第三方机构和专家只见抽取到自己的评价。可按年度、评价对象、时点、状态、等级筛选，"
                                     "q 搜索名称、被评价单位和项目编码。列表不含指标与评分（为 null）。")),
    retrieve=extend_schema(summary=_("重点评价详情"),
                           description=_("含冻结的评价指标（末级指标及分值、评分标准、平均分）、调用者可见的评价人员及其"
                                         "逐项得分（第三方机构和专家只见自己的一列）、发现的问题和建议。"
                                         "范围外或不存在的记录返回 404。")),
    create=extend_schema(
        summary=_("列入重点评价计划"),
        description=_("本区划财政局绩效科新建一项计划中的重点评价（评价指标体系须与评价对象类型一致；委托单位不能评价自身）。"),
        request=KeyEvaluationCreateSerializer,
        responses={201: KeyEvaluationSerializer,
                   400: OpenApiResponse(DetailSerializer, description=_("内容有误或违反主体分离等规则。")),
                   403: FORBIDDEN}),
)
@extend_schema(tags=["keyevals"])
class KeyEvaluationViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """重点评价."""

    model = KeyEvaluation
    serializer_class = KeyEvaluationSerializer
    filterset_class = KeyEvaluationFilterSet
    ordering_fields = {"year": "year", "title": "title", "status": "status", "total": "total",
                       "amount": "amount", "updated_at": "updated_at"}
    scope_actions = {"create": VIEW}

    def refine_queryset(self, queryset):
        queryset = queryset.select_related("region", "commissioning_org").prefetch_related("subjects",
                                                                                            "project_years")
        if self.action != "list":
            queryset = queryset.prefetch_related("evaluators", "findings", "recommendations")
        return queryset.order_by("-year", "-id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "detail": self.action != "list"}

    def create(self, request, *args, **kwargs):
        serializer = KeyEvaluationCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        try:
            ev = services.plan(request.user, d["region"], d["year"], d["title"], d["object_kind"], d["subjects"],
                               d["framework"], timing=d["timing"], amount=d["amount"],
                               project_years=d.get("project_years") or [],
                               commissioning_org=d.get("commissioning_org"))
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except services.KeyEvalError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        fresh = self.refine_queryset(KeyEvaluation.objects.all()).get(pk=ev.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


def register(router):
    """Add this app's view sets to the API router."""
    router.register("key-evaluations", KeyEvaluationViewSet, basename="key-evaluation")

