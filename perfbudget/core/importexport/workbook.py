"""Writing workbooks: the import template, error reports and exports (styled, with dropdowns)."""

import io
import logging

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .constants import BORDER, EXTRA_FILL, HEADER_FONT, INLINE_LIST_MAX, OPTIONAL_FILL, REQUIRED_FILL, TEXT_FORMAT

logger = logging.getLogger(__name__)

def _style_header(cell, fill):
    cell.font = HEADER_FONT
    cell.fill = fill
    cell.border = BORDER
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def build_template(spec, user):
    """The import template of `spec` for `user` as `.xlsx` bytes: header, dropdowns, instructions."""
    wb = Workbook()
    ws = wb.active
    ws.title = spec.sheet_title
    lists = wb.create_sheet("代码表")
    lists.sheet_state = "hidden"
    list_col = 0
    for i, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=col.header)
        _style_header(cell, REQUIRED_FILL if col.required else OPTIONAL_FILL)
        help_text = str(col.help)
        note = (_("必填。") if col.required else _("选填。")) + help_text
        cell.comment = Comment(note, "PerfBudget", width=260, height=110)
        ws.column_dimensions[letter].width = col.width
        if col.number_format:
            ws.column_dimensions[letter].number_format = col.number_format
        values = col.dropdown_values(user)
        if not values:
            continue
        inline = ",".join(values)
        # Short fixed lists go inline; lists from the database (units, codes) go to the hidden sheet.
        if not callable(col.dropdown) and len(inline) <= INLINE_LIST_MAX and "," not in "".join(values) \
                and '"' not in inline:
            formula = f'"{inline}"'
        else:
            list_col += 1
            list_letter = get_column_letter(list_col)
            lists.cell(row=1, column=list_col, value=col.header)
            for r, v in enumerate(values, start=2):
                lists.cell(row=r, column=list_col, value=v).number_format = TEXT_FORMAT
            formula = f"{quote_sheetname(lists.title)}!${list_letter}$2:${list_letter}${len(values) + 1}"
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False,
                            showErrorMessage=True, errorStyle="stop" if col.strict_dropdown else "warning",
                            errorTitle=col.header,
                            error=_("请从下拉列表中选择「%(column)s」。") % {"column": col.header},
                            promptTitle=col.header, prompt=help_text[:250] if help_text else None,
                            showInputMessage=bool(help_text))
        dv.add(f"{letter}2:{letter}1048576")
        ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"
    _instructions_sheet(wb.create_sheet("填写说明", 1), spec)
    wb.active = 0
    return _to_bytes(wb)


def _instructions_sheet(ws, spec):
    ws["A1"] = _("%(title)s导入模板填写说明") % {"title": spec.title}
    ws["A1"].font = Font(bold=True, size=14)
    lines = [
        _("1. 在「%(sheet)s」工作表第2行起逐行填写，每行一条记录；第1行表头请勿修改（深蓝色为必填列）。")
        % {"sheet": spec.sheet_title},
        _("2. 带下拉箭头的列请从下拉列表中选择；金额以元为单位，可写 1200000、1,200,000.00 或 120万。"),
        _("3. 导入时逐行校验，全部通过才写入；"
          "任何一行有错误则整个文件不导入，并给出错误报告（行号、列名、值、原因）。"),
        *(str(line) for line in spec.instructions),
    ]
    for r, line in enumerate(lines, start=2):
        ws.cell(row=r, column=1, value=line)
    top = len(lines) + 3
    for i, h in enumerate((_("列名"), _("是否必填"), _("填写说明"), _("示例")), start=1):
        _style_header(ws.cell(row=top, column=i, value=h), REQUIRED_FILL)
    for r, col in enumerate(spec.columns, start=top + 1):
        ws.cell(row=r, column=1, value=col.header)
        ws.cell(row=r, column=2, value=_("必填") if col.required else _("选填"))
        ws.cell(row=r, column=3, value=str(col.help)).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=r, column=4, value=str(col.example)).number_format = TEXT_FORMAT
    for letter, width in zip("ABCD", (22, 10, 70, 26), strict=True):
        ws.column_dimensions[letter].width = width


def _to_bytes(wb):
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def list_workbook(title, headers, rows, widths=None):
    """A plain list (page exports): bold frozen header, then `rows` as values; text never becomes a formula."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(title)[:31])
    for i, width in enumerate(widths or [18] * len(headers), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    header = []
    for h in headers:
        cell = WriteOnlyCell(ws, str(h))
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append([text_cell(ws, v) if isinstance(v, str) and v.startswith("=") else v for v in row])
    return _to_bytes(wb)


def error_report(errors):
    """The errors of an import as `.xlsx` bytes: 行号, 列名, 值, 错误原因."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("错误报告")
    headers = (_("行号"), _("列名"), _("值"), _("错误原因"), _("完整说明"))
    for i, h in enumerate(headers, start=1):
        _style_header(ws.cell(row=1, column=i, value=h), REQUIRED_FILL)
    whole_file, whole_row = _("（整个文件）"), _("（整行）")
    for e in errors:
        ws.append([e.row or whole_file, e.column or whole_row, e.value, e.reason, str(e)])
    for letter, width in zip("ABCDE", (12, 20, 30, 60, 80), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    return _to_bytes(wb)


def text_cell(ws, text):
    """A cell holding `text` as text: openpyxl would store "=600元" (a printed target) as a formula."""
    cell = WriteOnlyCell(ws, text)
    cell.data_type = "s"
    return cell


def write_table(spec, objects, sheet_title=None):
    """Export `objects` with the import columns of `spec` (then its export-only ones) as `.xlsx` bytes.

    Written in openpyxl's streaming mode, so memory stays flat for long lists.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title or spec.sheet_title)
    columns = [*spec.columns, *spec.export_only]
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A2"
    header = []
    for col in columns:
        cell = WriteOnlyCell(ws, col.header)
        fill = EXTRA_FILL if col in spec.export_only else REQUIRED_FILL if col.required else OPTIONAL_FILL
        _style_header(cell, fill)
        header.append(cell)
    ws.append(header)
    for obj in objects:
        row = []
        for col in columns:
            value = col.export(obj) if col.export else None
            if col.number_format and value is not None and value != "":
                cell = WriteOnlyCell(ws, value)
                cell.number_format = col.number_format
                value = cell
            elif isinstance(value, str) and value.startswith("="):
                value = text_cell(ws, value)
            row.append(value)
        ws.append(row)
    return _to_bytes(wb)
