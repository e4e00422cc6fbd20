"""项目库导出: the project list as `.xlsx`, with the columns of the import template (so that an export can be
edited and imported again) followed by reference columns (unit name, department, status, A/B/C, rule set)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from perfbudget.core.importexport import write_table

from .importer import PROJECT_SPEC


def export_project_years(queryset):
    """The given project-years (already limited to the user's scope) as `.xlsx` bytes."""
    rows = queryset.select_related("project__unit", "project__department", "project__region").order_by(
        "-year", "project__code")
    return write_table(PROJECT_SPEC, rows.iterator(chunk_size=2000), sheet_title=_("项目库"))


def export_filename(year=None):
    """项目库_2025.xlsx for one year, else 项目库_<today>.xlsx."""
    name = pgettext("file name", "项目库")
    return f"{name}_{year}.xlsx" if year else f"{name}_{timezone.localdate():%Y%m%d}.xlsx"
