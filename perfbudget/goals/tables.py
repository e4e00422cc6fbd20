"""The goal list table."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from perfbudget.core.templatetags.money import wan

STATUS_COLOURS = {"approved": "success", "returned": "danger", "draft": "secondary", "superseded": "light"}


class GoalTable(tables.Table):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "goal", "class": "form-check-input"},
                                                         "th__input": {"class": "form-check-input",
                                                                       "id": "select-all"}})
    code = tables.Column(verbose_name=_("项目编码"), accessor="project_year__project__code",
                         order_by=("project_year__project__code",), attrs={"td": {"class": "text-nowrap"}})
    name = tables.Column(verbose_name=_("项目名称"), accessor="project_year__project__name",
                         order_by=("project_year__project__name",), linkify=("goals:detail", {"pk": tables.A("pk")}))
    year = tables.Column(verbose_name=_("年度"), accessor="project_year__year")
    unit = tables.Column(verbose_name=_("预算单位"), accessor="project_year__project__unit__name",
                         order_by=("project_year__project__unit__code",))
    budget = tables.Column(verbose_name=_("预算(万元)"), accessor="project_year__initial_budget",
                           attrs={"td": {"class": "money"}})
    kind = tables.Column(verbose_name=_("类型"))
    version = tables.Column(verbose_name=_("版本"))
    quality_score = tables.Column(verbose_name=_("质量得分"), attrs={"td": {"class": "text-end"}}, default="—")
    status = tables.Column(verbose_name=_("状态"))
    updated_at = tables.DateTimeColumn(verbose_name=_("更新时间"), format="Y-m-d H:i")

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle small", "id": "goal-table"}
        order_by = ("-year", "code")
        empty_text = _("没有符合条件的绩效目标。")

    def render_budget(self, value):
        return wan(value)

    def render_kind(self, record):
        return record.get_kind_display()

    def render_quality_score(self, record):
        counts = (record.quality_report or {}).get("counts", {})
        colour = "danger" if counts.get("error") else ("warning" if counts.get("warning") else "success")
        return format_html('<span class="text-{}">{}</span>', colour, record.quality_score)

    def render_status(self, record):
        return format_html('<span class="badge text-bg-{}">{}</span>', STATUS_COLOURS.get(record.status, "warning"),
                           record.get_status_display())
