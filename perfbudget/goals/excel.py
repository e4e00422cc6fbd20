"""绩效目标申报表 as `.xlsx` in the official layout: writing one project's table (blank or filled), reading a
table back (tolerant of real-world mess), and importing it into a draft goal through `services.save_goal`.

The sheet: a title row, a header block (项目名称 … 专项资金), 总体目标 and 年度目标 (merged cells), then the
indicator table 一级指标 | 二级指标 | 三级指标 | 指标值 | 计量单位 | 分值 | 指标值设定依据 | 核心指标 | 备注, a 合计 row
and a note. 指标值 is printed as in a paper table ("≥38公里", "90%-100%", "2025年8月31日前", "良好").

Reading (`read_goal_workbook`) finds the indicator header wherever it is, maps columns by their (tolerantly
normalised) names and accepts full-width symbols, "产出指标(50分)" / "一、产出指标" level-one cells, merged or
blank level-one and level-two cells (the value above is carried down), weights "20分", 合计 rows and blank rows.
`indicator_row` turns a read row into the row dict of `rows.clean_row`; `import_goal_file` validates every row
with the page's rules and saves through `services.save_goal`, all or nothing, errors named by sheet row.
"""

import datetime
import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from perfbudget.core.importexport import ImportFileError, RowError
from perfbudget.core.importexport.reading import check_xlsx, read_bytes
from perfbudget.indicators import frameworks
from perfbudget.indicators.choices import Basis, Comparator

from . import services
from .models import printed_target
from .rows import FIELD_LABELS, clean_rows, row_from_printed

logger = logging.getLogger(__name__)

SHEET_TITLE = "绩效目标申报表"
# Sheet titles, labels and column headers are the form's own words (a data format, read back by
# `read_goal_workbook`), so they are not translated; titles, notes and messages are.
# The indicator table: (field, header, column width).
TABLE = (
    ("level1", "一级指标", 14), ("level2", "二级指标", 16), ("name", "三级指标", 30), ("target", "指标值", 20),
    ("unit", "计量单位", 10), ("weight", "分值", 8), ("basis", "指标值设定依据", 14), ("is_core", "核心指标", 10),
    ("note", "备注", 26),
)
HEADERS = {f: h for f, h, _w in TABLE}
LAST_COL = get_column_letter(len(TABLE))
TITLE_ROW, BLOCK_ROW, TABLE_HEADER_ROW = 1, 3, 11  # where the writer puts things (the reader searches)
BLANK_TEMPLATE_ROWS = 3  # empty rows under each level-two category of a blank template
MAX_SHEET_ROWS = 2000
HEADER_SCAN_ROWS = 60

YES, NO = "是", "否"
BASIS_LABELS = ("计划标准", "行业标准", "历史标准", "其他标准")
BASIS_LABEL = {Basis.PLAN: "计划标准", Basis.INDUSTRY: "行业标准", Basis.HISTORY: "历史标准", Basis.OTHER: "其他标准"}

# Header-block labels (normalised) → key of the header dict `read_goal_workbook` returns.
BLOCK_LABELS = {
    "项目名称": "project_name", "项目编码": "project_code", "项目代码": "project_code", "主管部门": "department",
    "主管部门及代码": "department", "实施单位": "unit", "预算单位": "unit", "项目属性": "attribute", "项目期": "period",
    "年度资金总额": "amount", "功能分类科目": "function_class", "专项资金": "special_fund", "申报类型": "kind",
    "总体目标": "overall_goal", "项目总体目标": "overall_goal", "年度目标": "annual_goal",
    "年度绩效目标": "annual_goal", "年度总体目标": "annual_goal",
}
# Indicator-table column names (normalised, "(…)" suffix dropped) → field.
COLUMN_ALIASES = {
    "一级指标": "level1", "二级指标": "level2", "三级指标": "name", "三级指标名称": "name", "指标名称": "name",
    "指标值": "target", "目标值": "target", "年度指标值": "target", "指标目标值": "target", "绩效指标值": "target",
    "计量单位": "unit", "单位": "unit", "度量单位": "unit", "分值": "weight", "权重": "weight", "指标分值": "weight",
    "指标权重": "weight", "指标值设定依据": "basis", "设定依据": "basis", "指标值确定依据": "basis",
    "核心指标": "is_core", "是否核心指标": "is_core", "备注": "note",
    "比较方式": "comparator", "指标方向": "comparator", "比较符号": "comparator",
}
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "总分", "合计分值", "分值合计", "总计分值"})

