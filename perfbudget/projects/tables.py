"""The project library table (sortable columns, amounts in 万元 as the domain shows them)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from perfbudget.core.templatetags.money import wan


class ProjectYearTable(tables.Table):
    code = tables.Column(verbose_name=_("项目编码"), accessor="project__code", order_by=("project__code",),
                         linkify=("projects:detail", {"pk": tables.A("pk")}), attrs={"td": {"class": "text-nowrap"}})
    name = tables.Column(verbose_name=_("项目名称"), accessor="project__name", order_by=("project__name",),
                         linkify=("projects:detail", {"pk": tables.A("pk")}))
    year = tables.Column(verbose_name=_("年度"))
    unit = tables.Column(verbose_name=_("预算单位"), accessor="project__unit__name", order_by=("project__unit__code",))
    department = tables.Column(verbose_name=_("主管部门"), accessor="project__department__name",
                               order_by=("project__department__code",))
    region = tables.Column(verbose_name=_("区划"), accessor="project__region__name",
                           order_by=("project__region__path",))
    budget_type = tables.Column(verbose_name=_("预算类型"), accessor="project__budget_type",
                                order_by=("project__budget_type",))
    function_class = tables.Column(verbose_name=_("功能科目"), accessor="project__function_class_id",
                                   order_by=("project__function_class_id",))
    initial_budget = tables.Column(verbose_name=_("年初预算(万元)"), attrs={"td": {"class": "money"}})
    adjusted_budget = tables.Column(verbose_name=_("调整后预算(万元)"), attrs={"td": {"class": "money"}},
                                    default="—")
    abc_class = tables.Column(verbose_name=_("分类"), attrs={"td": {"class": "text-center"}})
    status = tables.Column(verbose_name=_("状态"))

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle small", "id": "project-table"}
        order_by = ("-year", "code")
        empty_text = _("没有符合条件的项目。")

    def render_budget_type(self, record):
        return record.project.get_budget_type_display()

    def render_initial_budget(self, value):
        return wan(value)

    def render_adjusted_budget(self, value):
        return wan(value)

    def render_abc_class(self, record):
        title = record.get_abc_class_display()
        if record.abc_overridden:
            title += f"（{_('规则计算为')}{record.abc_computed}）"
        mark = "*" if record.abc_overridden else ""
        return format_html('<span title="{}">{}{}</span>', title, record.abc_class, mark)

    def render_status(self, record):
        colours = {"accepted": "success", "returned": "danger", "draft": "secondary"}
        return format_html('<span class="badge text-bg-{}">{}</span>', colours.get(record.status, "warning"),
                           record.get_status_display())
