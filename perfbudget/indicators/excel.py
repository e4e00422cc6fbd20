"""指标库导出: the library as `.xlsx` with the columns of the import template (so that an export can be edited
and imported again) followed by reference columns (version, status, owner, current revision note).

`text_cell(value)` keeps a text that starts with "=" (a printed target such as "=0件") a text on export: openpyxl
would otherwise write it as a formula, which Excel refuses to open and which would run user-typed formulas."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell

_HOST = Workbook().active  # cells need a worksheet to exist; the streaming writer only copies their value


def text_cell(value):
    """`value` for a streamed export; a string starting with "=" as a cell typed as text."""
    if isinstance(value, str) and len(value) > 1 and value.startswith("="):
        cell = Cell(_HOST, row=1, column=1, value=value)
        cell.data_type = "s"
        return cell
    return value


def export_entries(queryset):
    """The given entries (already limited to the user's scope and filters) as `.xlsx` bytes."""
    from perfbudget.core.importexport import write_table

    from .importer import INDICATOR_SPEC

    rows = queryset.select_related("category", "owner_region").order_by("code", "-version")
    return write_table(INDICATOR_SPEC, rows.iterator(chunk_size=2000), sheet_title=_("指标库"))


def export_filename():
    return f"{_('指标库')}_{timezone.localdate():%Y%m%d}.xlsx"
