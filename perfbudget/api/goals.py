"""绩效目标 in the API: `/api/goals/` with the indicator rows nested, declared, submitted and reviewed through
`goals.services` (the same checks, messages and workflow as the pages), and `/api/goals/check/` for the quality
check of a perfbudget.goals/1 document.

Errors: rows that fail validation → 400 `{"detail", "errors": [{"row", "field", "message"}]}` (the RowErrors the
page shows, row 1-based, null for the whole table); a stale `row_version` or a step the goal's state does not
allow → 409 `{"detail"}`; a role that may not take the step → 403; a goal out of scope → 404.
"""


from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from perfbudget.core.scopes import VIEW
from perfbudget.core.workflow import WorkflowError
from perfbudget.core.workflow import history as workflow_history
from perfbudget.goals import goalfile, quality, services
from perfbudget.goals.choices import CRITERION_MAX, GoalKind, GoalStatus
from perfbudget.goals.filtersets import GoalFilterSet
from perfbudget.goals.models import Goal, GoalIndicator
from perfbudget.goals.workflow import GOAL_WORKFLOW, REVIEW_ACTIONS
from perfbudget.indicators.choices import Basis, Comparator
from perfbudget.orgs.models import Region
from perfbudget.projects.models import ProjectYear
from perfbudget.rulesets.services import resolve

from .base import ScopedViewSetMixin
from .indicators import DetailSerializer
from .serializers import _code_name, _label, _text

# The comparators of a row, with the spellings the page and the import accept for them on input.
COMPARATOR_CHOICES = [*Comparator.choices, *((x, x) for x in ("≥", "≤", "=", "＝", "区间", "定性"))]
HEADER_FIELDS = ("overall_goal", "annual_goal", "change_reason", "warning_reasons", "addition_amount")


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("操作与该记录的当前状态冲突，请刷新后重试。")
    default_code = "conflict"


# --- representations ------------------------------------------------------------------------------------

class GoalRowSerializer(serializers.Serializer):
    """One level-three indicator row. On input every field is read leniently, as the page reads it (`≥`, `区间`,
    `定性`, `计划标准` are accepted too) and checked by the same rules; `printed` and `position` are output only."""

    position = serializers.IntegerField(label=_label(GoalIndicator, "position"), read_only=True)
    level1 = serializers.CharField(label=_label(GoalIndicator, "level1"), help_text=_("如“产出指标”。"))
    level2 = serializers.CharField(label=_label(GoalIndicator, "level2"), help_text=_("如“数量指标”。"))
    name = serializers.CharField(label=_label(GoalIndicator, "name"))
    comparator = serializers.ChoiceField(choices=COMPARATOR_CHOICES, default=Comparator.GE,
                                         label=_label(GoalIndicator, "comparator"),
                                         help_text=_("输出为 ge、le、eq、range、qual；"
                                                     "输入也接受 ≥、≤、=、＝、区间、定性。"))
    target = serializers.CharField(label=_label(GoalIndicator, "target"),
                                   help_text=_("数值、日期或（定性指标）文字，不含比较符号和单位。"))
    upper = serializers.CharField(label=_label(GoalIndicator, "upper"), required=False, allow_blank=True,
                                  help_text=_("仅区间指标。"))
    unit = serializers.CharField(label=_label(GoalIndicator, "unit"), required=False, allow_blank=True)
    basis = serializers.ChoiceField(choices=Basis.choices, default=Basis.PLAN, label=_label(GoalIndicator, "basis"))
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, required=False,
                                      label=_label(GoalIndicator, "weight"))
    is_core = serializers.BooleanField(label=_label(GoalIndicator, "is_core"), default=False)
    entry = serializers.IntegerField(source="entry_id", allow_null=True, required=False,
                                     label=_label(GoalIndicator, "entry"), help_text=_("指标库指标编号（可选）。"))
    note = serializers.CharField(label=_label(GoalIndicator, "note"), required=False, allow_blank=True)
    printed = serializers.CharField(label=_("指标值（打印格式）"), read_only=True,
                                    help_text=_("如“≥3200平方米”“90%-100%”“2025年8月31日前”。"))


