"""Representations of regions, organisations and project-years in the API (read-only for now).

Related rows are flattened into `<relation>_code` / `<relation>_name` pairs, the way the import template and the
list page name them, and every choice comes with its `<field>_label` in the request's language (Chinese unless
the caller sends `Accept-Language: en`). Amounts are decimal strings in 元.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from perfbudget.orgs.models import Organisation, Region
from perfbudget.projects.choices import BudgetType, ProjectClass
from perfbudget.projects.models import FunctionClass, Project, ProjectYear


def _label(model, field):
    return model._meta.get_field(field).verbose_name


def _text(source, label, **kwargs):
    return serializers.CharField(source=source, label=label, read_only=True, **kwargs)


def _code_name(prefix, label, **kwargs):
    """The `<prefix>_code` and `<prefix>_name` fields of a related row reached by `prefix` (a dotted source)."""
    return (
        _text(f"{prefix}.code", format_lazy(_("{x}代码"), x=label), **kwargs),
        _text(f"{prefix}.name", format_lazy(_("{x}名称"), x=label), **kwargs),
    )


class RegionSerializer(serializers.ModelSerializer):
    """行政区划."""

    url = serializers.HyperlinkedIdentityField(view_name="api:region-detail")
    level_label = _text("get_level_display", _("级次名称"))
    parent_code, parent_name = _code_name("parent", _("上级区划"), allow_null=True)

    class Meta:
        model = Region
        fields = ["id", "url", "code", "name", "level", "level_label", "parent_code", "parent_name", "path",
                  "row_version", "updated_at"]
        read_only_fields = fields


class OrganisationSerializer(serializers.ModelSerializer):
    """机构."""

    url = serializers.HyperlinkedIdentityField(view_name="api:organisation-detail")
    kind_label = _text("get_kind_display", _("类型名称"))
    region_code, region_name = _code_name("region", _("区划"))
    parent_code, parent_name = _code_name("parent", _("上级机构"), allow_null=True)
    department_code, department_name = _code_name("department", _("主管部门"), allow_null=True)
    funding_section_code, funding_section_name = _code_name("funding_section", _("归口业务科室"),
                                                            allow_null=True)

    class Meta:
        model = Organisation
        fields = ["id", "url", "code", "name", "kind", "kind_label", "region_code", "region_name", "parent_code",
                  "parent_name", "department_code", "department_name", "funding_section_code",
                  "funding_section_name", "is_active", "path", "row_version", "updated_at"]
        read_only_fields = fields


class ProjectYearSerializer(serializers.ModelSerializer):
    """项目年度预算: one project in one fiscal year, with the project's own fields flattened in."""

    url = serializers.HyperlinkedIdentityField(view_name="api:project-detail")
    project_id = serializers.IntegerField(label=_label(ProjectYear, "project"), read_only=True)
    code = _text("project.code", _label(Project, "code"))
    name = _text("project.name", _label(Project, "name"))
    unit_code, unit_name = _code_name("project.unit", _("预算单位"))
    department_code, department_name = _code_name("project.department", _("主管部门"))
    region_code, region_name = _code_name("project.region", _("区划"))
    budget_type = serializers.ChoiceField(source="project.budget_type", choices=BudgetType.choices,
                                          label=_label(Project, "budget_type"), read_only=True)
    budget_type_label = _text("project.get_budget_type_display", _("预算类型名称"))
    function_code = _text("project.function_class.code", _label(FunctionClass, "code"))
    function_name = _text("project.function_class.name", _label(FunctionClass, "name"))
    project_class = serializers.ChoiceField(source="project.project_class", choices=ProjectClass.choices,
                                            label=_label(Project, "project_class"), read_only=True)
    project_class_label = _text("project.get_project_class_display", _("项目类别名称"))
    special_fund = serializers.BooleanField(source="project.special_fund", label=_label(Project, "special_fund"),
                                            read_only=True)
    key_work = serializers.BooleanField(source="project.key_work", label=_label(Project, "key_work"),
                                        read_only=True)
    start_year = serializers.IntegerField(source="project.start_year", label=_label(Project, "start_year"),
                                          read_only=True)
    end_year = serializers.IntegerField(source="project.end_year", label=_label(Project, "end_year"),
                                        read_only=True)
    status_label = _text("get_status_display", _("状态名称"))

    class Meta:
        model = ProjectYear
        fields = ["id", "url", "project_id", "code", "name", "unit_code", "unit_name", "department_code",
                  "department_name", "region_code", "region_name", "budget_type", "budget_type_label",
                  "function_code", "function_name", "project_class", "project_class_label", "special_fund",
                  "key_work", "is_new", "start_year", "end_year", "year", "initial_budget", "adjusted_budget",
                  "abc_class", "abc_computed", "abc_override_reason", "abc_ruleset", "status", "status_label",
                  "row_version", "updated_at"]
        read_only_fields = fields