LEVEL1_NAMES = (frameworks.OUTPUT, frameworks.BENEFIT, frameworks.SATISFACTION, frameworks.COST)
LEVEL2_NAMES = tuple(dict.fromkeys(l2 for layout in frameworks.LAYOUTS.values() for l2s in layout.values()
                                   for l2 in l2s))
# First keyword found in a short label → canonical name.
LEVEL1_KEYWORDS = (("满意", frameworks.SATISFACTION), ("产出", frameworks.OUTPUT), ("效益", frameworks.BENEFIT),
                   ("效果", frameworks.BENEFIT), ("成本", frameworks.COST))
LEVEL2_KEYWORDS = (
    ("经济成本", "经济成本指标"), ("社会成本", "社会成本指标"), ("生态环境成本", "生态环境成本指标"),
    ("生态成本", "生态环境成本指标"), ("环境成本", "生态环境成本指标"), ("成本", "成本指标"),
    ("经济效益", "经济效益指标"), ("社会效益", "社会效益指标"), ("生态效益", "生态效益指标"),
    ("环境效益", "生态效益指标"), ("可持续", "可持续影响指标"), ("满意", "服务对象满意度指标"),
    ("数量", "数量指标"), ("质量", "质量指标"), ("时效", "时效指标"), ("进度", "时效指标"),
)
OPS = {"≥": Comparator.GE, "≤": Comparator.LE, "=": Comparator.EQ, ">": Comparator.GE, "<": Comparator.LE}
OP_SPELLINGS = (("≧", "≥"), ("≦", "≤"), (">=", "≥"), ("<=", "≤"), ("⩾", "≥"), ("⩽", "≤"))
COMPARATOR_WORDS = {"≥": "≥", "正向": "≥", "≥(正向)": "≥", "≤": "≤", "反向": "≤", "≤(反向)": "≤", "=": "=",
                    "等于": "=", "=(等于)": "="}

_RE_NUMBERING = re.compile(r"^(?:\(?[一二三四五六七八九十\d]+\)|[一二三四五六七八九十\d]+[、.:])+")
_RE_POINTS = re.compile(r"\(?\s*\d+(?:\.\d+)?\s*分\s*\)?$")
_RE_PAREN = re.compile(r"\([^()]*\)$")
_RE_SPACE = re.compile(r"\s+")
_RE_YEAR = re.compile(r"(\d{4})\s*年度?")


# --- small helpers -----------------------------------------------------------------------------------------

def _nfkc(value):
    return unicodedata.normalize("NFKC", value)