@extend_schema_field(GoalRowSerializer(many=True))
class RowsField(serializers.Field):
    """The rows as given (dicts), to be cleaned by `goals.rows.clean_rows`; the saved rows on output."""

    default_error_messages = {"invalid": _("应为指标行（对象）的列表。")}

    def to_internal_value(self, data):
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            self.fail("invalid")
        return [dict(row) for row in data]

    def to_representation(self, value):
        return GoalRowSerializer(value.all(), many=True).data


class FindingSerializer(serializers.Serializer):
    """质量检查发现."""

    code = serializers.CharField(label=_("检查代码"))
    severity = serializers.ChoiceField(choices=[("error", _("错误")), ("warning", _("提示")), ("info", _("建议"))],
                                       label=_("严重程度"),
                                       help_text=_("error 须改正；warning 须说明理由；info 为建议。"))
    indicator = serializers.IntegerField(allow_null=True, label=_("指标行"),
                                         help_text=_("指标在列表中的位置（从 0 起），null 表示整表。"))
    message = serializers.CharField(label=_("说明"))
    key = serializers.CharField(label=_("说明理由的键"), help_text=_("提交时在 reasons 中按此键填写理由：“代码:行”。"))
    reason = serializers.CharField(required=False, label=_("已填写的理由"))


class CountsSerializer(serializers.Serializer):
    error = serializers.IntegerField(label=_("错误数"))
    warning = serializers.IntegerField(label=_("提示数"))
    info = serializers.IntegerField(label=_("建议数"))


class QualitySummarySerializer(serializers.Serializer):
    """The stored quality report of a goal, in short."""

    counts = CountsSerializer(label=_("按严重程度计数"))
    passed = serializers.BooleanField(label=_("无错误"))
    quantified_share = serializers.FloatField(label=_("量化指标占比"))
    indicator_count = serializers.IntegerField(label=_("指标数"))
    findings = FindingSerializer(many=True, label=_("发现"))


class QualityReportSerializer(serializers.Serializer):
    """The full quality report of a perfbudget.goals/1 document (`quality.check_goals`)."""

    format = serializers.CharField(label=_("格式"))
    project = serializers.DictField(label=_("项目"))
    findings = FindingSerializer(many=True, label=_("发现"))
    counts = CountsSerializer(label=_("按严重程度计数"))
    passed = serializers.BooleanField(label=_("无错误"))
    quality_score = serializers.FloatField(label=_("质量得分"), help_text="0–100")
    quantified_share = serializers.FloatField(label=_("量化指标占比"))
    quantified_count = serializers.IntegerField(label=_("量化指标数"))
    indicator_count = serializers.IntegerField(label=_("指标数"))
    indicators = serializers.ListField(child=serializers.DictField(), label=_("逐项解析结果"))
    rules = serializers.DictField(label=_("所用规则"))


class WorkflowRecordSerializer(serializers.Serializer):
    """流转记录: one step of the review path, with the reviewer's comment, scores and per-row comments."""

    action = serializers.CharField(label=_("操作"))
    action_label = serializers.CharField(label=_("操作名称"))
    from_state = serializers.CharField(label=_("原状态"))
    to_state = serializers.CharField(label=_("新状态"))
    user = serializers.CharField(source="user.__str__", label=_("操作人"))
    role = serializers.CharField(label=_("角色"))
    comment = serializers.CharField(label=_("意见"))
    remarks = serializers.JSONField(label=_("评分与逐项意见"),
                                    help_text="{criteria, criteria_total, indicators: {row: {name, comment}}}")
    at = serializers.DateTimeField(label=_("时间"))


def _findings(report, reasons=None):
    out = []
    for f in (report or {}).get("findings", []):
        row = dict(f, key=services.finding_key(f))
        if reasons is not None:
            row["reason"] = (reasons.get(row["key"]) or "").strip()
        out.append(row)
    return out


