"""Tables of the monitoring pages."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from perfbudget.core.templatetags.money import wan

from .choices import WarningLevel

LEVEL_COLOURS = {WarningLevel.RED: "danger", WarningLevel.YELLOW: "warning", WarningLevel.GREEN: "success"}
STATUS_COLOURS = {"approved": "success", "returned": "danger", "draft": "secondary"}


def level_badge(level):
    if not level:
        return format_html('<span class="text-muted">{}</span>', _("未扫描"))
    return format_html('<span class="badge text-bg-{} level-{}">{}</span>', LEVEL_COLOURS.get(level, "secondary"),
                       level, WarningLevel(level).label)


class FormTable(tables.Table):
    code = tables.Column(verbose_name=_("项目编码"), accessor="project_year__project__code",
                         order_by=("project_year__project__code",), attrs={"td": {"class": "text-nowrap"}})
    name = tables.Column(verbose_name=_("项目名称"), accessor="project_year__project__name",
                         order_by=("project_year__project__name",), linkify=("monitoring:form", {"pk": tables.A("pk")}))
    unit = tables.Column(verbose_name=_("预算单位"), accessor="project_year__project__unit__name",
                         order_by=("project_year__project__unit__code",))
    full_budget = tables.Column(verbose_name=_("全年预算(万元)"), attrs={"td": {"class": "money"}})
    executed = tables.Column(verbose_name=_("已执行(万元)"), attrs={"td": {"class": "money"}})
    rate = tables.Column(verbose_name=_("执行率"), empty_values=(), orderable=False,
                         attrs={"td": {"class": "text-end"}})
    level = tables.Column(verbose_name=_("预警"), empty_values=())
    status = tables.Column(verbose_name=_("状态"))
    due_on = tables.DateColumn(verbose_name=_("截止日期"), format="Y-m-d")

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle small", "id": "form-table"}
        order_by = ("code",)
        empty_text = _("没有符合条件的监控表。")

    def render_full_budget(self, value):
        return wan(value)

    def render_executed(self, value):
        return wan(value)

    def render_rate(self, record):
        rate = record.execution_rate
        return "—" if rate is None else f"{rate * 100:.1f}%"

    def render_level(self, record):
        return level_badge(record.level)

    def render_status(self, record):
        late = format_html(' <span class="badge text-bg-danger">{}</span>', _("逾期")) if record.is_late else ""
        return format_html('<span class="badge text-bg-{}">{}</span>{}', STATUS_COLOURS.get(record.status, "warning"),
                           record.get_status_display(), late)


class WarningTable(tables.Table):
    level = tables.Column(verbose_name=_("等级"))
    code = tables.Column(verbose_name=_("预警类型"))
    name = tables.Column(verbose_name=_("项目名称"), accessor="project_year__project__name",
                         order_by=("project_year__project__name",))
    unit = tables.Column(verbose_name=_("预算单位"), accessor="project_year__project__unit__name")
    message = tables.Column(verbose_name=_("预警说明"), orderable=False)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle small", "id": "warning-table"}
        order_by = ("level", "name")
        empty_text = _("没有预警。")

    def render_level(self, value, record):
        return level_badge(record.level)

    def render_code(self, record):
        return record.get_code_display()


class ActionTable(tables.Table):
    created_at = tables.DateTimeColumn(verbose_name=_("时间"), format="Y-m-d")
    kind = tables.Column(verbose_name=_("处置方式"), linkify=("monitoring:action", {"pk": tables.A("pk")}))
    name = tables.Column(verbose_name=_("项目名称"), accessor="project_year__project__name")
    department = tables.Column(verbose_name=_("主管部门"), accessor="project_year__project__department__name")
    amount = tables.Column(verbose_name=_("金额(万元)"), attrs={"td": {"class": "money"}}, default="—")
    reason = tables.Column(verbose_name=_("理由"), orderable=False)
    closed_at = tables.Column(verbose_name=_("状态"), empty_values=())

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle small", "id": "action-table"}
        order_by = ("-created_at",)
        empty_text = _("没有处置记录。")

    def render_kind(self, record):
        return record.get_kind_display()

    def render_amount(self, value):
        return wan(value)

    def render_closed_at(self, record):
        return _("已办结") if record.closed_at else _("办理中")


class NegativeListTable(tables.Table):
    subject = tables.Column(verbose_name=_("对象类型"))
    who = tables.Column(verbose_name=_("对象"), empty_values=(), orderable=False)
    unit = tables.Column(verbose_name=_("单位"), accessor="unit__name")
    reason = tables.Column(verbose_name=_("列入理由"), orderable=False)
    source = tables.Column(verbose_name=_("来源"))
    listed_on = tables.DateColumn(verbose_name=_("列入日期"), format="Y-m-d")
    expires_on = tables.DateColumn(verbose_name=_("到期日期"), format="Y-m-d", default="—")
    state = tables.TemplateColumn(verbose_name=_("状态"), template_name="monitoring/_listing_state.html",
                                  orderable=False)

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle small", "id": "negative-table"}
        order_by = ("-listed_on",)
        empty_text = _("负面清单为空。")

    def render_subject(self, record):
        return record.get_subject_display()

    def render_who(self, record):
        return str(record.project) if record.project_id else record.unit.name

    def render_source(self, record):
        detail = f"（{record.source_detail}）" if record.source_detail else ""
        return f"{record.get_source_display()}{detail}"
