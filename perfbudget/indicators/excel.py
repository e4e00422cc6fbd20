"""指标库导出: the library as `.xlsx` with the columns of the import template (so that an export can be edited
and imported again) followed by reference columns (version, status, owner, current revision note).
Texts starting with "=" (a printed target such as "=0件") stay texts: core's `write_table` types them so."""

from django.utils import timezone
from django.utils.translation import gettext as _


def export_entries(queryset):
    """The given entries (already limited to the user's scope and filters) as `.xlsx` bytes."""
    from perfbudget.core.importexport import write_table

    from .importer import INDICATOR_SPEC

    rows = queryset.select_related("category", "owner_region").order_by("code", "-version")
    return write_table(INDICATOR_SPEC, rows.iterator(chunk_size=2000), sheet_title=_("指标库"))


def export_filename():
    return f"{_('指标库')}_{timezone.localdate():%Y%m%d}.xlsx"
