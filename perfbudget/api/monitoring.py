"""运行监控 in the API: rounds, forms (filled, submitted and reviewed through `monitoring.services_forms`, the same
checks, messages and workflow as the pages), warnings, and the negative list (`monitoring.services_actions`).

Errors: entries that fail validation → 400 `{"detail", "errors": [{"row", "indicator", "field", "label",
"message"}]}` (row 1-based, null for the form's header); a stale `row_version` or a step the form's state does not
allow → 409 `{"detail"}` (submission also lists `problems`); a role that may not take the step → 403; a row out of
scope → 404 (403 when the caller may see it but not change it).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from perfbudget.core.scopes import CHANGE, assert_in_scope
from perfbudget.core.workflow import WorkflowError
from perfbudget.monitoring import services_actions, services_forms, services_rounds
from perfbudget.monitoring.choices import (
    FORM_EDITABLE,
    RoundStatus,
)
from perfbudget.monitoring.filtersets import (
    FormApiFilterSet,
    NegativeListApiFilterSet,
    RoundFilterSet,
    WarningApiFilterSet,
)
from perfbudget.monitoring.models import (
    FormIndicator,
    MonitoringForm,
    MonitoringRound,
    MonitoringWarning,
    NegativeListEntry,
)
from perfbudget.monitoring.workflow import FORM_WORKFLOW, REVIEW_ACTIONS
from perfbudget.orgs.choices import Role

from .base import ScopedViewSetMixin, rows_by_id
from .goals import CONFLICT, FORBIDDEN, NOT_FOUND, Conflict
from .indicators import DetailSerializer
from .serializers_monitoring import (
    FormCreateSerializer,
    FormErrorSerializer,
    FormReviewSerializer,
    FormSubmitSerializer,
    FormUpdateSerializer,
    LiftSerializer,
    MonitoringFormSerializer,
    NegativeListCreateSerializer,
    NegativeListSerializer,
    RoundSerializer,
    SubmitConflictSerializer,
    WarningSerializer,
)

# --- rounds -------------------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary=_("监控轮次列表"),
                       description=_("当前用户可见区划的监控轮次，可按年度、区划、状态筛选。")),
    retrieve=extend_schema(summary=_("监控轮次详情"), description=_("范围外或不存在的记录返回 404。")),
)
@extend_schema(tags=["monitoring"])
class RoundViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """监控轮次."""

    model = MonitoringRound
    serializer_class = RoundSerializer
    filterset_class = RoundFilterSet
    ordering_fields = {"year": "year", "through_month": "through_month", "due_on": "due_on",
                       "region": "region__path", "status": "status"}

    def refine_queryset(self, queryset):
        return queryset.select_related("region")


# --- forms --------------------------------------------------------------------------------------------------

def _field_names():
    """{field label in the active language: API field name} for the labels FormError names."""
    names = {gettext_now("全年预计执行数"): "forecast_amount", gettext_now("指标"): "indicators",
             gettext_now("完成可能性"): "likelihood", gettext_now("偏差原因"): "cause"}
    for name in ("actual", "forecast", "cause_detail", "measure", "likelihood", "cause"):
        names.setdefault(str(FormIndicator._meta.get_field(name).verbose_name), name)
    for name in ("forecast_amount", "execution_note", "overall_progress"):
        names.setdefault(str(MonitoringForm._meta.get_field(name).verbose_name), name)
    return names


def form_error_response(exc, indicators):
    names = _field_names()
    ids = [i.pk for i in indicators]
    errors = [{"row": row, "indicator": ids[row - 1] if row and 0 < row <= len(ids) else None,
               "field": names.get(str(label), ""), "label": str(label), "message": str(message)}
              for row, label, message in exc.errors]
    return Response({"detail": str(exc), "errors": errors}, status=status.HTTP_400_BAD_REQUEST)


SAVE_RESPONSES = {
    400: OpenApiResponse(FormErrorSerializer, description=_("填报内容有误：逐行列出（与填报页面相同的中文说明）。")),
    403: FORBIDDEN, 404: NOT_FOUND,
    409: OpenApiResponse(DetailSerializer, description=_("版本已过期，或监控表当前状态（或轮次已结束）不允许修改。")),
}


@extend_schema_view(
    list=extend_schema(summary=_("绩效监控表列表"),
                       description=_("当前用户范围内的监控表（预算单位只见本单位，主管部门只见所属单位，财政局见本区划及下级），"
                                     "含指标行；可按轮次、状态、预警等级、主管部门筛选。")),
    retrieve=extend_schema(summary=_("绩效监控表详情"),
                           description=_("含指标行、执行率、提交前须处理的问题和流转记录。"
                                         "范围外或不存在的记录返回 404。")),
    partial_update=extend_schema(
        summary=_("填报绩效监控表"),
        description=_("预算单位保存全年预计执行数、执行偏差原因及纠偏措施、总体目标完成情况和各指标的完成值、预计值、"
                      "完成可能性、偏差原因和纠偏措施（只改所给字段；指标行按 id 指定）。全部通过才保存。"),
        request=FormUpdateSerializer, responses={200: MonitoringFormSerializer, **SAVE_RESPONSES}),
    create=extend_schema(
        summary=_("添加监控表"),
        description=_("本区划财政局绩效科为填报中的轮次添加一个项目的监控表（按本轮截至月份预填执行数和已批复的绩效指标）。"
                      "该项目在本轮已有监控表或轮次不在填报中时返回 409。"),
        request=FormCreateSerializer,
        responses={201: MonitoringFormSerializer,
                   400: OpenApiResponse(description=_("字段有误（如项目不属于本轮区划或年度）。")),
                   403: FORBIDDEN, 409: CONFLICT}),
)
@extend_schema(tags=["monitoring"])
class MonitoringFormViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                            viewsets.ReadOnlyModelViewSet):
    """绩效监控表: the same rows, scope and workflow as the monitoring pages."""

    model = MonitoringForm
    workflow = FORM_WORKFLOW
    serializer_class = MonitoringFormSerializer
    filterset_class = FormApiFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    ordering_fields = {
        "code": "project_year__project__code",
        "name": "project_year__project__name",
        "status": "status",
        "level": "level",
        "full_budget": "full_budget",
        "executed": "executed",
        "due_on": "due_on",
        "updated_at": "updated_at",
    }

    def refine_queryset(self, queryset):
        return queryset.with_related().prefetch_related("indicators")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "detail": self.action != "list"}

    def _respond(self, form, status_code=status.HTTP_200_OK):
        fresh = MonitoringForm.objects.with_related().prefetch_related("indicators").get(pk=form.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = FormCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        rnd, py = serializer.validated_data["round"], serializer.validated_data["project_year"]
        offices = MonitoringRound.objects.visible_to(request.user, CHANGE, roles=(Role.PERFORMANCE_OFFICE,))
        if not offices.filter(pk=rnd.pk).exists():
            raise PermissionDenied(_("只有本区划财政局绩效科可以添加监控表。"))
        if py.project.region_id != rnd.region_id or py.year != rnd.year:
            raise serializers.ValidationError({"project_year": [_("该项目不属于本轮监控的区划和年度。")]})
        if py.status not in services_rounds.EXECUTING:
            raise serializers.ValidationError({"project_year": [
                _("只有已入库或预算已批复的项目可以纳入监控（该项目状态为「%(s)s」）。")
                % {"s": py.get_status_display()}]})
        with transaction.atomic():
            locked = MonitoringRound.objects.select_for_update().get(pk=rnd.pk)
            if locked.status != RoundStatus.OPEN:
                raise Conflict(_("只有填报中的监控轮次可以添加监控表。"))
            if MonitoringForm.objects.filter(round=locked, project_year=py).exists():
                raise Conflict(_("该项目在本轮已有监控表。"))
            services_rounds.create_forms(locked, [py])
            form = MonitoringForm.objects.get(round=locked, project_year=py)
            assert_in_scope(form, request.user, CHANGE)
        return self._respond(form, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        form = self.get_object()
        serializer = FormUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        header = {k: data[k] for k in services_forms.HEADER_FIELDS if k in data}
        rows = rows_by_id(data.get("indicators", []), services_forms.ROW_FIELDS)
        try:
            services_forms.save_form(form, request.user, header, rows, expected_version=data.get("row_version"))
        except services_forms.FormError as exc:
            if exc.errors:
                return form_error_response(exc, list(form.indicators.all()))
            raise Conflict(str(exc)) from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return self._respond(form)

    @extend_schema(
        summary=_("提交监控表"),
        description=_("预算单位提交填报中或已退回的监控表，按规则集送主管部门（或业务科室、绩效科）审核。"
                      "有未填项时返回 409，`problems` 逐条列出。"),
        request=FormSubmitSerializer,
        responses={200: MonitoringFormSerializer, 403: FORBIDDEN, 404: NOT_FOUND,
                   409: OpenApiResponse(SubmitConflictSerializer,
                                        description=_("版本已过期、状态不允许，或有提交前须处理的问题。"))},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        form = self.get_object()
        serializer = FormSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.require_step(form, "submit")
        try:
            services_forms.submit(form, request.user, comment=data["comment"],
                                  expected_version=data.get("row_version"))
        except WorkflowError as exc:
            body = {"detail": str(exc)}
            form.refresh_from_db()
            if form.status in FORM_EDITABLE:
                problems = [str(p) for p in services_forms.submission_problems(form)]
                if problems and str(exc) == "；".join(problems):
                    body["problems"] = problems
            raise Conflict(body) from exc
        return self._respond(form)

    @extend_schema(
        summary=_("审核监控表"),
        description=_("当前环节的审核人（主管部门、业务科室、绩效科）通过或退回（退回须填意见）；绩效科通过即审核完成。"
                      "非本环节审核人返回 403，监控表不在审核环节或版本已过期返回 409。"),
        request=FormReviewSerializer,
        responses={200: MonitoringFormSerializer, 400: OpenApiResponse(description=_("字段有误（如退回未填意见）。")),
                   403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        form = self.get_object()
        serializer = FormReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actions = REVIEW_ACTIONS.get(form.status)
        if actions is not None:
            self.require_step(form, actions[0] if data["decision"] == "approve" else actions[1])
        try:
            services_forms.review(form, request.user, data["decision"], comment=data["comment"],
                                  expected_version=data.get("row_version"))
        except WorkflowError as exc:
            raise Conflict(str(exc)) from exc
        return self._respond(form)


# --- warnings -----------------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary=_("预警列表"),
                       description=_("各轮最近一次预警扫描的结果，当前用户范围内的项目；可按轮次、等级、类型、主管部门筛选。")),
    retrieve=extend_schema(summary=_("预警详情"), description=_("范围外或不存在的记录返回 404。")),
)
@extend_schema(tags=["monitoring"])
class WarningViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """预警 (read-only: written by the warning sweep)."""

    model = MonitoringWarning
    serializer_class = WarningSerializer
    filterset_class = WarningApiFilterSet
    ordering_fields = {"project_code": "project_year__project__code", "code": "code", "level": "level",
                       "round": "round__through_month"}

    def refine_queryset(self, queryset):
        return queryset.select_related("round", "sweep", "project_year__project__unit",
                                       "project_year__project__department")


# --- negative list ------------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary=_("负面清单"),
                       description=_("当前用户范围内的负面清单记录（含已移出和已到期的），可按是否有效、对象类型、单位、项目筛选。")),
    retrieve=extend_schema(summary=_("负面清单记录详情"), description=_("范围外或不存在的记录返回 404。")),
    create=extend_schema(
        summary=_("列入负面清单"),
        description=_("财政局绩效科、预算科或业务科室把本级范围内的项目或单位列入负面清单，须写明理由和来源；"
                      "不给到期日期时按规则集的默认期限。"),
        request=NegativeListCreateSerializer,
        responses={201: NegativeListSerializer, 400: OpenApiResponse(description=_("字段有误：按字段列出的中文说明。")),
                   403: FORBIDDEN}),
)
@extend_schema(tags=["monitoring"])
class NegativeListViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """负面清单."""

    model = NegativeListEntry
    serializer_class = NegativeListSerializer
    filterset_class = NegativeListApiFilterSet
    ordering_fields = {"listed_on": "listed_on", "expires_on": "expires_on", "unit": "unit__code",
                       "project": "project__code"}

    def refine_queryset(self, queryset):
        return queryset.select_related("project", "unit", "region", "created_by")

    def _respond(self, entry, status_code=status.HTTP_200_OK):
        fresh = self.refine_queryset(NegativeListEntry.objects.all()).get(pk=entry.pk)
        return Response(NegativeListSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    def create(self, request, *args, **kwargs):
        user = request.user
        if not user.has_role(*services_actions.ACTING_ROLES):
            raise PermissionDenied(_("只有财政局绩效科、预算科和业务科室可以列入负面清单。"))
        serializer = NegativeListCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        listed_on = data.get("listed_on") or timezone.localdate()
        expires_on = data["expires_on"] if "expires_on" in data else services_actions.DEFAULT
        try:
            with transaction.atomic():
                entry = services_actions.add_listing(
                    user, data["subject"], data["unit"], data["reason"], data["source"], project=data["project"],
                    source_detail=data["source_detail"], listed_on=listed_on, expires_on=expires_on)
        except services_actions.ActionError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return self._respond(entry, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("移出负面清单"),
        description=_("财政局绩效科、预算科或业务科室写明理由后移出本级范围内的记录。已移出的记录返回 409。"),
        request=LiftSerializer,
        responses={200: NegativeListSerializer, 400: OpenApiResponse(description=_("未填写理由。")),
                   403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        entry = self.get_object()
        serializer = LiftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            entry = services_actions.lift_listing(entry, request.user, serializer.validated_data["reason"])
        except services_actions.ActionError as exc:
            raise Conflict(str(exc)) from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return self._respond(entry)