def cell_text(value, number_format=""):
    """A cell as text: 38.0 → "38", a date cell → "2025年8月31日", 0.95 formatted as a percentage → "95%"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, int | float | Decimal):
        if "%" in (number_format or ""):
            value = Decimal(str(value)) * 100
            return _plain(value) + "%"
        if isinstance(value, float):
            value = Decimal(repr(value))
        return _plain(Decimal(value))
    return str(value).strip()


def _plain(number):
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _squeeze(value):
    return _RE_SPACE.sub("", _nfkc(str(value or "")))


def _label(value):
    """A header-block or column label as compared: full-width folded, spaces, '*' and a trailing colon removed."""
    return _squeeze(value).strip("*").rstrip(":")


def _column_key(value):
    text = _label(value)
    return COLUMN_ALIASES.get(text) or COLUMN_ALIASES.get(_RE_PAREN.sub("", text))


def _bare(value):
    """A level label without numbering ("一、", "(一)"), points ("(50分)") or a trailing note in brackets."""
    text = _squeeze(value)
    text = _RE_NUMBERING.sub("", text)
    text = _RE_POINTS.sub("", text)
    text = _RE_PAREN.sub("", text)
    return text


def _canonical(value, names, keywords):
    raw = str(value or "").strip()
    text = _bare(raw)
    if not text:
        return ""
    if text in names:
        return text
    if f"{text}指标" in names:
        return f"{text}指标"
    if len(text) <= 12:
        for keyword, name in keywords:
            if keyword in text:
                return name
    return raw  # left as written: the row check names it


def canonical_level1(value):
    return _canonical(value, LEVEL1_NAMES, LEVEL1_KEYWORDS)


def canonical_level2(value):
    return _canonical(value, LEVEL2_NAMES, LEVEL2_KEYWORDS)


def is_total(*values):
    return any(_bare(v) in TOTAL_WORDS for v in values if v)


def same_printed(a, b):
    """Whether two printed targets say the same thing (full-width forms and spaces ignored)."""
    def norm(text):
        text = _squeeze(text)
        for old, new in OP_SPELLINGS:
            text = text.replace(old, new)
        return text

    return norm(a) == norm(b)


# --- from a printed cell to a row ------------------------------------------------------------------------

def parse_printed(printed, unit="", note=""):
    """comparator/target/upper/unit (and note) of a printed target cell, via `rows.row_from_printed`; a date
    printed with a comparator ("≤2025年8月31日前", as `printed_target` writes deadlines) keeps that comparator
    and loses the symbol from its text."""
    from perfbudget.indicators.values import parse_value

    text = _nfkc(printed or "").strip()
    for old, new in OP_SPELLINGS:
        text = text.replace(old, new)
    value = parse_value(text)
    if (value.kind == "date" or value.date is not None) and text[:1] in OPS:
        return {"comparator": OPS[text[0]], "target": text[1:].strip(), "upper": "", "unit": "", "note": note}
    row = row_from_printed(text, unit=unit, note=note)
    row.setdefault("upper", "")
    return row


def indicator_row(read, layout_name):
    """The raw row dict for `rows.clean_row` from a row as read (texts by field, "printed" target cell):
    level labels made canonical and placed in the layout, the printed target split into its parts."""
    layout = frameworks.layout(layout_name)
    level1, level2 = canonical_level1(read.get("level1")), canonical_level2(read.get("level2"))
    if not level1 and level2:
        level1 = next((l1 for l1, l2s in layout.items() if level2 in l2s), "")
    if level1 and not level2 and len(layout.get(level1, ())) == 1:
        level2 = layout[level1][0]
    if level1 not in layout or (level2 and level2 not in layout[level1]):
        placed = frameworks.place(level1, level2, layout_name)
        if placed[0] in layout and placed[1] in layout[placed[0]]:
            level1, level2 = placed
    printed = read.get("printed", "")
    comparator = COMPARATOR_WORDS.get(_label(read.get("comparator")))
    if comparator and printed and printed.strip()[:1].isdigit():
        printed = comparator + printed.strip()
    row = {"level1": level1, "level2": level2, "name": read.get("name", ""), "basis": read.get("basis", ""),
           "weight": read.get("weight", ""), "is_core": read.get("is_core", ""), "entry": read.get("entry", ""),
           "printed": printed}
    row.update(parse_printed(printed, unit=read.get("unit", ""), note=read.get("note", "")))
    if not printed:
        row.update(comparator=Comparator.GE, target="", upper="")
    return row


def keep_existing(rows, existing):
    """Rows matched to the goal's current rows by (一级, 二级, 三级): the library link is kept, and when the
    printed target reads the same as the current one, its exact comparator/target/unit are kept too (so that
    a table exported and imported unchanged changes nothing). Returns new dicts."""
    by_key = {}
    for old in existing:
        by_key.setdefault((old["level1"], old["level2"], old["name"]), old)
    result = []
    for row in rows:
        row = dict(row)
        old = by_key.get((row.get("level1"), row.get("level2"), str(row.get("name", "")).strip()))
        if old is not None:
            if not str(row.get("entry") or "").strip():
                row["entry"] = old.get("entry")
            old_printed = printed_target(old["comparator"], old["target"], old.get("upper", ""), old.get("unit", ""))
            unit = str(row.get("unit_cell", row.get("unit", "")) or "").strip()
            if same_printed(row.get("printed", ""), old_printed) and unit in ("", old.get("unit", "")):
                row.update(comparator=old["comparator"], target=old["target"], upper=old.get("upper", ""),
                           unit=old.get("unit", ""))
        result.append(row)
    return result


def same_rows(cleaned, current):
    """Whether cleaned rows equal the goal's current rows (`services.goal_rows`), field by field, in order."""
    fields = (*services.ROW_SNAPSHOT, "entry", "note")
    if len(cleaned) != len(current):
        return False
    return all(_same(a.get(f), b.get(f)) for a, b in zip(cleaned, current, strict=True) for f in fields)


