"""Import and export of business tables as real `.xlsx` files (DESIGN.md, mechanism 6).

One pattern for every table: a `TableSpec` lists the columns (Chinese header, form field, how a cell becomes a
form value, the dropdown offered in the template, how an object becomes a cell on export), the form that
validates each row (the very form of the edit page) and the save function (the page's save path).

- `build_template(spec, user)`: the download, with a styled and frozen header, dropdowns and a 填写说明 sheet.
- `read_rows(spec, file)`: checks the file is an `.xlsx` by its content, finds the header row, maps the
  (tolerantly normalised) headers to columns; a file-level problem raises `ImportFileError`.
- `run_import(spec, file, user)`: validates every row through the form, finds duplicates within the file and
  against the database, and writes all rows in one transaction, or nothing at all. Files of more than
  `BACKGROUND_ROWS` rows run as a background `Job` with progress. Each import is recorded as a `Job`.
- `error_report(errors)`: the errors as an `.xlsx` (row, column, value, reason).
- `write_table(spec, objects)`: an export with the same columns, so that it can be edited and imported again.
"""

import io
import logging
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .fields import parse_amount
from .models import Job

logger = logging.getLogger(__name__)

BACKGROUND_ROWS = 200  # more data rows than this run as a background job (measured ≈30 ms a row, SQLite)
MAX_ROWS = 100_000
MAX_BYTES = 20 * 1024 * 1024
MAX_STORED_ERRORS = 5000  # errors kept on the job (the count is always exact)
HEADER_SCAN_ROWS = 10  # title lines above the header row are tolerated
MONEY_FORMAT = '#,##0.00"元"'
TEXT_FORMAT = "@"
INLINE_LIST_MAX = 250  # Excel's limit for an inline list formula is 255 characters

REQUIRED_FILL = PatternFill("solid", fgColor="1F4E79")
OPTIONAL_FILL = PatternFill("solid", fgColor="5B8BC9")
EXTRA_FILL = PatternFill("solid", fgColor="808080")
HEADER_FONT = Font(bold=True, color="FFFFFF")
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


class CellError(ValueError):
    """A cell that cannot become a form value; `reason` is the Chinese explanation."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class ImportFileError(Exception):
    """The file as a whole cannot be imported (not .xlsx, empty, wrong columns); `messages` in Chinese."""

    def __init__(self, *messages):
        super().__init__("；".join(messages))
        self.messages = list(messages)


@dataclass
class ImportContext:
    """What cell parsers may consult: the importing user and a per-import cache for lookups."""

    user: Any
    cache: dict = field(default_factory=dict)

    def cached(self, key, build):
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]


# ---------------------------------------------------------------- cell parsers: (value, ctx) -> form value


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _nfkc(value):
    """Full-width letters, digits and punctuation to their ASCII forms (１２３，（） → 123,())."""
    return unicodedata.normalize("NFKC", value)


def display(value):
    """A cell value as the user typed it, for messages (2050201.0 → 2050201, True → 是)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    return text if len(text) <= 80 else text[:77] + "…"


