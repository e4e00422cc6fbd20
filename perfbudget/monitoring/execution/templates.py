"""The downloadable templates of an execution file: CSV (the exchange header) and `.xlsx` (Chinese headers)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment

from perfbudget.core.importexport.constants import (
    BORDER,
    HEADER_FONT,
    MONEY_FORMAT,
    OPTIONAL_FILL,
    REQUIRED_FILL,
    TEXT_FORMAT,
)

from .columns import COLUMNS
from .sources import SHEET_TITLE

WIDTHS = {"project_code": 22, "fiscal_year": 10, "month": 8, "paid_amount": 18, "budget_type": 16,
          "function_code": 14, "source": 22}


def csv_template():
    """The CSV header (UTF-8 with BOM, so that Excel opens it correctly) and nothing else."""
    return ("\ufeff" + ",".join(c.field for c in COLUMNS) + "\r\n").encode("utf-8")


def format_notes():
    """The format description shown on the page and in the template's 填写说明 sheet."""
    return [
        _("每行一个项目一个月份的支付数：项目编码、预算年度、月份（1–12）、支付金额（元，当月数，不是累计数）。"),
        _("表头可用英文 project_code,fiscal_year,month,paid_amount 或中文 项目编码、预算年度、月份、支付金额；"
          "可选列 预算类型、功能分类科目、数据来源；其他列（如项目名称）不读取。"),
        _("可选列按项目年度保存：同一项目年度各月填写不一致时，以文件中最晚月份的为准。"),
        _("CSV 可为 UTF-8（含或不含 BOM）或 GB18030 编码；也可上传 .xlsx。"
          "金额可带千分位逗号，不能为负数、文字，最多两位小数。"),
        _("同一文件重复导入不会改变数据；同一项目同一月份的新金额替换原金额，并记录更正前后的金额。"),
        _("任何一行有错误则整个文件不导入，并列出每处错误（行号、列名、值、原因）。"),
    ]


def xlsx_template():
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    for i, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=str(col.label))
        cell.font, cell.border = HEADER_FONT, BORDER
        cell.fill = REQUIRED_FILL if col.required else OPTIONAL_FILL
        cell.alignment = Alignment(horizontal="center")
        letter = cell.column_letter
        ws.column_dimensions[letter].width = WIDTHS[col.field]
        fmt = MONEY_FORMAT.replace('"元"', "") if col.field == "paid_amount" else (
            "0" if col.field in ("fiscal_year", "month") else TEXT_FORMAT)
        for row in range(2, 502):
            ws.cell(row=row, column=i).number_format = fmt
    ws.freeze_panes = "A2"
    notes = wb.create_sheet(_("填写说明"))
    notes.column_dimensions["A"].width = 110
    notes.append([_("填写说明")])
    for line in format_notes():
        notes.append([line])
    notes.append([])
    for col in COLUMNS:
        required = _("必填") if col.required else _("选填")
        notes.append([f"{col.label}（{required}）：{col.help}"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