def _same(a, b):
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a is not None and b is not None and Decimal(a) == Decimal(b)
    return (a if a not in ("", None) else None) == (b if b not in ("", None) else None)


# --- writing ----------------------------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
LABEL_FILL = PatternFill("solid", fgColor="DDEBF7")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
NUMBER_FORMAT = "0.##"
AMOUNT_FORMAT = "#,##0.00"


def _put(cell, value, formula=False):
    """Write a value; text starting with "=" ("=1个", or typed by a user) stays text unless `formula`."""
    cell.value = value
    if not formula and isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _box(ws, cell_range, value=None, label=False, align=CENTER, number_format=None, formula=False):
    """Merge `cell_range`, write `value` into its first cell, border every cell of it."""
    if ":" in cell_range:
        ws.merge_cells(cell_range)
    first = _put(ws[cell_range.split(":")[0]], value, formula)
    if number_format:
        first.number_format = number_format
    for row in ws[cell_range] if ":" in cell_range else ((first,),):
        for cell in row:
            cell.border = BOX
            cell.alignment = align
            if label:
                cell.font = BOLD
                cell.fill = LABEL_FILL
    return first


def _header_values(py, goal):
    p = py.project
    budget = py.budget
    return {
        "title": _("项目支出绩效目标申报表（%(year)s年度）") % {"year": py.year},
        "unit": p.unit.name, "department": p.department.name, "name": p.name, "code": p.code,
        "attribute": _("新增") if py.is_new else _("延续"),
        "period": _("%(start)s年—%(end)s年") % {"start": p.start_year, "end": p.end_year},
        "amount": (budget / Decimal(10000)).quantize(Decimal("0.01")) if budget is not None else None,
        "function_class": f"{p.function_class_id} {p.function_class.name}" if p.function_class_id else "",
        "special_fund": YES if p.special_fund else NO,
        "kind": (f"{goal.get_kind_display()}（{_('第%(v)s版') % {'v': goal.version}}）" if goal is not None
                 else _("年初申报")),
        "overall_goal": goal.overall_goal if goal is not None else "",
        "annual_goal": goal.annual_goal if goal is not None else "",
    }