class GoalSerializer(serializers.ModelSerializer):
    """绩效目标申报表 with its indicator rows.

    Create with `project_year`, optional `kind`, the goal texts and `indicators`; update the texts and the rows
    (sending `row_version` refuses the change when someone saved in between). `history` comes with the detail
    and the results of actions only (null in lists).
    """

    url = serializers.HyperlinkedIdentityField(view_name="api:goal-detail")
    project_year = serializers.PrimaryKeyRelatedField(
        queryset=ProjectYear.objects.none(), required=False, label=_label(Goal, "project_year"),
        help_text=_("项目年度预算编号（/api/projects/ 的 id）；创建时必填，之后不可更改。"))
    project_code = _text("project_year.project.code", _("项目代码"))
    project_name = _text("project_year.project.name", _("项目名称"))
    year = serializers.IntegerField(source="project_year.year", label=_("预算年度"), read_only=True)
    unit_code, unit_name = _code_name("project_year.project.unit", _("预算单位"))
    department_code, department_name = _code_name("project_year.project.department", _("主管部门"))
    region_code, region_name = _code_name("project_year.project.region", _("区划"))
    kind = serializers.ChoiceField(choices=GoalKind.choices, default=GoalKind.ANNUAL, label=_label(Goal, "kind"),
                                   help_text=_("仅创建时有效。"))
    kind_label = _text("get_kind_display", _("申报类型名称"))
    status_label = _text("get_status_display", _("状态名称"))
    warning_reasons = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, label=_label(Goal, "warning_reasons"),
        help_text=_("对质量检查提示的逐条说明：{“代码:行”: 理由}。"))
    quality_report = serializers.SerializerMethodField(label=_("质量检查结果"))
    indicators = RowsField(source="rows", required=False, label=_("绩效指标"))
    history = serializers.SerializerMethodField(label=_("流转记录"))
    row_version = serializers.IntegerField(
        required=False, min_value=1, label=_label(Goal, "row_version"),
        help_text=_("读出时为当前版本；修改时回传所见版本，若已被他人修改则返回 409。"))

    class Meta:
        model = Goal
        fields = ["id", "url", "project_year", "project_code", "project_name", "year", "unit_code", "unit_name",
                  "department_code", "department_name", "region_code", "region_name", "kind", "kind_label",
                  "version", "previous", "status", "status_label", "overall_goal", "annual_goal", "change_reason",
                  "addition_amount", "warning_reasons", "quality_score", "quality_report", "ruleset", "approved_at",
                  "indicators", "history", "row_version", "created_at", "updated_at"]
        read_only_fields = ["version", "previous", "status", "quality_score", "ruleset", "approved_at", "created_at",
                            "updated_at"]
        validators = []  # versions are numbered by services.start_goal

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["project_year"].queryset = ProjectYear.objects.visible_to(request.user)
        return fields

    def validate(self, attrs):
        if self.instance is None:
            pairs = (("project_year", "project_year"), ("indicators", "rows"))
            missing = {f: [_("该字段是必填项。")] for f, key in pairs if key not in attrs}
            if missing:
                raise serializers.ValidationError(missing)
        elif "project_year" in attrs and attrs["project_year"].pk != self.instance.project_year_id:
            raise serializers.ValidationError({"project_year": [_("不能更改绩效目标所属的项目年度。")]})
        return attrs

    @extend_schema_field(QualitySummarySerializer(allow_null=True))
    def get_quality_report(self, goal):
        report = goal.quality_report
        if not report:
            return None
        return {"counts": report.get("counts", {"error": 0, "warning": 0, "info": 0}),
                "passed": report.get("passed", False), "quantified_share": report.get("quantified_share", 0),
                "indicator_count": report.get("indicator_count", 0),
                "findings": _findings(report, goal.warning_reasons or {})}

    @extend_schema_field(WorkflowRecordSerializer(many=True, allow_null=True))
    def get_history(self, goal):
        if not self.context.get("detail"):
            return None
        return WorkflowRecordSerializer(workflow_history(goal), many=True).data


