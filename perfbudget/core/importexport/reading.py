"""Reading uploads: the file is checked to be .xlsx by its content, the header row found and mapped."""

import io
import logging
import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .cells import ImportFileError, display, is_blank, nfkc, text
from .constants import HEADER_SCAN_ROWS, MAX_BYTES, MAX_ROWS

logger = logging.getLogger(__name__)


@dataclass
class Table:
    """The data rows of a file: [(excel row number, {field: raw cell value})], and where the header was."""

    rows: list
    header_row: int
    sheet: str


def normalize_header(value):
    """A header as compared: full-width folded, spaces and * removed, "(元)"/"(必填)"/"(选填)" dropped, lower case."""
    value = re.sub(r"\s+", "", nfkc(text(value))).strip("*")
    for suffix in ("(必填)", "(选填)", "(元)"):
        value = value.removesuffix(suffix)
    return value.lower()


def read_bytes(file):
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

    data = read_bytes(file)
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