def goal_workbook(py, goal=None):
    """The 绩效目标申报表 of project year `py` as `.xlsx` bytes: filled from `goal`, else a blank template with
    one empty row block under each level-two category of the region's layout."""
    layout_name = services.layout_for(py)
    layout = frameworks.layout(layout_name)
    h = _header_values(py, goal)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    for i, (_f, _h, width) in enumerate(TABLE, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width

    ws.merge_cells(f"A{TITLE_ROW}:{LAST_COL}{TITLE_ROW}")
    ws["A1"] = h["title"]
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = CENTER
    ws.row_dimensions[1].height = 32
    ws.merge_cells("A2:F2")
    ws["A2"] = _("填报单位（盖章）：%(unit)s") % {"unit": h["unit"]}
    ws.merge_cells(f"G2:{LAST_COL}2")
    ws["G2"] = _("金额单位：万元")
    ws["G2"].alignment = Alignment(horizontal="right")

    block = (
        ("项目名称", h["name"], "项目编码", h["code"]),
        ("主管部门", h["department"], "实施单位", h["unit"]),
        ("项目属性", h["attribute"], "项目期", h["period"]),
        (None, h["amount"], "功能分类科目", h["function_class"]),
        ("专项资金", h["special_fund"], "申报类型", h["kind"]),
    )
    for offset, (label, value, label2, value2) in enumerate(block):
        r = BLOCK_ROW + offset
        if label is None:  # 项目资金（万元） | 年度资金总额 | amount
            _box(ws, f"A{r}", "项目资金（万元）", label=True)
            _box(ws, f"B{r}", "年度资金总额", label=True)
            _box(ws, f"C{r}:E{r}", value, align=LEFT, number_format=AMOUNT_FORMAT)
        else:
            _box(ws, f"A{r}", label, label=True)
            _box(ws, f"B{r}:E{r}", value, align=LEFT)
        _box(ws, f"F{r}", label2, label=True)
        _box(ws, f"G{r}:{LAST_COL}{r}", value2, align=LEFT)
        ws.row_dimensions[r].height = 22
    for r, label, key in ((8, "总体目标", "overall_goal"), (9, "年度目标", "annual_goal")):
        _box(ws, f"A{r}", label, label=True)
        _box(ws, f"B{r}:{LAST_COL}{r}", h[key], align=TOP_LEFT)
        ws.row_dimensions[r].height = 60
    _box(ws, f"A10:{LAST_COL}10", "年度绩效指标", label=True)

    for i, (_f, header, _w) in enumerate(TABLE, start=1):
        cell = ws.cell(row=TABLE_HEADER_ROW, column=i, value=header)
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, LABEL_FILL, BOX, CENTER
    ws.row_dimensions[TABLE_HEADER_ROW].height = 28

    first = TABLE_HEADER_ROW + 1
    rows = _table_rows(goal, layout)
    for offset, values in enumerate(rows):
        r = first + offset
        for i, (field, _h, _w) in enumerate(TABLE, start=1):
            cell = _put(ws.cell(row=r, column=i), values.get(field))
            cell.border = BOX
            cell.alignment = LEFT if field in ("name", "note") else CENTER
            if field == "weight":
                cell.number_format = NUMBER_FORMAT
            elif field in ("target", "unit", "name", "note"):
                cell.number_format = "@"
    last = first + max(len(rows), 1) - 1
    if goal is not None:
        for column in ("B", "A"):  # level two first: its runs end where level one changes
            _merge_runs(ws, column, first, last)
    total = last + 1
    _box(ws, f"A{total}:E{total}", "合计", label=True)
    _box(ws, f"F{total}", f"=SUM(F{first}:F{last})", label=True, number_format=NUMBER_FORMAT, formula=True)
    _box(ws, f"G{total}:{LAST_COL}{total}", None, label=True)
    note_row = total + 1
    ws.merge_cells(f"A{note_row}:{LAST_COL}{note_row}")
    ws[f"A{note_row}"] = _("说明：指标值连同比较符号填写，如 ≥38公里、≤350元、90%-100%、2025年11月30日前；"
                          "定性指标直接填写，如 良好。一级、二级指标请从下拉列表选择，可合并单元格；合计行导入时忽略。")
    ws[f"A{note_row}"].alignment = TOP_LEFT
    ws.row_dimensions[note_row].height = 36

    _dropdowns(ws, layout, first, max(last, first + 200))
    ws.freeze_panes = ws.cell(row=first, column=1)
    ws.print_title_rows = f"{TABLE_HEADER_ROW}:{TABLE_HEADER_ROW}"
    ws.print_area = f"A1:{LAST_COL}{note_row}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = _("第 &P 页，共 &N 页")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _table_rows(goal, layout):
    if goal is None:
        return [{"level1": l1, "level2": l2, "basis": BASIS_LABEL[Basis.PLAN], "is_core": NO}
                for l1, l2s in layout.items() for l2 in l2s for _i in range(BLANK_TEMPLATE_ROWS)]
    return [{"level1": r.level1, "level2": r.level2, "name": r.name, "target": r.printed, "unit": r.unit,
             "weight": r.weight, "basis": BASIS_LABEL.get(r.basis, r.basis), "is_core": YES if r.is_core else NO,
             "note": r.note} for r in goal.rows.all()]


def _merge_runs(ws, column, first, last):
    """Merge runs of equal values in a column (the official look of level-one and level-two cells)."""
    start = first
    for r in range(first + 1, last + 2):
        value = ws[f"{column}{r}"].value if r <= last else object()
        if column == "B" and r <= last and ws[f"A{r}"].value != ws[f"A{start}"].value:
            value = object()
        if value != ws[f"{column}{start}"].value:
            if r - 1 > start:
                ws.merge_cells(f"{column}{start}:{column}{r - 1}")
            start = r


def _dropdowns(ws, layout, first, last):
    lists = (
        ("A", list(layout), _("请从下拉列表选择一级指标。")),
        ("B", list(dict.fromkeys(l2 for l2s in layout.values() for l2 in l2s)), _("请从下拉列表选择二级指标。")),
        ("G", list(BASIS_LABELS), _("请选择计划标准、行业标准、历史标准或其他标准。")),
        ("H", [YES, NO], _("请选择「是」或「否」。")),
    )
    for column, values, message in lists:
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                            showErrorMessage=True, errorStyle="warning", error=message)
        dv.add(f"{column}{first}:{column}{last}")
        ws.add_data_validation(dv)
    weight = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                            showErrorMessage=True, errorStyle="warning", error=_("分值应为0到100之间的数字。"))
    weight.add(f"F{first}:F{last}")
    ws.add_data_validation(weight)