class SubmitSerializer(serializers.Serializer):
    """提交审核: optional reasons for the quality warnings (saved first), a comment and the version seen."""

    reasons = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False,
                                    label=_("预警说明"),
                                    help_text=_("{“代码:行”: 理由}，与已保存的理由合并；空字符串删除该条。"))
    comment = serializers.CharField(required=False, allow_blank=True, default="", label=_("意见"))
    row_version = serializers.IntegerField(required=False, min_value=1, label=_("所见版本"))


class CriteriaSerializer(serializers.Serializer):
    """Scores on the four review criteria, each 0–25 (any may be left out)."""

    completeness = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=CRITERION_MAX,
                                            required=False, allow_null=True, label=_("完整性"))
    relevance = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=CRITERION_MAX,
                                         required=False, allow_null=True, label=_("相关性"))
    feasibility = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=CRITERION_MAX,
                                           required=False, allow_null=True, label=_("可行性"))
    appropriateness = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0,
                                               max_value=CRITERION_MAX, required=False, allow_null=True,
                                               label=_("适当性"))


class ReviewSerializer(serializers.Serializer):
    """审核: approve or return at the goal's current step (主管部门 → 业务科室 → 绩效科)."""

    action = serializers.ChoiceField(choices=[("approve", _("审核通过")), ("return", _("退回修改"))],
                                     label=_("审核结论"))
    comment = serializers.CharField(required=False, allow_blank=True, default="", label=_("审核意见"),
                                    help_text=_("退回时必填。"))
    criteria = CriteriaSerializer(required=False, label=_("评分"))
    indicator_comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, label=_("逐项意见"),
        help_text=_("{指标行（从 0 起）: 意见}，如 {\"0\": \"目标值偏低\"}。"))
    row_version = serializers.IntegerField(required=False, min_value=1, label=_("所见版本"))

    def validate(self, attrs):
        if attrs["action"] == "return" and not attrs.get("comment", "").strip():
            raise serializers.ValidationError({"comment": [_("退回修改必须填写意见。")]})
        n = self.context["rows"]
        bad = [k for k in attrs.get("indicator_comments", {}) if not (k.isdigit() and int(k) < n)]
        if bad:
            raise serializers.ValidationError({"indicator_comments": [
                _("逐项意见指向不存在的指标行：%(r)s") % {"r": "、".join(bad)}]})
        return attrs


class GoalFileSerializer(serializers.Serializer):
    """A perfbudget.goals/1 document (shared/formats/README.md); read leniently by `goalfile.load`."""

    format = serializers.CharField(label=_("格式"), help_text="perfbudget.goals/1")
    project = serializers.DictField(required=False, label=_("项目"),
                                    help_text="{name, unit, year, amount, money_unit, special_fund}")
    overall_goal = serializers.CharField(required=False, allow_blank=True, label=_("总体目标"))
    indicators = serializers.ListField(child=serializers.DictField(), label=_("指标"),
                                       help_text="[{level1, level2, name, target, unit?, weight?}]")
    history = serializers.ListField(child=serializers.DictField(), required=False, label=_("往年指标"))
    rules = serializers.DictField(required=False, allow_null=True, label=_("规则"))


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, label=_("行号"), help_text=_("从 1 起；null 表示整张指标表。"))
    field = serializers.CharField(label=_("字段"), help_text=_("如 target、weight；整表为空字符串。"))
    message = serializers.CharField(label=_("说明"))


class GoalErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(label=_("说明"))
    errors = RowErrorSerializer(many=True, label=_("逐行错误"))


class FormatErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(label=_("说明"))
    field = serializers.CharField(label=_("字段"), help_text=_("如 indicators[3].target；整个文档为 $。"))
    reason = serializers.CharField(label=_("原因"))


def goal_error_response(exc):
    errors = [{"row": e.row, "field": e.field, "message": e.message} for e in exc.errors]
    return Response({"detail": str(exc), "errors": errors}, status=status.HTTP_400_BAD_REQUEST)


