"""抽评 in the API: `POST /api/spot-checks/draw/` (commit and, by default, reveal a stratified random sample of a
region's submitted self-evaluations), a read-only list and detail of batches with their items, and
`GET /api/spot-checks/{id}/verify/` (replay of the draw record).

Errors: a bad share, stratum key or band, no population, or a batch that already exists → 400 `{"detail",
"errors"}`; a user who is not the region's 绩效科 → 403; a batch out of scope → 404.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from perfbudget.core.scopes import VIEW
from perfbudget.evaluation import sampling, services_spot
from perfbudget.evaluation.filtersets_spot import SpotCheckFilterSet
from perfbudget.evaluation.models_spot import SpotCheck, SpotCheckItem
from perfbudget.orgs.models import Region

from .base import ScopedViewSetMixin
from .goals import FORBIDDEN, NOT_FOUND


class SpotCheckItemSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="self_evaluation.project_year.project.code", read_only=True,
                                         label=_("项目编码"))
    project_name = serializers.CharField(source="self_evaluation.project_year.project.name", read_only=True,
                                         label=_("项目名称"))
    unit = serializers.CharField(source="self_evaluation.project_year.project.unit.name", read_only=True,
                                 label=_("预算单位"))
    reviewer = serializers.CharField(source="reviewer.__str__", read_only=True, default=None, label=_("复核人"))
    grade_changed = serializers.BooleanField(read_only=True, label=_("等级变化"))

    class Meta:
        model = SpotCheckItem
        fields = ["id", "position", "self_evaluation", "project_code", "project_name", "unit", "stratum", "reviewer",
                  "self_total", "self_grade", "claimed_total", "review_total", "review_grade", "difference",
                  "grade_changed", "review_executed", "review_rows", "reviewer_opinion", "unit_opinion", "agreed",
                  "reviewer_signed_at", "unit_signed_at", "conclusion", "row_version"]
        read_only_fields = fields


class SpotCheckSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True, label=_("区划代码"))
    region_name = serializers.CharField(source="region.name", read_only=True, label=_("区划"))
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    record = serializers.SerializerMethodField(label=_("抽取记录"), help_text=_("perfbudget.spotcheck/1；"
                                                                            "各层为 perfbudget.draw/1 抽取记录。"))
    items = serializers.SerializerMethodField(label=_("抽评项目"))

    class Meta:
        model = SpotCheck
        fields = ["id", "region", "region_name", "year", "share", "strata_keys", "amount_bounds", "population_size",
                  "sample_size", "inputs_hash", "seed_hash", "seed", "result", "status", "status_label",
                  "conclusion", "ruleset", "created_at", "revealed_at", "published_at", "record", "items",
                  "row_version"]
        read_only_fields = fields

    @property
    def _detail(self):
        return self.context.get("detail", True)

    def get_record(self, obj) -> dict:
        return obj.record() if self._detail else {}

    def get_items(self, obj) -> SpotCheckItemSerializer(many=True):
        if not self._detail:
            return []
        request = self.context.get("request")
        qs = SpotCheckItem.objects.visible_to(request.user) if request else SpotCheckItem.objects.all()
        return SpotCheckItemSerializer(qs.with_related().filter(spot_check=obj).order_by("position"), many=True).data


class SpotDrawSerializer(serializers.Serializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), label=_("区划代码"))
    year = serializers.IntegerField(label=_("评价年度"), min_value=2000, max_value=2100)
    share = serializers.CharField(required=False, allow_blank=True, label=_("抽评比例"),
                                  help_text=_("如 0.1 或 10%；省略时按规则集 evaluation.spot_check_share，"
                                              "不得低于它。"))
    strata = serializers.ListField(child=serializers.ChoiceField(choices=sampling.STRATUM_KEYS), required=False,
                                   label=_("分层依据"),
                                   help_text=_("department、project_class、abc_class、amount_band 的任意组合；"
                                               "省略时为主管部门×项目类别×金额档次。"))
    amount_bounds = serializers.ListField(child=serializers.DecimalField(max_digits=16, decimal_places=2,
                                                                         min_value=0),
                                          required=False, label=_("金额分档界限(元)"),
                                          help_text=_("省略时为规则集的A类、B类金额下限。"))
    reveal = serializers.BooleanField(default=True, label=_("立即公开"),
                                      help_text=_("false 时只承诺（公布输入哈希值和种子哈希值），种子暂不公开。"))


class SpotErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(label=_("说明"))
    errors = serializers.ListField(child=serializers.DictField(), label=_("逐项错误"))


class SpotVerifySerializer(serializers.Serializer):
    ok = serializers.BooleanField(label=_("验证通过"))
    problems = serializers.ListField(child=serializers.CharField(), label=_("问题"))
    record = serializers.DictField(label=_("抽取记录"))


@extend_schema_view(
    list=extend_schema(summary=_("抽评批次列表"),
                       description=_("按用户范围列出抽评批次（单位和主管部门在意见交换后可见）。")),
    retrieve=extend_schema(summary=_("抽评批次详情"),
                           description=_("批次、抽取记录和用户可见的抽评项目（自评与复核得分对比）。"),
                           responses={200: SpotCheckSerializer, 404: NOT_FOUND}),
)
@extend_schema(tags=["evaluation"])
class SpotCheckViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """抽评批次: draw, list, detail, verify."""

    model = SpotCheck
    serializer_class = SpotCheckSerializer
    filterset_class = SpotCheckFilterSet
    scope_actions = {"draw": VIEW, "verify": VIEW}
    ordering_fields = {"year": "year", "created_at": "created_at", "status": "status"}

    def refine_queryset(self, queryset):
        return queryset.select_related("region")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "detail": self.action != "list"}

    @extend_schema(
        summary=_("抽取抽评项目"),
        description=_("本区划财政局绩效科按比例（不低于规则集）从已提交的单位自评表中分层随机抽取："
                      "先承诺输入哈希值和种子哈希值，默认随即公开种子并按 sha256(种子:该层输入哈希:编号) 在各层抽取。"
                      "返回批次、抽取记录和抽中的项目。"),
        request=SpotDrawSerializer,
        responses={201: SpotCheckSerializer,
                   400: OpenApiResponse(SpotErrorSerializer,
                                        description=_("比例、分层依据或金额分档有误，没有可抽评的自评表，"
                                                      "或该年度已有批次。")),
                   403: FORBIDDEN},
        filters=False,
    )
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def draw(self, request):
        serializer = SpotDrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        try:
            sc = services_spot.draw_spot_check(request.user, d["region"], d["year"], d.get("share") or None,
                                               d.get("strata"), d.get("amount_bounds"), reveal=d["reveal"])
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except services_spot.SpotCheckError as exc:
            errors = [{"row": r, "field": str(f), "message": str(m)} for r, f, m in exc.errors]
            return Response({"detail": str(exc), "errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        fresh = SpotCheck.objects.select_related("region").get(pk=sc.pk)
        return Response(SpotCheckSerializer(fresh, context={**self.get_serializer_context(), "detail": True}).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("验证抽评抽取"),
                   description=_("按记录重算输入哈希、分层、各层抽取数、种子哈希和各层抽取结果（各层即随机抽取记录）。"),
                   responses={200: SpotVerifySerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def verify(self, request, pk=None):
        ok, problems, record = services_spot.verify_spot_check(self.get_object())
        return Response({"ok": ok, "problems": problems, "record": record})


def register(router):
    """Add the spot-check view set to the API router."""
    router.register("spot-checks", SpotCheckViewSet, basename="spot-check")