def goal_filename(py, blank=False):
    name = _("绩效目标申报表模板") if blank else _("绩效目标申报表")
    return f"{py.project.code}_{py.year}_{name}.xlsx"


# --- reading ----------------------------------------------------------------------------------------------

def read_goal_workbook(file):
    """(header, rows) of a 绩效目标申报表 file. `header` holds the header block's values by key (project_code,
    overall_goal, annual_goal, year …, only those printed); `rows` are dicts of cell texts by field plus
    "printed" (the target cell), "sheet_row" (the row number in the sheet) and "cells" (texts as typed, for
    messages). Raises `ImportFileError` when the file is not a readable `.xlsx` or has no indicator table."""
    data = read_bytes(file)
    check_xlsx(data)
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        logger.info("unreadable goal workbook: %s", exc)
        raise ImportFileError(_("文件已损坏或无法读取，请用 Excel 打开检查后另存为 .xlsx 再导入。"))
    sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"] or wb.worksheets
    sheets.sort(key=lambda ws: ws.title != SHEET_TITLE)
    for ws in sheets:
        if ws.max_row > MAX_SHEET_ROWS:
            raise ImportFileError(_("工作表「%(s)s」超过 %(n)s 行，请只保留一个项目的申报表。")
                                  % {"s": ws.title, "n": MAX_SHEET_ROWS})
        grid = [[(c.value, c.number_format) for c in row] for row in ws.iter_rows(max_col=min(ws.max_column, 60))]
        found = _find_table_header(grid)
        if found is not None:
            return _read_sheet(grid, *found)
    raise ImportFileError(_("文件中没有找到绩效指标表：表头应包含「一级指标」「二级指标」「三级指标」「指标值」等列，"
                            "请使用系统导出的绩效目标申报表填写。"))


def _find_table_header(grid):
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        mapping = {}
        for c, (value, _fmt) in enumerate(row):
            key = _column_key(value) if value is not None else None
            if key and key not in mapping.values():
                mapping[c] = key
        if "name" in mapping.values() and "target" in mapping.values() and (
                "level1" in mapping.values() or "level2" in mapping.values()):
            return index, mapping
    return None


def _read_block(grid, header_index):
    """The header block above the table: each known label's value is the next non-empty cell to its right."""
    header = {}
    for row in grid[:header_index]:
        texts = [cell_text(v, f) for v, f in row]
        for c, text in enumerate(texts):
            if not text:
                continue
            year = _RE_YEAR.search(_nfkc(text))
            if "year" not in header and year and "绩效目标" in text:
                header["year"] = int(year.group(1))
            key = BLOCK_LABELS.get(_label(text))
            if key is None or key in header:
                continue
            value = next((t for t in texts[c + 1:] if t), "")
            header[key] = "" if BLOCK_LABELS.get(_label(value)) else value
    return header


