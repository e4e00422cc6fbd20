"""Tables of 抽评: the list of batches."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

STATUS_COLOURS = {"committed": "warning", "drawn": "info", "reviewing": "primary", "exchanging": "secondary",
                  "published": "success"}


class SpotCheckTable(tables.Table):
    title = tables.Column(verbose_name=_("抽评批次"), accessor="pk", order_by=("year", "region__code"),
                          linkify=("evaluation:spot_check", {"pk": tables.A("pk")}))
    year = tables.Column(verbose_name=_("年度"))
    region = tables.Column(verbose_name=_("区划"), accessor="region__name", order_by=("region__code",))
    share = tables.Column(verbose_name=_("抽评比例"), attrs={"td": {"class": "text-end"}})
    population_size = tables.Column(verbose_name=_("自评总数"), attrs={"td": {"class": "text-end"}})
    sample_size = tables.Column(verbose_name=_("抽评数量"), attrs={"td": {"class": "text-end"}})
    created_at = tables.DateTimeColumn(verbose_name=_("抽取时间"), format="Y-m-d H:i")
    status = tables.Column(verbose_name=_("状态"))

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle small", "id": "spot-check-table"}
        order_by = ("-year",)
        empty_text = _("没有符合条件的抽评批次。")

    def render_title(self, record):
        return str(record)

    def render_share(self, value):
        return f"{value * 100:.1f}%"

    def render_status(self, record):
        return format_html('<span class="badge text-bg-{}">{}</span>', STATUS_COLOURS.get(record.status, "light"),
                           record.get_status_display())
