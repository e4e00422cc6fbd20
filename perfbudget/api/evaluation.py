"""绩效评价 in the API: self-evaluations (单位自评), filled, submitted and reviewed through `evaluation.services`
(the same checks, messages, scoring and workflow as the pages), and `/api/self-evaluations/score/` for scoring a
perfbudget.selfeval/1 document without writing anything.

Errors: entries that fail validation → 400 `{"detail", "errors": [{"row", "indicator", "field", "label",
"message"}]}` (row 1-based, null for the header); a stale `row_version` or a step the state does not allow → 409
`{"detail"}`; a role that may not take the step → 403; a row out of scope → 404. A document the scorer cannot
read → 400 `{"detail", "field", "reason"}`.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from perfbudget.core.scopes import VIEW
from perfbudget.core.workflow import WorkflowError
from perfbudget.evaluation import services
from perfbudget.evaluation.filtersets import SelfEvaluationFilterSet
from perfbudget.evaluation.models import SelfEvaluation, SelfEvaluationProblem, SelfEvaluationRow
from perfbudget.evaluation.workflow import SELFEVAL_WORKFLOW
from perfbudget.goals.goalfile import FormatError
from perfbudget.projects.models import ProjectYear

from .base import ScopedViewSetMixin, rows_by_id
from .goals import CONFLICT, FORBIDDEN, NOT_FOUND, Conflict, FormatErrorSerializer

urlpatterns = []


class SelfEvaluationRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = SelfEvaluationRow
        fields = ["id", "position", "level1", "level2", "name", "target", "qualitative", "weight", "actual",
                  "judgement", "reason", "deviation_note", "applicable", "claimed_score", "score", "completion",
                  "explanation"]
        read_only_fields = fields


class SelfEvaluationProblemSerializer(serializers.ModelSerializer):
    raised_by = serializers.CharField(source="raised_by.__str__", read_only=True, label=_("提出人"))

    class Meta:
        model = SelfEvaluationProblem
        fields = ["id", "row", "code", "description", "raised_by", "raised_role", "deadline", "status", "fix_note",
                  "fixed_at", "review_note", "confirmed_at"]
        read_only_fields = fields


class SelfEvalFindingSerializer(serializers.Serializer):
    code = serializers.CharField(label=_("代码"))
    severity = serializers.CharField(label=_("级别"))
    indicator = serializers.IntegerField(allow_null=True, label=_("指标序号"), help_text=_("从 0 起；null 表示整表。"))
    message = serializers.CharField(label=_("说明"))


class SelfEvaluationSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="project_year.project.code", read_only=True, label=_("项目编码"))
    project_name = serializers.CharField(source="project_year.project.name", read_only=True, label=_("项目名称"))
    year = serializers.IntegerField(source="project_year.year", read_only=True, label=_("年度"))
    unit = serializers.CharField(source="project_year.project.unit.name", read_only=True, label=_("预算单位"))
    department = serializers.CharField(source="project_year.project.department.name", read_only=True,
                                       label=_("主管部门"))
    region = serializers.CharField(source="project_year.project.region.code", read_only=True, label=_("区划代码"))
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    findings = serializers.SerializerMethodField(label=_("审核发现"))
    rows = serializers.SerializerMethodField(label=_("指标行"))
    review_problems = serializers.SerializerMethodField(label=_("审核问题"))

    class Meta:
        model = SelfEvaluation
        fields = ["id", "project_year", "project_code", "project_name", "year", "region", "department", "unit",
                  "status", "status_label", "initial_budget", "full_budget", "executed", "execution_reason",
                  "overall_goal_expected", "overall_goal_actual", "conclusion", "problems", "improvements",
                  "claimed_execution_score", "claimed_total", "claimed_grade", "execution_rate", "execution_score",
                  "total_score", "grade", "error_count", "warning_count", "ruleset", "findings", "rows",
                  "review_problems", "row_version", "submitted_at", "accepted_at", "updated_at"]
        read_only_fields = fields

    @property
    def _detail(self):
        return self.context.get("detail", True)

    def get_findings(self, obj) -> SelfEvalFindingSerializer(many=True):
        return (obj.result or {}).get("findings", []) if self._detail else []

    def get_rows(self, obj) -> SelfEvaluationRowSerializer(many=True):
        if not self._detail:
            return []
        return SelfEvaluationRowSerializer(obj.rows.all(), many=True).data

    def get_review_problems(self, obj) -> SelfEvaluationProblemSerializer(many=True):
        if not self._detail:
            return []
        return SelfEvaluationProblemSerializer(obj.review_problems.select_related("raised_by"), many=True).data


class SelfEvalCreateSerializer(serializers.Serializer):
    project_year = serializers.IntegerField(label=_("项目年度编号"))


class SelfEvalRowUpdateSerializer(serializers.Serializer):
    id = serializers.IntegerField(label=_("指标行编号"))
    actual = serializers.CharField(required=False, allow_blank=True, label=_("实际完成值"))
    judgement = serializers.CharField(required=False, allow_blank=True, allow_null=True, label=_("达成比例"),
                                      help_text=_("0–1，或“85%”；只用于定性指标。"))
    reason = serializers.CharField(required=False, allow_blank=True, label=_("评分理由"))
    deviation_note = serializers.CharField(required=False, allow_blank=True, label=_("偏差原因分析及改进措施"))
    applicable = serializers.BooleanField(required=False, label=_("适用"))
    claimed_score = serializers.CharField(required=False, allow_blank=True, allow_null=True, label=_("单位自评得分"))


class SelfEvalUpdateSerializer(serializers.Serializer):
    row_version = serializers.IntegerField(required=False, label=_("版本"),
                                           help_text=_("读取时的 row_version；已被他人修改时返回 409。"))
    execution_reason = serializers.CharField(required=False, allow_blank=True, label=_("执行率偏低原因"))
    overall_goal_actual = serializers.CharField(required=False, allow_blank=True, label=_("总体目标实际完成情况"))
    conclusion = serializers.CharField(required=False, allow_blank=True, label=_("自评结论"))
    problems = serializers.CharField(required=False, allow_blank=True, label=_("存在问题"))
    improvements = serializers.CharField(required=False, allow_blank=True, label=_("改进措施"))
    claimed_execution_score = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                                    label=_("单位自评执行率得分"))
    claimed_total = serializers.CharField(required=False, allow_blank=True, allow_null=True, label=_("单位自评总分"))
    claimed_grade = serializers.CharField(required=False, allow_blank=True, label=_("单位自评等级"))
    rows = SelfEvalRowUpdateSerializer(many=True, required=False, label=_("指标行"))


class SelfEvalStepSerializer(serializers.Serializer):
    row_version = serializers.IntegerField(required=False, label=_("版本"))
    comment = serializers.CharField(required=False, allow_blank=True, default="", label=_("意见"))


class SelfEvalReviewSerializer(SelfEvalStepSerializer):
    decision = serializers.ChoiceField(choices=[("approve", _("通过")), ("return", _("退回"))], label=_("审核结论"))


class SelfEvalProblemCreateSerializer(serializers.Serializer):
    description = serializers.CharField(label=_("问题描述"))
    row = serializers.IntegerField(required=False, allow_null=True, label=_("指标行编号"))
    code = serializers.CharField(required=False, allow_blank=True, default="", label=_("问题类型"))
    deadline = serializers.DateField(required=False, allow_null=True, label=_("整改期限"),
                                     help_text=_("默认按规则集的自评审核退回整改期限。"))


class SelfEvalRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, label=_("行号"))
    indicator = serializers.IntegerField(allow_null=True, label=_("指标行编号"))
    field = serializers.CharField(label=_("字段"))
    label = serializers.CharField(label=_("字段名称"))
    message = serializers.CharField(label=_("说明"))


class SelfEvalErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(label=_("说明"))
    errors = SelfEvalRowErrorSerializer(many=True, label=_("逐行错误"))


class SelfEvalDocumentSerializer(serializers.Serializer):
    """A perfbudget.selfeval/1 document (shared/formats/README.md)."""

    format = serializers.CharField(label=_("格式"), help_text="perfbudget.selfeval/1")
    project = serializers.DictField(required=False, label=_("项目"), help_text="{name, department, unit, year}")
    funds = serializers.DictField(label=_("资金"),
                                  help_text="{initial, full_year, executed, money_unit, weight, claimed_score}")
    indicators = serializers.ListField(child=serializers.DictField(), label=_("指标"),
                                       help_text="[{level1, level2, name, target, actual, weight, judgement, ...}]")
    claimed_total = serializers.FloatField(required=False, allow_null=True, label=_("自评总分"))
    claimed_grade = serializers.CharField(required=False, allow_blank=True, label=_("自评等级"))
    rules = serializers.DictField(required=False, allow_null=True, label=_("规则"))


class SelfEvalScoreSerializer(serializers.Serializer):
    execution_rate = serializers.FloatField(allow_null=True, label=_("执行率"))
    execution_score = serializers.FloatField(allow_null=True, label=_("执行率得分"))
    indicators = serializers.ListField(child=serializers.DictField(), label=_("逐项得分"))
    total_score = serializers.FloatField(label=_("总分"))
    grade = serializers.CharField(label=_("等级"))
    findings = SelfEvalFindingSerializer(many=True, label=_("审核发现"))


def _field_names():
    """{field label in the active language: API field name} for the labels SelfEvalError names."""
    names = {gettext_now("指标"): "rows"}
    for name in ("actual", "judgement", "reason", "deviation_note", "claimed_score"):
        names.setdefault(str(SelfEvaluationRow._meta.get_field(name).verbose_name), name)
    for name in services.HEADER_FIELDS:
        names.setdefault(str(SelfEvaluation._meta.get_field(name).verbose_name), name)
    return names


def error_response(exc, rows):
    names = _field_names()
    ids = [r.pk for r in rows]
    errors = [{"row": row, "indicator": ids[row - 1] if row and 0 < row <= len(ids) else None,
               "field": names.get(str(label), ""), "label": str(label), "message": str(message)}
              for row, label, message in exc.errors]
    return Response({"detail": str(exc), "errors": errors}, status=status.HTTP_400_BAD_REQUEST)


SAVE_RESPONSES = {
    400: OpenApiResponse(SelfEvalErrorSerializer,
                         description=_("填报内容有误：逐行列出（与填报页面相同的中文说明）。")),
    403: FORBIDDEN, 404: NOT_FOUND,
    409: OpenApiResponse(description=_("版本已过期，或自评表当前状态不允许修改。")),
}


@extend_schema_view(
    list=extend_schema(summary=_("单位自评表列表"),
                       description=_("当前用户范围内的自评表（预算单位只见本单位，主管部门只见所属单位，财政局见本区划及下级，"
                                     "第三方机构只见指定其审核的）；可按年度、区划、状态、等级等筛选。列表不含指标行。")),
    retrieve=extend_schema(summary=_("单位自评表详情"),
                           description=_("含指标行（得分、完成率、评分说明）、审核发现和审核问题。"
                                         "范围外或不存在的记录返回 404。")),
    create=extend_schema(
        summary=_("生成单位自评表"),
        description=_("本区划财政局绩效科为一个有已批复绩效目标的项目年度生成自评表（资金取自项目年度和执行数据，指标取自已批复目标）。"
                      "没有已批复目标返回 400；已有自评表返回 409。"),
        request=SelfEvalCreateSerializer,
        responses={201: SelfEvaluationSerializer,
                   400: OpenApiResponse(description=_("字段有误（如项目年度没有已批复的绩效目标）。")),
                   403: FORBIDDEN, 409: CONFLICT}),
    partial_update=extend_schema(
        summary=_("填报单位自评表"),
        description=_("预算单位保存实际完成值、达成比例、评分理由、偏差原因分析及改进措施、适用与否、自评得分和自评结论等"
                      "（只改所给字段；指标行按 id 指定），全部通过才保存，并按规则集重新计算得分。"),
        request=SelfEvalUpdateSerializer, responses={200: SelfEvaluationSerializer, **SAVE_RESPONSES}),
)
@extend_schema(tags=["evaluation"])
class SelfEvaluationViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                            viewsets.ReadOnlyModelViewSet):
    """单位自评表: the same rows, scope, scoring and workflow as the pages."""

    model = SelfEvaluation
    workflow = SELFEVAL_WORKFLOW
    serializer_class = SelfEvaluationSerializer
    filterset_class = SelfEvaluationFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    scope_actions = {"create": VIEW, "score": VIEW, "review": VIEW, "problems": VIEW, "submit": VIEW}
    ordering_fields = {"code": "project_year__project__code", "year": "project_year__year",
                       "total_score": "total_score", "status": "status", "updated_at": "updated_at"}

    def refine_queryset(self, queryset):
        return queryset.with_related()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "detail": self.action != "list"}

    def _respond(self, se, status_code=status.HTTP_200_OK):
        fresh = SelfEvaluation.objects.with_related().get(pk=se.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = SelfEvalCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        py = ProjectYear.objects.visible_to(request.user).filter(pk=serializer.validated_data["project_year"]).first()
        if py is None:
            raise serializers.ValidationError({"project_year": [_("项目年度不存在或不在您的查看范围内。")]})
        try:
            se, created = services.create_selfeval(py, request.user)
        except services.SelfEvalError as exc:
            raise serializers.ValidationError({"project_year": [str(exc)]}) from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        if not created:
            raise Conflict(_("该项目年度已有自评表。"))
        return self._respond(se, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        se = self.get_object()
        serializer = SelfEvalUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        header = {k: data[k] for k in services.HEADER_FIELDS if k in data}
        rows = rows_by_id(data.get("rows", []), services.ROW_FIELDS)
        try:
            services.save_selfeval(se, request.user, header, rows, expected_version=data.get("row_version"))
        except services.SelfEvalError as exc:
            if exc.errors:
                return error_response(exc, list(se.rows.all()))
            raise Conflict(str(exc)) from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return self._respond(se)

    @extend_schema(
        summary=_("提交单位自评表"),
        description=_("预算单位提交填报中或已退回的自评表（主管部门汇总时先送主管部门，否则送财政联合审核）。"
                      "有未完成项时返回 409，说明逐条列出。"),
        request=SelfEvalStepSerializer,
        responses={200: SelfEvaluationSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        se = self.get_object()
        serializer = SelfEvalStepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.require_step(se, "submit")
        try:
            services.submit(se, request.user, serializer.validated_data["comment"],
                            serializer.validated_data.get("row_version"))
        except WorkflowError as exc:
            raise Conflict(str(exc)) from exc
        return self._respond(se)

    @extend_schema(
        summary=_("审核单位自评表"),
        description=_("主管部门通过（报财政）或退回；财政联合审核时绩效科通过，绩效科或业务科室退回整改（须先提出审核问题）。"
                      "非本环节审核人返回 403，状态不允许或版本已过期返回 409。"),
        request=SelfEvalReviewSerializer,
        responses={200: SelfEvaluationSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        se = self.get_object()
        serializer = SelfEvalReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        steps = {"dept_review": ("dept_approve", "dept_return"), "bureau_review": ("accept", "bureau_return")}
        if se.status in steps:
            self.require_step(se, steps[se.status][0 if data["decision"] == "approve" else 1])
        try:
            services.review(se, request.user, data["decision"], data["comment"], data.get("row_version"))
        except WorkflowError as exc:
            raise Conflict(str(exc)) from exc
        return self._respond(se)

    @extend_schema(
        summary=_("提出自评审核问题"),
        description=_("财政联合审核时，绩效科、业务科室或指定的第三方机构对整表或某一指标行提出问题，附整改期限。"),
        request=SelfEvalProblemCreateSerializer,
        responses={201: SelfEvaluationProblemSerializer,
                   400: OpenApiResponse(SelfEvalErrorSerializer, description=_("字段有误。")),
                   403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def problems(self, request, pk=None):
        se = self.get_object()
        serializer = SelfEvalProblemCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        row = None
        if data.get("row"):
            row = SelfEvaluationRow.objects.filter(self_evaluation=se, pk=data["row"]).first()
            if row is None:
                raise serializers.ValidationError({"row": [_("该指标行不属于本自评表。")]})
        try:
            problem = services.raise_problem(se, request.user, data["description"], row=row, code=data["code"],
                                             deadline=data.get("deadline"))
        except services.SelfEvalError as exc:
            if exc.errors:
                return error_response(exc, [])
            raise Conflict(str(exc)) from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(SelfEvaluationProblemSerializer(problem).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("按规则计算自评表得分"),
        description=_("对一份 perfbudget.selfeval/1 文档计分并审核单位自报得分（全国默认规则，文档中的 rules 可覆盖），"
                      "不写数据库。文档无法读取时返回 400，指明字段与原因。"),
        request=SelfEvalDocumentSerializer,
        responses={200: SelfEvalScoreSerializer,
                   400: OpenApiResponse(FormatErrorSerializer,
                                        description=_("文档无法按 perfbudget.selfeval/1 读取。"))},
        filters=False,
    )
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[], parser_classes=[JSONParser])
    def score(self, request):
        # The raw body: the loader reads UTF-8 (with or without BOM) and GB18030 and names what it cannot read.
        try:
            result = services.score_document(request.body)
        except FormatError as exc:
            return Response({"detail": str(exc), "field": exc.field, "reason": exc.reason},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(result)


def register(router):
    """Add this app's view sets to the API router."""
    router.register("self-evaluations", SelfEvaluationViewSet, basename="self-evaluation")
    from .evaluation_spot import register as register_spot

    register_spot(router)
