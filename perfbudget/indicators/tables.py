import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class IndicatorTable(tables.Table):
    code = tables.Column(verbose_name=_("编码"), linkify=("indicators:detail", {"pk": tables.A("pk")}),
                         attrs={"td": {"class": "text-nowrap"}})
    name = tables.Column(verbose_name=_("三级指标"), linkify=("indicators:detail", {"pk": tables.A("pk")}))
    category = tables.Column(verbose_name=_("分类"), accessor="category__name", order_by=("category__code",))
    level1 = tables.Column(verbose_name=_("一级指标"))
    level2 = tables.Column(verbose_name=_("二级指标"))
    unit = tables.Column(verbose_name=_("单位"), default="—")
    direction = tables.Column(verbose_name=_("方向"))
    suggested_target = tables.Column(verbose_name=_("建议值"), default="—")
    owner_region = tables.Column(verbose_name=_("维护方"), default=_("系统内置"))
    version = tables.Column(verbose_name=_("版本"))
    status = tables.Column(verbose_name=_("状态"))

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle small", "id": "indicator-table"}
        order_by = ("code",)
        empty_text = _("没有符合条件的指标。")

    def render_direction(self, record):
        return record.get_direction_display()

    def render_status(self, record):
        colour = "success" if record.status == "active" else "secondary"
        common = format_html(' <span class="badge text-bg-info">{}</span>', _("共性")) if record.is_common else ""
        return format_html('<span class="badge text-bg-{}">{}</span>{}', colour, record.get_status_display(), common)
