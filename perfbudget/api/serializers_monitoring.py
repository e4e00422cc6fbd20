"""Representations of the monitoring stage (运行监控) in the API: rounds, forms with their indicator rows, warnings
and the negative list; and the bodies of the writes (save, submit, review, add a form, list and lift).

As elsewhere in the API, related rows are flattened into `<relation>_code` / `<relation>_name` pairs, every choice
comes with its `<field>_label`, amounts are decimal strings in 元 and rates are decimal strings (0.4167 = 41.67%).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from perfbudget.core.workflow import history as workflow_history
from perfbudget.monitoring.choices import FORM_EDITABLE, ListingSource, ListingSubject, WarningLevel
from perfbudget.monitoring.models import (
    FormIndicator,
    MonitoringForm,
    MonitoringRound,
    MonitoringWarning,
    NegativeListEntry,
)
from perfbudget.monitoring.services_forms import submission_problems
from perfbudget.orgs.models import Organisation
from perfbudget.projects.models import Project, ProjectYear

from .goals import WorkflowRecordSerializer
from .serializers import _code_name, _label, _text

# The same choice set as the goals' review `action` (one enum in the schema, pinned as ActionEnum in settings).
REVIEW_DECISIONS = [("approve", _("审核通过")), ("return", _("退回修改"))]
RATE = {"max_digits": 20, "decimal_places": 4, "read_only": True, "allow_null": True}


def _level_label(level):
    return str(WarningLevel(level).label) if level in WarningLevel.values else ""


# --- rounds -----------------------------------------------------------------------------------------------

class RoundSerializer(serializers.ModelSerializer):
    """监控轮次: one region's round of one fiscal year (planned from the rule set, opened and closed by 绩效科)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:monitoring-round-detail")
    region_code, region_name = _code_name("region", _("区划"))
    scope_label = _text("get_scope_display", _("监控范围名称"))
    status_label = _text("get_status_display", _("状态名称"))

    class Meta:
        model = MonitoringRound
        fields = ["id", "url", "region_code", "region_name", "year", "code", "name", "through_month", "scope",
                  "scope_label", "key_min_amount", "opens_on", "due_on", "report_due_on", "status", "status_label",
                  "ruleset", "opened_at", "closed_at", "notes", "row_version", "created_at", "updated_at"]
        read_only_fields = fields


# --- forms ------------------------------------------------------------------------------------------------

class FormIndicatorSerializer(serializers.ModelSerializer):
    """One indicator row of a monitoring form: the approved target and the unit's progress against it."""

    likelihood_label = _text("get_likelihood_display", _("完成可能性名称"))
    cause_label = _text("get_cause_display", _("偏差原因名称"))

    class Meta:
        model = FormIndicator
        fields = ["id", "position", "level1", "level2", "name", "target", "actual", "forecast", "likelihood",
                  "likelihood_label", "cause", "cause_label", "cause_detail", "measure"]
        read_only_fields = fields