def text(value, ctx=None):
    """Free text, trimmed; numbers typed into a text column lose the spurious `.0`."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def code(value, ctx=None):
    """A code: full-width characters folded, and "2050201 学前教育" (a dropdown entry) reduced to its code."""
    if isinstance(value, bool):
        raise CellError(_("应填写编码"))
    value = _nfkc(text(value)).strip()
    return value.split()[0] if value else value


def integer(value, ctx=None):
    """A whole number (a year): 2025, 2025.0, "２０２５", "2025年"."""
    if isinstance(value, bool):
        raise CellError(_("应为整数"))
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(_("应为整数"))
        return str(int(value))
    value = re.sub(r"\s+", "", _nfkc(str(value))).removesuffix("年度").removesuffix("年")
    if not re.fullmatch(r"-?\d+", value):
        raise CellError(_("应为整数（阿拉伯数字）"))
    return value


_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?(亿元|亿|万元|万|元)?")


def amount(value, ctx=None):
    """An amount in 元, exactly: numbers, "1,200,000.00", "¥1200000", "1200000元", "120万"/"120万元" (×10000),
    full-width digits (parsed by `core.fields.parse_amount`, as on the page). "约100万", "一百万" are refused."""
    if isinstance(value, bool):
        raise CellError(_("金额应为数字"))
    if isinstance(value, float):
        number = Decimal(repr(value))
        rounded = number.quantize(Decimal("0.01"))
        # Binary floats carry noise (0.1+0.2); anything finer than a cent by more than noise is left for the form.
        return format(rounded if abs(number - rounded) < Decimal("0.000001") else number, "f")
    raw = re.sub(r"\s+", "", _nfkc(text(value))).lstrip("¥")
    if "," in raw and not _GROUPED.fullmatch(raw):
        raise CellError(_("金额的千分位逗号位置不对（应如 1,200,000.00）"))
    if re.search(r"[零〇一二三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟]", raw):
        raise CellError(_("金额应使用阿拉伯数字（如 1200000 或 120万），不能使用中文数字"))
    try:
        number = parse_amount(raw)
    except ValueError as exc:
        raise CellError(str(exc))
    return format(number, "f")


_TRUE = {"是", "Y", "YES", "1", "TRUE", "T", "√", "✓", "对"}
_FALSE = {"否", "N", "NO", "0", "FALSE", "F", "×", "✗", "不是"}


def boolean(value, ctx=None):
    """是/否, Y/N, 1/0, TRUE/FALSE → the form's "True"/"False"."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) and value in (0, 1):
        return str(bool(value))
    key = re.sub(r"\s+", "", _nfkc(str(value))).upper()
    if key in _TRUE:
        return "True"
    if key in _FALSE:
        return "False"
    raise CellError(_("应填写「是」或「否」"))


def choice(choices, aliases=None):
    """A parser accepting a choice by its code or its label (case and spaces ignored), plus `aliases`.

    Labels are accepted in every language of the site (a template or export made in English imports for a
    Chinese user and the other way round). The table is built on first use, not when the module is imported,
    so that it does not depend on the language active at import time.
    """

    def norm(s):
        return re.sub(r"\s+", "", _nfkc(str(s))).upper()

    def build():
        table = {norm(k): k for k, _label in choices}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for k, label in choices:
                    table.setdefault(norm(label), k)
        with translation.override(settings.LANGUAGE_CODE):  # the source language wins any clash
            table.update({norm(label): k for k, label in choices})
        table.update({norm(a): k for a, k in (aliases or {}).items()})
        return table

    tables = []

    def parse(value, ctx=None):
        if not tables:
            tables.append(build())
        key = norm(text(value))
        if key not in tables[0]:
            labels = pgettext("list separator", "、").join(str(label) for _k, label in choices)
            raise CellError(_("应为以下之一：%(labels)s") % {"labels": labels})
        return tables[0][key]

    return parse


# ---------------------------------------------------------------- the spec of a table


@dataclass(frozen=True)
class Column:
    """One column of an importable (and exportable) table.

    `parse(value, ctx)` turns a non-empty cell into the form's value (raising `CellError`); an empty cell (or an
    absent optional column) gives `default`. `dropdown` is a list of entries or `callable(user)` returning one.
    `export(obj)` gives the cell value of an object on export. `messages` overrides form error messages by code.
    """

    header: str
    field: str
    required: bool = False
    parse: Callable[[Any, ImportContext], str] = text
    dropdown: Sequence[str] | Callable[[Any], Sequence[str]] | None = None
    export: Callable[[Any], Any] | None = None
    default: str = ""
    help: str = ""
    example: str = ""
    width: int = 14
    number_format: str | None = None
    aliases: tuple[str, ...] = ()
    messages: dict = field(default_factory=dict)
    strict_dropdown: bool = True

    def dropdown_values(self, user):
        values = self.dropdown(user) if callable(self.dropdown) else self.dropdown
        return [str(v) for v in values or ()]


