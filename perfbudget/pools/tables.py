"""Tables of the pool pages."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Agency, Draw, Expert

STATUS_COLOURS = {"approved": "success", "pending": "warning", "suspended": "secondary", "removed": "dark"}


def status_badge(record):
    return format_html('<span class="badge text-bg-{}">{}</span>', STATUS_COLOURS.get(record.status, "light"),
                       record.get_status_display())


class AgencyTable(tables.Table):
    name = tables.Column(verbose_name=_("机构名称"), linkify=("pools:agency", {"pk": tables.A("pk")}))
    credit_code = tables.Column(verbose_name=_("统一社会信用代码"), attrs={"td": {"class": "text-nowrap"}})
    fields = tables.Column(verbose_name=_("专业领域"), orderable=False)
    region = tables.Column(verbose_name=_("所属区划"), order_by=("region__path",))
    staff_count = tables.Column(verbose_name=_("从业人员"), attrs={"td": {"class": "text-end"}})
    certified_staff = tables.Column(verbose_name=_("持证人员"), attrs={"td": {"class": "text-end"}})
    status = tables.Column(verbose_name=_("入库状态"))

    class Meta:
        model = Agency
        fields = ("name", "credit_code", "fields", "region", "staff_count", "certified_staff", "status")
        attrs = {"class": "table table-sm table-hover align-middle small", "id": "agency-table"}
        empty_text = _("没有符合条件的第三方机构。")

    def render_fields(self, record):
        return record.fields_display

    def render_status(self, record):
        return status_badge(record)


class ExpertTable(tables.Table):
    name = tables.Column(verbose_name=_("姓名"), linkify=("pools:expert", {"pk": tables.A("pk")}))
    title = tables.Column(verbose_name=_("职称"))
    employer = tables.Column(verbose_name=_("工作单位"))
    fields = tables.Column(verbose_name=_("专业领域"), orderable=False)
    region = tables.Column(verbose_name=_("所属区划"), order_by=("region__path",))
    status = tables.Column(verbose_name=_("入库状态"))

    class Meta:
        model = Expert
        fields = ("name", "title", "employer", "fields", "region", "status")
        attrs = {"class": "table table-sm table-hover align-middle small", "id": "expert-table"}
        empty_text = _("没有符合条件的专家。")

    def render_fields(self, record):
        return record.fields_display

    def render_status(self, record):
        return status_badge(record)


class DrawTable(tables.Table):
    id = tables.Column(verbose_name=_("编号"), linkify=("pools:draw", {"pk": tables.A("pk")}))
    purpose = tables.Column(verbose_name=_("抽取事由"), linkify=("pools:draw", {"pk": tables.A("pk")}))
    kind = tables.Column(verbose_name=_("抽取对象"))
    count = tables.Column(verbose_name=_("数量"), attrs={"td": {"class": "text-end"}})
    region = tables.Column(verbose_name=_("区划"), order_by=("region__path",))
    status = tables.Column(verbose_name=_("状态"))
    created_at = tables.DateTimeColumn(verbose_name=_("抽取时间"), format="Y-m-d H:i")
    created_by = tables.Column(verbose_name=_("抽取人"))

    class Meta:
        model = Draw
        fields = ("id", "purpose", "kind", "count", "region", "status", "created_at", "created_by")
        attrs = {"class": "table table-sm table-hover align-middle small", "id": "draw-table"}
        empty_text = _("尚无随机抽取记录。")

    def render_status(self, record):
        colour = "success" if record.is_revealed else "warning"
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, record.get_status_display())
