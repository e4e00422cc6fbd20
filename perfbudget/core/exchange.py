"""Reading the exchange formats (shared/formats/README.md: perfbudget.goals/1, perfbudget.selfeval/1).

The documents come from other systems and from people who copy real printed tables, so the readers are lenient
with what such tables hold and strict about what they cannot read: `decode` takes a dict, JSON text or bytes
(UTF-8 with or without BOM, or GB18030), `read_document` checks the format name and the list of indicator rows,
and the scalar readers accept numbers as printed (``20``, ``"20分"``, ``"２０"``, ``"1,200"``). Anything they
cannot read raises `FormatError(field, reason)`, whose message names the field (``indicators[3].weight``) and
says why in Chinese; the commands exit 2 with it and the API answers 400. Pure Python, no Django.
"""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal, InvalidOperation

_RE_SPACE = re.compile(r"\s+")


class FormatError(ValueError):
    """The document cannot be read as its format: `field` names where, `reason` says why (Chinese)."""

    def __init__(self, field: str, reason: str):
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


def decode(data) -> dict:
    """The document as a dict, from a dict, JSON text or bytes (UTF-8, BOM or not, or GB18030)."""
    if isinstance(data, (bytes, bytearray)):
        raw = bytes(data)
        try:
            data = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                data = raw.decode("gb18030")
            except UnicodeDecodeError:
                raise FormatError("$", "文件既不是 UTF-8 也不是 GB18030 编码") from None
    if isinstance(data, str):
        try:
            data = json.loads(data.lstrip("\ufeff"))
        except json.JSONDecodeError as exc:
            raise FormatError("$", f"不是有效的 JSON（第{exc.lineno}行第{exc.colno}列：{exc.msg}）") from None
        except RecursionError:
            raise FormatError("$", "JSON 嵌套过深") from None
    if not isinstance(data, dict):
        raise FormatError("$", "应为一个 JSON 对象（{…}）")
    return data


def read_document(data, fmt: str, max_rows: int) -> tuple[dict, list]:
    """(document, its raw indicator rows), once the format name and the rows' list have been checked."""
    doc = decode(data)
    name = doc.get("format")
    if name is None or (isinstance(name, str) and not name.strip()):
        raise FormatError("format", f"缺少格式标识，应为“{fmt}”")
    if not isinstance(name, str) or name.strip().lower() != fmt:
        raise FormatError("format", f"不支持的格式“{name}”，应为“{fmt}”")
    if "indicators" not in doc:
        raise FormatError("indicators", "缺少指标列表")
    rows = as_list(doc.get("indicators"), "indicators", "指标列表")
    if len(rows) > max_rows:
        raise FormatError("indicators", f"指标超过{max_rows}行")
    return doc, rows


def text(value, field, required=False, missing="缺少内容") -> str:
    """A cell's text: numbers as printed, booleans as 是/否; FormatError for lists and objects."""
    if value is None:
        if required:
            raise FormatError(field, missing)
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal)):
        return number_text(value)
    if not isinstance(value, str):
        raise FormatError(field, "应为文字或数字")
    stripped = value.strip()
    if required and not stripped:
        raise FormatError(field, missing)
    return stripped


def number_text(value) -> str:
    """A JSON number as a table prints it (20.0 → "20")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def decimal(value, field, what) -> Decimal | None:
    """A number from 20, "20", "20分", "２０", "1,200"; None for empty; FormatError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FormatError(field, f"{what}应为数字")
    if isinstance(value, (int, float, Decimal)):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise FormatError(field, f"{what}“{value}”不是数字") from None
    elif isinstance(value, str):
        t = unicodedata.normalize("NFKC", value)
        t = _RE_SPACE.sub("", t).replace(",", "")
        for suffix in ("分", "万元", "元", "年"):
            t = t.removesuffix(suffix)
        if not t:
            return None
        try:
            number = Decimal(t)
        except InvalidOperation:
            raise FormatError(field, f"{what}“{value}”不是数字") from None
    else:
        raise FormatError(field, f"{what}应为数字")
    if not number.is_finite():
        raise FormatError(field, f"{what}“{value}”不是有限的数字")
    return number


def json_number(number: Decimal | None):
    """A Decimal as a JSON number: an int when whole."""
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def boolean(value, field) -> bool:
    """是/否 in its printed spellings (是, √, 专项, yes, 1 …); empty is False."""
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        t = unicodedata.normalize("NFKC", value).strip().lower()
        if t in ("1", "true", "yes", "y", "是", "√", "✓", "专项", "专项资金", "on"):
            return True
        if t in ("0", "false", "no", "n", "否", "×", "非专项", "off", ""):
            return False
    raise FormatError(field, f"应为是/否，实际为“{value}”")


def year(value, field) -> int | None:
    """A fiscal year (1990–2100) from 2024, "2024", "2024年"."""
    number = decimal(value, field, "年度")
    if number is None:
        return None
    if number != number.to_integral_value() or not 1990 <= number <= 2100:
        raise FormatError(field, f"年度“{value}”不是有效的年份")
    return int(number)


def as_dict(value, field, what) -> dict:
    """A JSON object, {} when missing."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FormatError(field, f"{what}应为对象（JSON object）")
    return value


def as_list(value, field, what) -> list:
    """A JSON array, [] when missing."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise FormatError(field, f"{what}应为列表（JSON array）")
    return value


def int_list(value) -> list:
    """The integers of a list (anything else dropped); [] for a non-list."""
    return [v for v in value if isinstance(v, int) and not isinstance(v, bool)] if isinstance(value, list) else []