@dataclass(frozen=True)
class TableSpec:
    """An importable table: columns, the row form (`form_class(data=..., user=...)`), and the save path.

    `save(user, cleaned_data, instance)` writes one row (instance is the existing object on update, else None).
    `key(cleaned_data)` identifies a row (duplicates within the file); `lookup(cleaned_data)` finds the existing
    object with that key; `unchanged(instance, cleaned_data)` says an update would change nothing;
    `can_update(instance, user)` returns why an existing object may not be updated (or None);
    `check_rows(rows)` yields (row, field, reason) for rules across rows ([(row, cleaned_data), ...]).
    `export_only` columns are written on export and ignored on import. `path` is the dotted path of the spec
    (background jobs load it by that path).
    """

    name: str
    path: str
    title: str
    sheet_title: str
    columns: tuple[Column, ...]
    form_class: type
    save: Callable[[Any, dict, Any], Any]
    key: Callable[[dict], tuple] | None = None
    key_label: str = ""
    key_field: str = ""
    lookup: Callable[[dict], Any] | None = None
    unchanged: Callable[[Any, dict], bool] | None = None
    can_update: Callable[[Any, Any], str | None] | None = None
    check_rows: Callable[[list], Iterable[tuple[int, str, str]]] | None = None
    export_only: tuple[Column, ...] = ()
    instructions: tuple[str, ...] = ()

    def column(self, field_name):
        return next((c for c in self.columns if c.field == field_name), None)


# ---------------------------------------------------------------- template


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


# ---------------------------------------------------------------- reading


@dataclass
class Table:
    """The data rows of a file: [(excel row number, {field: raw cell value})], and where the header was."""

    rows: list
    header_row: int
    sheet: str


def normalize_header(value):
    """A header as compared: full-width folded, spaces and * removed, "(元)"/"(必填)"/"(选填)" dropped, lower case."""
    value = re.sub(r"\s+", "", _nfkc(text(value))).strip("*")
    for suffix in ("(必填)", "(选填)", "(元)"):
        value = value.removesuffix(suffix)
    return value.lower()


def _read_bytes(file):
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if hasattr(file, "read"):
        if hasattr(file, "seek"):
            file.seek(0)
        return file.read()
    with open(file, "rb") as fh:
        return fh.read()