def _read_sheet(grid, header_index, mapping):
    header = _read_block(grid, header_index)
    rows = []
    carry1 = carry2 = ""
    for index in range(header_index + 1, len(grid)):
        raw = grid[index]
        cells = {f: cell_text(raw[c][0], raw[c][1]) if c < len(raw) else "" for c, f in mapping.items()}
        if not any(cells.values()):
            continue
        if is_total(cells.get("level1"), cells.get("level2"), cells.get("name")):
            continue
        first = cell_text(raw[0][0]) if raw else ""
        if _squeeze(first).startswith(("说明", "填表说明", "注:", "备注:", "填表人", "填报说明")):
            continue
        level1, level2 = cells.get("level1", ""), cells.get("level2", "")
        level1 = level1 or carry1  # merged cells read blank below their first row
        if canonical_level1(level1) != canonical_level1(carry1):
            carry2 = ""  # a new level-one block: the level two above does not carry into it
        level2 = level2 or carry2
        carry1, carry2 = level1, level2
        if not any(cells.get(f) for f in ("name", "target", "weight", "unit")):
            continue  # a heading row ("一、产出指标（50分）") or a category left empty in the template
        rows.append({
            "level1": level1, "level2": level2, "name": cells.get("name", ""), "printed": cells.get("target", ""),
            "unit": cells.get("unit", ""), "weight": cells.get("weight", ""), "basis": cells.get("basis", ""),
            "is_core": cells.get("is_core", ""), "note": cells.get("note", ""),
            "comparator": cells.get("comparator", ""), "sheet_row": index + 1, "cells": cells,
        })
    return header, rows


# --- importing one goal -----------------------------------------------------------------------------------

class GoalFileError(Exception):
    """A goal file that was not imported; `errors` are core `RowError`s (sheet row, column, value, reason)."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("；".join(str(e) for e in self.errors))


@dataclass
class GoalImport:
    goal: object
    changed: bool
    rows: int


COLUMN_OF_FIELD = {"comparator": "target", "upper": "target", "entry": "name"}


def sheet_errors(errors, rows):
    """Row errors of the indicator table (row = 1-based indicator index) as errors on the sheet's rows."""
    result = []
    for e in errors:
        reason = str(e.message).strip().rstrip("。")
        if e.row is None or e.row > len(rows):
            result.append(RowError(None, "", "", reason))
            continue
        row = rows[e.row - 1]
        field = COLUMN_OF_FIELD.get(e.field, e.field)
        column = HEADERS.get(field) or FIELD_LABELS.get(field, field)
        value = row.get("cells", {}).get(field, "")
        result.append(RowError(row.get("sheet_row", e.row), column, value, reason))
    return result


def prepare_rows(read_rows, layout_name, current=()):
    """Rows as read → raw row dicts for `clean_rows`, matched against the goal's current rows."""
    prepared = []
    for read in read_rows:
        row = indicator_row(read, layout_name)
        row["unit_cell"] = read.get("unit", "")
        prepared.append(row)
    return keep_existing(prepared, current)


def import_goal_file(goal, user, file, expected_version=None):
    """Replace a draft (or returned) goal's rows, and its 总体目标/年度目标 where the file fills them in, by
    those of an uploaded 申报表: every row is checked as on the page and nothing is written unless all pass.
    A file that matches the goal changes nothing. Returns `GoalImport`; raises `GoalFileError`
    (row/column/reason) or `PermissionDenied`."""
    if not services.can_edit(goal, user):
        raise PermissionDenied(_("当前状态下不能修改该绩效目标。"))
    py = goal.project_year
    try:
        header, read = read_goal_workbook(file)
    except ImportFileError as exc:
        raise GoalFileError(RowError(None, "", "", m) for m in exc.messages)
    code = _squeeze(header.get("project_code", ""))
    if code and code.upper() != py.project.code.upper():
        raise GoalFileError([RowError(None, "项目编码", code,
                                      _("文件是项目「%(file)s」的申报表，与本绩效目标的项目「%(goal)s」不一致")
                                      % {"file": code, "goal": py.project.code})])
    layout_name = services.layout_for(py)
    current = services.goal_rows(goal)
    raw = prepare_rows(read, layout_name, current)
    cleaned, errors = clean_rows(raw, layout_name)
    if errors:
        raise GoalFileError(sheet_errors(errors, read))
    texts = {k: header[k].strip() for k in ("overall_goal", "annual_goal") if header.get(k, "").strip()}
    if same_rows(cleaned, current) and all(getattr(goal, k) == v for k, v in texts.items()):
        return GoalImport(goal, False, len(cleaned))
    try:
        services.save_goal(goal, user, texts, cleaned, expected_version=expected_version)
    except services.GoalError as exc:
        raise GoalFileError(sheet_errors(exc.errors, read) or [RowError(None, "", "", str(exc))])
    return GoalImport(goal, True, len(cleaned))