FORBIDDEN = OpenApiResponse(DetailSerializer, description=_("无权执行该操作（如只读角色、非本环节审核人）。"))
NOT_FOUND = OpenApiResponse(DetailSerializer, description=_("记录不存在或不在您的查看范围内。"))
CONFLICT = OpenApiResponse(DetailSerializer, description=_("版本已过期，或该目标当前状态不允许此操作。"))
SAVE_RESPONSES = {
    400: OpenApiResponse(GoalErrorSerializer, description=_("指标行有误：逐行列出（与申报页面相同的中文说明）。")),
    403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT,
}


@extend_schema_view(
    list=extend_schema(summary=_("绩效目标列表"),
                       description=_("当前用户范围内各项目年度的现行绩效目标（不含已调整的历史版本，"
                                     "除非 `status=superseded`），含指标行与质量检查摘要。")),
    retrieve=extend_schema(summary=_("绩效目标详情"), description=_("含流转记录。范围外或不存在的记录返回 404。")),
    create=extend_schema(summary=_("申报绩效目标"),
                         description=_("预算单位为本单位的项目年度新建绩效目标草稿并保存指标行；指标行有误时不创建。"
                                       "该项目年度已有现行目标时返回 409。"),
                         responses={201: GoalSerializer, **SAVE_RESPONSES}),
    update=extend_schema(summary=_("修改绩效目标"),
                         description=_("替换目标文字和全部指标行（草稿或已退回状态，仅预算单位）。"),
                         responses={200: GoalSerializer, **SAVE_RESPONSES}),
    partial_update=extend_schema(summary=_("部分修改绩效目标"),
                                 description=_("只改所给字段；不给 `indicators` 时保留原指标行。"),
                                 responses={200: GoalSerializer, **SAVE_RESPONSES}),
)
@extend_schema(tags=["goals"])
class GoalViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                  viewsets.ReadOnlyModelViewSet):
    """绩效目标: the same rows, filters, scope and workflow as the goal pages."""

    model = Goal
    workflow = GOAL_WORKFLOW
    serializer_class = GoalSerializer
    filterset_class = GoalFilterSet
    scope_actions = {"check": VIEW}
    ordering_fields = {
        "code": "project_year__project__code",
        "name": "project_year__project__name",
        "year": "project_year__year",
        "status": "status",
        "quality_score": "quality_score",
        "updated_at": "updated_at",
    }

    def refine_queryset(self, queryset):
        queryset = queryset.with_related().prefetch_related("rows")
        if self.action == "list" and self.request.query_params.get("status") != GoalStatus.SUPERSEDED:
            queryset = queryset.current()
        return queryset

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "detail": self.action != "list"}

    def _respond(self, goal, status_code=status.HTTP_200_OK):
        fresh = Goal.objects.with_related().prefetch_related("rows").get(pk=goal.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    @staticmethod
    def _header(data):
        return {f: data[f] for f in HEADER_FIELDS if f in data}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            with transaction.atomic():
                try:
                    goal = services.start_goal(data["project_year"], request.user, kind=data.get("kind", "annual"),
                                               reason=data.get("change_reason", ""))
                except services.GoalError as exc:
                    raise Conflict(str(exc)) from exc
                services.save_goal(goal, request.user, self._header(data), data["rows"])
        except services.GoalError as exc:  # the draft is rolled back with the rows
            return goal_error_response(exc)
        return self._respond(goal, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        goal = self.get_object()
        serializer = self.get_serializer(goal, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rows = data["rows"] if "rows" in data else services.goal_rows(goal)
        seen = data.get("row_version")
        try:
            services.save_goal(goal, request.user, self._header(data), rows, expected_version=seen)
        except services.GoalError as exc:
            if seen is not None and not Goal.objects.filter(pk=goal.pk, row_version=seen).exists():
                raise Conflict(str(exc)) from exc
            return goal_error_response(exc)
        return self._respond(goal)

    @extend_schema(
        summary=_("提交审核"),
        description=_("预算单位提交草稿或已退回的绩效目标。可同时提交对质量提示的说明"
                      "（`reasons`，键为检查发现的 `key`），先保存再提交；"
                      "质量检查有错误或提示未说明理由时返回 409 并说明原因，此时不保存任何内容。"),
        request=SubmitSerializer,
        responses={200: GoalSerializer, **SAVE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        goal = self.get_object()
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.require_step(goal, "submit")
        seen = data.get("row_version")
        try:
            services.submit(goal, request.user, comment=data["comment"], expected_version=seen,
                            reasons=data.get("reasons"))
        except (WorkflowError, services.GoalError) as exc:
            raise Conflict(str(exc)) from exc
        return self._respond(goal)

    @extend_schema(
        summary=_("审核绩效目标"),
        description=_("当前环节的审核人（主管部门、业务科室、绩效科）通过或退回，可附四项评分（各 0–25）和逐项意见；"
                      "绩效科通过即批复。非本环节审核人返回 403，目标不在审核环节或版本已过期返回 409。"),
        request=ReviewSerializer,
        responses={200: GoalSerializer, 400: OpenApiResponse(description=_("字段有误（如退回未填意见）。")),
                   403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        goal = self.get_object()
        serializer = ReviewSerializer(data=request.data, context={"rows": goal.rows.count()})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actions = REVIEW_ACTIONS.get(goal.status)
        if actions is not None:
            self.require_step(goal, actions[0] if data["action"] == "approve" else actions[1])
        criteria = {k: v for k, v in (data.get("criteria") or {}).items() if v is not None}
        try:
            services.review(goal, request.user, data["action"], comment=data["comment"], criteria=criteria,
                            indicator_comments=data.get("indicator_comments"), expected_version=data.get("row_version"))
        except WorkflowError as exc:
            raise Conflict(str(exc)) from exc
        return self._respond(goal)

    @extend_schema(
        summary=_("绩效目标质量检查"),
        description=_("对一份 perfbudget.goals/1 文档做质量检查（不保存）。规则为全国默认（文档中的 `rules` 可覆盖），"
                      "给出 `region`（区划代码）时按该区划该年度（`year`，默认取文档中的项目年度或当年）生效的规则集。"
                      "文档无法读取时返回 400，指明字段与原因。"),
        request=GoalFileSerializer,
        parameters=[
            OpenApiParameter("region", OpenApiTypes.STR, description=_("区划代码：按其规则集检查。")),
            OpenApiParameter("year", OpenApiTypes.INT, description=_("规则集年度。")),
        ],
        responses={200: QualityReportSerializer,
                   400: OpenApiResponse(FormatErrorSerializer, description=_("文档无法按 perfbudget.goals/1 读取。"))},
        filters=False,
    )
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[], parser_classes=[JSONParser])
    def check(self, request):
        # The raw body: goalfile.load reads UTF-8 (with or without BOM) and GB18030 and names what it cannot read.
        body = request.body
        try:
            table = goalfile.load(body)
        except goalfile.FormatError as exc:
            return Response({"detail": str(exc), "field": exc.field, "reason": exc.reason},
                            status=status.HTTP_400_BAD_REQUEST)
        rules = self._check_rules(request, table)
        try:
            report = quality.check_goals(table, rules)
        except goalfile.FormatError as exc:
            return Response({"detail": str(exc), "field": exc.field, "reason": exc.reason},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(dict(report, findings=_findings(report)))

    def _check_rules(self, request, table):
        code = (request.query_params.get("region") or "").strip()
        year_text = (request.query_params.get("year") or "").strip()
        year = None
        if year_text:
            if not year_text.isdigit() or not 1990 <= int(year_text) <= 2100:
                raise serializers.ValidationError({"year": [_("请输入有效的年度。")]})
            year = int(year_text)
        if not code:
            return None
        region = Region.objects.visible_to(request.user).filter(code=code).first()
        if region is None:
            raise serializers.ValidationError({"region": [_("区划代码不存在或不在您的查看范围内。")]})
        year = year or (table.get("project") or {}).get("year") or timezone.localdate().year
        return quality.rules_from_values(resolve(region, year).values)