class MonitoringFormSerializer(serializers.ModelSerializer):
    """绩效监控表 with its indicator rows. `history` and `problems` come with the detail and the results of actions
    only (null in lists)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:monitoring-form-detail")
    round_name = _text("round.name", _("轮次名称"))
    year = serializers.IntegerField(source="round.year", label=_("年度"), read_only=True)
    through_month = serializers.IntegerField(source="round.through_month", label=_("数据截至月份"), read_only=True)
    project_code = _text("project_year.project.code", _("项目代码"))
    project_name = _text("project_year.project.name", _("项目名称"))
    unit_code, unit_name = _code_name("project_year.project.unit", _("预算单位"))
    department_code, department_name = _code_name("project_year.project.department", _("主管部门"))
    region_code, region_name = _code_name("project_year.project.region", _("区划"))
    status_label = _text("get_status_display", _("状态名称"))
    execution_rate = serializers.DecimalField(**RATE, label=_("执行率"),
                                              help_text=_("截至目前执行数 ÷ 全年预算数，如 0.4167。"))
    forecast_rate = serializers.DecimalField(**RATE, label=_("预计执行率"),
                                             help_text=_("全年预计执行数 ÷ 全年预算数。"))
    time_progress = serializers.SerializerMethodField(label=_("序时进度"))
    forecast_method = serializers.CharField(read_only=True, label=_("系统预测方法"))
    is_late = serializers.BooleanField(read_only=True, label=_("逾期"),
                                       help_text=_("逾期提交，或过了截止日期仍未提交。"))
    level = serializers.CharField(read_only=True, label=_label(MonitoringForm, "level"),
                                  help_text=_("最近一次预警扫描的结果：red、yellow、green，未扫描为空。"))
    level_label = serializers.SerializerMethodField(label=_("预警等级名称"))
    indicators = FormIndicatorSerializer(many=True, read_only=True, label=_("监控指标"))
    problems = serializers.SerializerMethodField(label=_("提交前须处理的问题"))
    history = serializers.SerializerMethodField(label=_("流转记录"))

    class Meta:
        model = MonitoringForm
        fields = ["id", "url", "round", "round_name", "year", "through_month", "project_year", "project_code",
                  "project_name", "unit_code", "unit_name", "department_code", "department_name", "region_code",
                  "region_name", "goal", "status", "status_label", "initial_budget", "full_budget", "executed",
                  "execution_rate", "time_progress", "forecast_amount", "forecast_rate", "system_forecast",
                  "forecast_method", "execution_note", "overall_progress", "due_on", "submitted_at", "approved_at",
                  "is_late", "level", "level_label", "indicators", "problems", "history", "row_version",
                  "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=20, decimal_places=4))
    def get_time_progress(self, form):
        return f"{form.round.through_month / 12:.4f}"

    @extend_schema_field(OpenApiTypes.STR)
    def get_level_label(self, form):
        return _level_label(form.level)

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_problems(self, form):
        if not self.context.get("detail"):
            return None
        return [str(p) for p in submission_problems(form)] if form.status in FORM_EDITABLE else []

    @extend_schema_field(WorkflowRecordSerializer(many=True, allow_null=True))
    def get_history(self, form):
        if not self.context.get("detail"):
            return None
        return WorkflowRecordSerializer(workflow_history(form), many=True).data


class FormCreateSerializer(serializers.Serializer):
    """添加监控表: a project year of the round's region and year (e.g. one accepted after the round opened)."""

    round = serializers.PrimaryKeyRelatedField(queryset=MonitoringRound.objects.none(), label=_("监控轮次"),
                                               help_text=_("/api/monitoring/rounds/ 的 id；须为填报中的轮次。"))
    project_year = serializers.PrimaryKeyRelatedField(queryset=ProjectYear.objects.none(), label=_("项目年度"),
                                                      help_text=_("/api/projects/ 的 id；须为本轮区划本年度执行中"
                                                                  "（已入库或预算已批复）的项目。"))

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["round"].queryset = MonitoringRound.objects.visible_to(request.user)
            fields["project_year"].queryset = ProjectYear.objects.visible_to(request.user).select_related(
                "project__unit", "project__region")
        return fields


def _text_in(label, **kwargs):
    return serializers.CharField(required=False, allow_blank=True, label=label, **kwargs)


class FormRowInputSerializer(serializers.Serializer):
    """One indicator row's entries; only the fields given are changed."""

    id = serializers.IntegerField(label=_("监控指标编号"), help_text=_("监控表详情中 indicators[].id。"))
    actual = _text_in(_label(FormIndicator, "actual"))
    forecast = _text_in(_label(FormIndicator, "forecast"))
    likelihood = _text_in(_label(FormIndicator, "likelihood"), help_text=_("certain（确定能）、possible（有可能）、"
                                                                           "impossible（完全不可能）。"))
    cause = _text_in(_label(FormIndicator, "cause"), help_text=_("funding、institution、staffing、hardware、other。"))
    cause_detail = _text_in(_label(FormIndicator, "cause_detail"))
    measure = _text_in(_label(FormIndicator, "measure"))


class FormUpdateSerializer(serializers.Serializer):
    """填报监控表: the unit's entries; fields left out are kept."""

    forecast_amount = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                            label=_label(MonitoringForm, "forecast_amount"),
                                            help_text=_("元；也可写“万元”，如“86.5万元”。空值清除。"))
    execution_note = _text_in(_label(MonitoringForm, "execution_note"))
    overall_progress = _text_in(_label(MonitoringForm, "overall_progress"))
    indicators = FormRowInputSerializer(many=True, required=False, label=_("监控指标"))
    row_version = serializers.IntegerField(required=False, min_value=1, label=_("所见版本"),
                                           help_text=_("回传读出时的 row_version；已被他人修改时返回 409。"))


class FormSubmitSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", label=_("意见"))
    row_version = serializers.IntegerField(required=False, min_value=1, label=_("所见版本"))


class FormReviewSerializer(serializers.Serializer):
    """审核: approve or return at the form's current step (主管部门 → 业务科室 → 绩效科)."""

    decision = serializers.ChoiceField(choices=REVIEW_DECISIONS, label=_("审核结论"))
    comment = serializers.CharField(required=False, allow_blank=True, default="", label=_("审核意见"),
                                    help_text=_("退回时必填。"))
    row_version = serializers.IntegerField(required=False, min_value=1, label=_("所见版本"))

    def validate(self, attrs):
        if attrs["decision"] == "return" and not attrs.get("comment", "").strip():
            raise serializers.ValidationError({"comment": [_("退回修改必须填写意见。")]})
        return attrs


class FormRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, label=_("行号"),
                                   help_text=_("指标行（从 1 起）；null 表示表头或整张表。"))
    indicator = serializers.IntegerField(allow_null=True, label=_("监控指标编号"))
    field = serializers.CharField(label=_("字段"), help_text=_("如 likelihood、forecast_amount。"))
    label = serializers.CharField(label=_("字段名称"))
    message = serializers.CharField(label=_("说明"))


class FormErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(label=_("说明"))
    errors = FormRowErrorSerializer(many=True, label=_("逐行错误"))


class SubmitConflictSerializer(serializers.Serializer):
    detail = serializers.CharField(label=_("说明"))
    problems = serializers.ListField(child=serializers.CharField(), required=False, label=_("提交前须处理的问题"))


# --- warnings ---------------------------------------------------------------------------------------------

class WarningSerializer(serializers.ModelSerializer):
    """预警: one finding of the latest warning sweep of a round on one project."""

    round_name = _text("round.name", _("轮次名称"))
    year = serializers.IntegerField(source="round.year", label=_("年度"), read_only=True)
    project_code = _text("project_year.project.code", _("项目代码"))
    project_name = _text("project_year.project.name", _("项目名称"))
    unit_code, unit_name = _code_name("project_year.project.unit", _("预算单位"))
    department_code, department_name = _code_name("project_year.project.department", _("主管部门"))
    code_label = _text("get_code_display", _("预警类型名称"))
    level_label = _text("get_level_display", _("预警等级名称"))
    swept_at = serializers.DateTimeField(source="sweep.created_at", read_only=True, label=_("扫描时间"))

    class Meta:
        model = MonitoringWarning
        fields = ["id", "round", "round_name", "year", "project_year", "project_code", "project_name", "unit_code",
                  "unit_name", "department_code", "department_name", "code", "code_label", "level", "level_label",
                  "message", "indicator", "figures", "swept_at"]
        read_only_fields = fields


# --- negative list ----------------------------------------------------------------------------------------

class NegativeListSerializer(serializers.ModelSerializer):
    """负面清单: a project or unit kept out of support for a while."""

    url = serializers.HyperlinkedIdentityField(view_name="api:negative-list-detail")
    subject_label = _text("get_subject_display", _("对象类型名称"))
    project_code, project_name = _code_name("project", _("项目"), allow_null=True)
    unit_code, unit_name = _code_name("unit", _("单位"))
    region_code, region_name = _code_name("region", _("列入区划"))
    source_label = _text("get_source_display", _("来源名称"))
    is_active = serializers.BooleanField(read_only=True, label=_("有效"),
                                         help_text=_("未移出、已到列入日期且未到期。"))
    created_by = _text("created_by.__str__", _label(NegativeListEntry, "created_by"))

    class Meta:
        model = NegativeListEntry
        fields = ["id", "url", "subject", "subject_label", "project_code", "project_name", "unit_code", "unit_name",
                  "region_code", "region_name", "reason", "source", "source_label", "source_detail", "action",
                  "listed_on", "expires_on", "is_active", "lifted_at", "lifted_reason", "created_by", "row_version",
                  "created_at", "updated_at"]
        read_only_fields = fields


class NegativeListCreateSerializer(serializers.Serializer):
    """列入负面清单: a project (its unit follows) or a whole unit."""

    subject = serializers.ChoiceField(choices=ListingSubject.choices, label=_label(NegativeListEntry, "subject"))
    project = serializers.SlugRelatedField(
        slug_field="code", queryset=Project.objects.none(), required=False, allow_null=True,
        label=_("项目代码"), help_text=_("对象类型为项目时必填。"))
    unit = serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.none(), required=False, allow_null=True,
        label=_("单位代码"), help_text=_("对象类型为单位时必填；为项目时取项目的预算单位。"))
    reason = serializers.CharField(label=_label(NegativeListEntry, "reason"))
    source = serializers.ChoiceField(choices=ListingSource.choices, label=_label(NegativeListEntry, "source"))
    source_detail = serializers.CharField(required=False, allow_blank=True, default="", max_length=300,
                                          label=_label(NegativeListEntry, "source_detail"))
    listed_on = serializers.DateField(required=False, label=_label(NegativeListEntry, "listed_on"),
                                      help_text=_("默认今天。"))
    expires_on = serializers.DateField(required=False, allow_null=True, label=_label(NegativeListEntry, "expires_on"),
                                       help_text=_("不给时按规则集的负面清单默认期限；null 表示长期。"))

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["project"].queryset = Project.objects.visible_to(request.user).select_related("unit__region")
            fields["unit"].queryset = Organisation.objects.visible_to(request.user).select_related("region")
        return fields

    def validate(self, attrs):
        project, unit = attrs.get("project"), attrs.get("unit")
        if attrs["subject"] == ListingSubject.PROJECT:
            if project is None:
                raise serializers.ValidationError({"project": [_("列入对象为项目时必须指定项目。")]})
            if unit is not None and unit.pk != project.unit_id:
                raise serializers.ValidationError({"unit": [_("该单位不是所列项目的预算单位。")]})
            attrs["unit"] = project.unit
        else:
            if unit is None:
                raise serializers.ValidationError({"unit": [_("列入对象为单位时必须指定单位。")]})
            attrs["project"] = None
        return attrs


class LiftSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, label=_label(NegativeListEntry, "lifted_reason"))
