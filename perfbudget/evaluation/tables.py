"""The self-evaluation list table."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from perfbudget.core.templatetags.money import wan

STATUS_COLOURS = {"accepted": "success", "returned": "danger", "draft": "secondary"}
GRADE_COLOURS = {"优": "success", "良": "primary", "中": "warning", "差": "danger"}


class SelfEvaluationTable(tables.Table):
    code = tables.Column(verbose_name=_("项目编码"), accessor="project_year__project__code",
                         order_by=("project_year__project__code",), attrs={"td": {"class": "text-nowrap"}})
    name = tables.Column(verbose_name=_("项目名称"), accessor="project_year__project__name",
                         order_by=("project_year__project__name",),
                         linkify=("evaluation:selfeval", {"pk": tables.A("pk")}))
    year = tables.Column(verbose_name=_("年度"), accessor="project_year__year")
    unit = tables.Column(verbose_name=_("预算单位"), accessor="project_year__project__unit__name",
                         order_by=("project_year__project__unit__code",))
    full_budget = tables.Column(verbose_name=_("全年预算(万元)"), attrs={"td": {"class": "money"}})
    execution_rate = tables.Column(verbose_name=_("执行率"), attrs={"td": {"class": "text-end"}}, default="—")
    total_score = tables.Column(verbose_name=_("得分"), attrs={"td": {"class": "text-end"}}, default="—")
    grade = tables.Column(verbose_name=pgettext_lazy("grade", "等级"), default="—")
    error_count = tables.Column(verbose_name=_("审核发现"), attrs={"td": {"class": "text-end"}})
    status = tables.Column(verbose_name=_("状态"))

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle small", "id": "selfeval-table"}
        order_by = ("-year", "code")
        empty_text = _("没有符合条件的单位自评表。")

    def render_full_budget(self, value):
        return wan(value)

    def render_execution_rate(self, value):
        return f"{value * 100:.1f}%"

    def render_grade(self, value):
        return format_html('<span class="badge text-bg-{}">{}</span>', GRADE_COLOURS.get(value, "light"), value)

    def render_error_count(self, record):
        if record.error_count:
            return format_html('<span class="text-danger">{} {}</span>', record.error_count, _("处错误"))
        if record.warning_count:
            return format_html('<span class="text-warning">{} {}</span>', record.warning_count, _("处提示"))
        return "—"

    def render_status(self, record):
        return format_html('<span class="badge text-bg-{}">{}</span>', STATUS_COLOURS.get(record.status, "warning"),
                           record.get_status_display())
