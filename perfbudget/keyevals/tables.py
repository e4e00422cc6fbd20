"""Tables of the key-evaluation pages."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from perfbudget.core.templatetags.money import wan

STATUS_COLOURS = {"planned": "secondary", "assigned": "info", "scoring": "warning", "review": "primary",
                  "finished": "success", "published": "dark"}


def status_badge(record):
    """The status of a key evaluation as a coloured badge."""
    return format_html('<span class="badge text-bg-{}">{}</span>', STATUS_COLOURS.get(record.status, "secondary"),
                       record.get_status_display())


class KeyEvaluationTable(tables.Table):
    """重点评价 list columns (amounts in 万元)."""
    title = tables.Column(verbose_name=_("评价名称"), linkify=("keyevals:detail", {"pk": tables.A("pk")}))
    year = tables.Column(verbose_name=_("年度"))
    region = tables.Column(verbose_name=_("区划"), accessor="region__name", order_by=("region__path",))
    object_kind = tables.Column(verbose_name=_("评价对象"))
    timing = tables.Column(verbose_name=_("评价时点"))
    subjects = tables.Column(verbose_name=_("被评价单位"), empty_values=(), orderable=False)
    amount = tables.Column(verbose_name=_("涉及金额(万元)"), attrs={"td": {"class": "money"}})
    status = tables.Column(verbose_name=_("状态"))
    total = tables.Column(verbose_name=_("总分"), attrs={"td": {"class": "text-end"}})
    grade = tables.Column(verbose_name=_("等级"))

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle small", "id": "keyeval-table"}
        order_by = ("-year", "title")
        empty_text = _("没有符合条件的重点评价。")

    def render_amount(self, value):
        return wan(value)

    def render_subjects(self, record):
        return "、".join(o.name for o in record.subjects.all())

    def render_status(self, record):
        return status_badge(record)


class FrameworkTable(tables.Table):
    """评价指标体系 list columns."""
    name = tables.Column(verbose_name=_("名称"), linkify=("keyevals:framework", {"pk": tables.A("pk")}))
    kind = tables.Column(verbose_name=_("适用对象"))
    owner = tables.Column(verbose_name=_("所属"), accessor="owner_region__name", default=_("全国模板"),
                          order_by=("owner_region__path",))
    version = tables.Column(verbose_name=_("版本"))
    status = tables.Column(verbose_name=_("状态"))
    updated_at = tables.DateTimeColumn(verbose_name=_("更新时间"), format="Y-m-d H:i")

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle small", "id": "framework-table"}
        empty_text = _("没有评价指标体系。")