def check_xlsx(data):
    """Refuse, with one clear Chinese message, anything that is not an .xlsx workbook (judged by content)."""
    if not data or not data.strip():
        raise ImportFileError(_("文件为空，请使用导入模板填写后再上传。"))
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("文件超过 %(n)sMB，请拆分后分批导入。") % {"n": MAX_BYTES // 1024 // 1024})
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("这是旧版 Excel（.xls）或加密的文件，"
                                "请在 Excel 中「另存为」.xlsx 格式（不设密码）后再导入。"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        kind = _("文本或 CSV 文件") if _looks_like_text(data) else _("无法识别的文件")
        raise ImportFileError(_("文件不是 Excel .xlsx 格式（看起来是%(kind)s），请使用导入模板（.xlsx）填写后上传。")
                              % {"kind": kind})
    if "xl/workbook.xml" not in names:
        raise ImportFileError(_("文件不是 Excel .xlsx 工作簿（可能是 Word、WPS 或其他压缩文件），"
                                "请使用导入模板填写后上传。"))


def _looks_like_text(data):
    sample = data[:4096]
    for encoding in ("utf-8", "gb18030"):
        try:
            sample.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def read_rows(spec, file):
    """Read the data rows of an uploaded file for `spec`; raise `ImportFileError` on a file-level problem."""
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    data = _read_bytes(file)
    check_xlsx(data)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible = [m.name for m in wb.sheets_metadata if m.visible == SheetVisibleEnum.Visible]
        name = spec.sheet_title if spec.sheet_title in wb.sheet_names else (visible or wb.sheet_names)[0]
        grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for damaged files
        logger.info("unreadable workbook: %s", exc)
        raise ImportFileError(_("文件已损坏或无法读取，请用 Excel 打开检查后另存为 .xlsx 再导入。"))
    if not any(any(not is_blank(v) for v in row) for row in grid):
        raise ImportFileError(_("文件中没有任何内容，请使用导入模板填写后再上传。"))
    header_index, mapping = _find_header(spec, grid)
    rows = []
    for index in range(header_index + 1, len(grid)):
        raw = grid[index]
        if all(is_blank(v) for v in raw):
            continue
        rows.append((index + 1, {f: raw[c] if c < len(raw) else None for c, f in mapping.items()}))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(_("文件超过 %(n)s 行，请拆分后分批导入。") % {"n": MAX_ROWS})
    if not rows:
        raise ImportFileError(_("文件中只有表头，没有数据行。"))
    return Table(rows=rows, header_row=header_index + 1, sheet=name)


def _header_keys(spec):
    keys = {}
    for col in spec.columns:
        for name in (col.header, col.field, *col.aliases):
            keys[normalize_header(name)] = col
    ignored = {normalize_header(n) for c in spec.export_only for n in (c.header, *c.aliases)}
    return keys, ignored


def _find_header(spec, grid):
    """The header row (the first of the top rows naming enough columns) and {column index: field}."""
    keys, ignored = _header_keys(spec)
    needed = max(1, sum(c.required for c in spec.columns) // 2)
    header_index = None
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        if sum(normalize_header(v) in keys for v in row if not is_blank(v)) >= needed:
            header_index = index
            break
    if header_index is None:
        header_index = next(i for i, row in enumerate(grid) if any(not is_blank(v) for v in row))
    mapping, seen, problems = {}, {}, []
    for c, value in enumerate(grid[header_index]):
        if is_blank(value):
            continue
        key = normalize_header(value)
        col = keys.get(key)
        if col is None:
            if key in ignored:
                continue
            if key.endswith("(万元)") and key.removesuffix("(万元)") in keys:
                problems.append(_("列「%(column)s」以万元为单位，导入要求以元为单位：请将金额换算为元"
                                  "（或在数字后加「万」），并将列名改为「%(header)s」。")
                                % {"column": display(value), "header": keys[key.removesuffix("(万元)")].header})
            else:
                problems.append(_("无法识别的列「%(column)s」，请使用导入模板中的列名。") % {"column": display(value)})
            continue
        if col.field in seen:
            problems.append(_("列「%(column)s」出现了两次（第%(first)s列和第%(second)s列）。")
                            % {"column": col.header, "first": seen[col.field], "second": c + 1})
            continue
        seen[col.field] = c + 1
        mapping[c] = col.field
    missing = [c.header for c in spec.columns if c.required and c.field not in seen]
    if missing:
        names = pgettext("list separator", "、").join(_("「%(column)s」") % {"column": h} for h in missing)
        problems.insert(0, _("缺少必填列：%(columns)s。请下载最新的导入模板。") % {"columns": names})
    if problems:
        raise ImportFileError(*problems)
    return header_index, mapping


# ---------------------------------------------------------------- importing


@dataclass
class RowError:
    """One problem: Excel row number (None for the file as a whole), column header, cell value, reason."""

    row: int | None
    column: str
    value: str
    reason: str

    def __str__(self):
        where = _("第%(row)s行") % {"row": self.row} if self.row else ""
        if self.column:
            where += pgettext("error location", "「%(column)s」") % {"column": self.column}
        if self.value:
            where += pgettext("error location", "值「%(value)s」") % {"value": self.value}
        where = where.strip()
        return _("%(where)s：%(reason)s") % {"where": where, "reason": self.reason} if where else self.reason


@dataclass
class ImportResult:
    """What an import did (counts) or why it wrote nothing (errors); `job` records it."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    error_count: int = 0
    job: Job | None = None

    @property
    def ok(self):
        return not self.errors

    def add(self, row, column, value, reason):
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(RowError(row, column, display(value), str(reason).strip().rstrip("。.")))

    def as_dict(self):
        return {"total": self.total, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "error_count": self.error_count,
                "errors": [[e.row, e.column, e.value, e.reason] for e in self.errors]}

    @classmethod
    def from_dict(cls, data, job=None):
        errors = [RowError(*e) for e in data.get("errors", [])]
        return cls(total=data.get("total", 0), created=data.get("created", 0), updated=data.get("updated", 0),
                   unchanged=data.get("unchanged", 0), errors=errors,
                   error_count=data.get("error_count", len(errors)), job=job)


def _form_reason(col, error):
    if col is not None and error.code in col.messages:
        return str(col.messages[error.code])
    if error.code == "required":
        return _("必填，不能为空")
    return " ".join(error.messages)


def import_rows(spec, table, user, update=False, progress=None):
    """Validate every row of `table`, then write them all in one transaction, or nothing if any row fails.

    With `update`, a row whose key exists is an update of that object (identical rows are left alone);
    without it such a row is a duplicate. `progress(done, phase)` is told how far validation has got.
    """
    result = ImportResult(total=len(table.rows))
    ctx = ImportContext(user)
    valid, seen = [], {}
    step = max(1, len(table.rows) // 100)
    for n, (row_no, raw) in enumerate(table.rows, start=1):
        checked = _validate_row(spec, ctx, row_no, raw, result, update, seen)
        if checked is not None:
            valid.append(checked)
        if progress and (n % step == 0 or n == len(table.rows)):
            progress(n, "validating")
    values = {(r, f): v for r, raw in table.rows for f, v in raw.items()}
    if spec.check_rows and len(valid) > 1:
        for row_no, field_name, reason in spec.check_rows([(r, data) for r, data, *_ in valid]):
            col = spec.column(field_name)
            result.add(row_no, col.header if col else "", values.get((row_no, field_name)), reason)
    if result.errors:
        return result
    if progress:
        progress(len(table.rows), "saving")
    _save_all(spec, user, valid, result, values)
    return result


def _validate_row(spec, ctx, row_no, raw, result, update, seen):
    """Parse and validate one row; returns (row, cleaned_data, instance, unchanged) or None on errors."""
    data, failed = {}, set()
    before, first = result.error_count, len(result.errors)
    for col in spec.columns:
        value = raw.get(col.field)
        if is_blank(value):
            data[col.field] = col.default
            continue
        try:
            data[col.field] = col.parse(value, ctx)
        except CellError as exc:
            failed.add(col.field)
            result.add(row_no, col.header, value, exc.reason)
    form = spec.form_class(data=data, user=ctx.user)
    if not form.is_valid():
        for field_name, errors in form.errors.as_data().items():
            if field_name in failed:
                continue
            col = spec.column(field_name)
            for error in errors:
                result.add(row_no, col.header if col else "", raw.get(field_name), _form_reason(col, error))
    if result.error_count > before:
        order = {c.header: i for i, c in enumerate(spec.columns)}
        result.errors[first:] = sorted(result.errors[first:], key=lambda e: order.get(e.column, len(order)))
        return None
    cleaned = form.cleaned_data
    instance, unchanged = None, False
    if spec.key:
        key = spec.key(cleaned)
        key_col = spec.column(spec.key_field)
        header = key_col.header if key_col else ""
        if key in seen:
            result.add(row_no, header, raw.get(spec.key_field),
                       _("与第%(row)s行重复（%(key)s相同），同一记录在文件中只能出现一次")
                       % {"row": seen[key], "key": spec.key_label})
            return None
        seen[key] = row_no
        instance = spec.lookup(cleaned) if spec.lookup else None
        if instance is not None:
            label = "/".join(str(k) for k in key)
            if not update:
                result.add(row_no, header, raw.get(spec.key_field),
                           _("系统中已有该记录（%(key)s：%(value)s）；如需按文件更新已有记录，请勾选「更新已有记录」后重新导入")
                           % {"key": spec.key_label, "value": label})
                return None
            unchanged = bool(spec.unchanged and spec.unchanged(instance, cleaned))
            reason = None if unchanged or not spec.can_update else spec.can_update(instance, ctx.user)
            if reason:
                result.add(row_no, header, raw.get(spec.key_field), reason)
                return None
    return row_no, cleaned, instance, unchanged


@contextmanager
def acting_as(user):
    """Attribute change-log entries to `user` (outside a request, e.g. in a job or a command); inside a request,
    keep the request's address and restore its audit context afterwards."""
    from auditlog.context import auditlog_value, set_actor

    previous = auditlog_value.get(None)
    extra = {k: previous.get(k) for k in ("remote_addr", "remote_port")} if previous else {}
    try:
        with set_actor(user, **extra):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)


def _save_all(spec, user, valid, result, values):
    """Write every valid row in one transaction; any failure is reported on its row and undoes everything."""
    with acting_as(user), transaction.atomic():
        for row_no, cleaned, instance, unchanged in valid:
            if unchanged:
                result.unchanged += 1
                continue
            try:
                with transaction.atomic():
                    spec.save(user, cleaned, instance)
            except ValidationError as exc:
                for field_name, messages in getattr(exc, "message_dict", {"": exc.messages}).items():
                    col = spec.column(field_name)
                    for message in messages:
                        result.add(row_no, col.header if col else "", values.get((row_no, field_name)), message)
            except PermissionDenied as exc:
                result.add(row_no, "", "", str(exc) or _("无权保存该记录"))
            except Exception as exc:  # any failure must undo the whole file, and say on which row it happened
                logger.exception("import %s: row %s failed to save", spec.name, row_no)
                result.add(row_no, "", "", _("保存失败：%(error)s") % {"error": exc})
            else:
                if instance is None:
                    result.created += 1
                else:
                    result.updated += 1
        if result.errors:
            transaction.set_rollback(True)
    if result.errors:
        result.created = result.updated = result.unchanged = 0


def run_import(spec, file, user, *, update=False, filename="", background_rows=BACKGROUND_ROWS):
    """Import an uploaded file for `user`: all rows or nothing. Returns an `ImportResult`.

    A file-level problem gives a result with errors and no job. Otherwise the import is recorded as a `Job`
    (`result.job`): run here for up to `background_rows` rows, else queued for a background worker (the
    result then has no counts yet; the job page shows its progress).
    """
    data = _read_bytes(file)
    filename = filename or getattr(file, "name", "") or "upload.xlsx"
    try:
        table = read_rows(spec, data)
    except ImportFileError as exc:
        result = ImportResult()
        for message in exc.messages:
            result.add(None, "", "", message)
        return result
    title = _("导入%(title)s：%(filename)s") % {"title": spec.title, "filename": filename}
    job = Job(kind=f"import:{spec.name}", title=title[:200], total=len(table.rows),
              created_by=user, params={"spec": spec.path, "update": bool(update), "filename": filename,
                                       "handler": "perfbudget.core.importexport.run_import_job"})
    if len(table.rows) > background_rows:
        from .tasks import enqueue_job

        job.save()
        job.file.save(f"import-{uuid.uuid4().hex}.xlsx", ContentFile(data), save=True)
        enqueue_job(job)
        return ImportResult(total=len(table.rows), job=job)
    job.started_at = timezone.now()
    result = import_rows(spec, table, user, update=update)
    _finish(job, result)
    job.save()
    result.job = job
    return result


def _finish(job, result):
    job.done = result.total
    job.result = result.as_dict()
    job.finished_at = timezone.now()
    if result.errors:
        job.status = Job.Status.FAILED
        job.error = _("校验未通过：共%(count)s处错误，未写入任何数据。") % {"count": result.error_count}
    else:
        job.status = Job.Status.SUCCEEDED


def run_import_job(job):
    """The background half of `run_import` (called by `core.tasks.run_job`): import the job's stored file."""
    from .middleware import set_request_id

    spec = import_string(job.params["spec"])
    user = job.created_by
    token = set_request_id(f"job-{job.pk}")
    try:
        with job.file.open("rb") as fh:
            data = fh.read()
        try:
            table = read_rows(spec, data)
        except ImportFileError as exc:
            result = ImportResult()
            for message in exc.messages:
                result.add(None, "", "", message)
        else:

            def progress(done, phase):
                Job.objects.filter(pk=job.pk).update(done=done, result={"phase": phase})

            result = import_rows(spec, table, user, update=job.params.get("update", False), progress=progress)
    finally:
        token.var.reset(token)
    job.refresh_from_db()
    _finish(job, result)
    job.save()
    return result


def job_result(job):
    """The `ImportResult` recorded on an import job (empty while it runs)."""
    return ImportResult.from_dict(job.result or {}, job=job)


# ---------------------------------------------------------------- reports and exports


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
            row.append(value)
        ws.append(row)
    return _to_bytes(wb)
