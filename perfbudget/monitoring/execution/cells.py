"""Cell rules of execution data: text in, (value, problem) out, as plain functions.

Every cell reaches these functions as text (CSV cells as read, `.xlsx` cells through `cell_text`), so the
PostgreSQL loader can apply the very same rules in SQL (`pgsql.py` mirrors each function here; a test runs both
on the same table of cases). A problem is a `Problem(code, params)`; `reason()` gives its Chinese text.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

SPACES = " \t\r\n\f\v"  # the white space removed from numbers and trimmed from text (same set in SQL)
_DELETE_SPACES = str.maketrans("", "", SPACES)
MAX_INTEGER_DIGITS = 14  # numeric(16, 2)
YEAR = re.compile(r"([0-9]{4})(?:年度|年)?")
MONTH = re.compile(r"([0-9]+)(?:月份|月)?")
AMOUNT = re.compile(r"(-?)¥?([0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.([0-9]+))?元?")
FUNCTION_CODE = re.compile(r"[0-9]{3}(?:[0-9]{2}){0,2}")


@dataclass(frozen=True)
class Problem:
    """Why a cell or row is refused: a code (stable, shared with the SQL loader) and its parameters."""

    code: str
    params: dict = field(default_factory=dict, hash=False, compare=False)

    def reason(self):
        return reason(self.code, self.params)


def reason(code, params=None):
    """The Chinese reason of a problem code."""
    params = params or {}
    texts = {
        "required": lambda: _("必填，不能为空"),
        "year_format": lambda: _("预算年度应为四位数字（如 2025）"),
        "month_format": lambda: _("月份应为 1 到 12 的整数"),
        "month_range": lambda: _("月份应在 1 到 12 之间"),
        "amount_format": lambda: _("支付金额应为数字（单位：元，可带千分位逗号），不能填写文字"),
        "amount_negative": lambda: _("支付金额不能为负数"),
        "amount_decimals": lambda: _("支付金额最多保留两位小数（单位：元）"),
        "amount_too_large": lambda: _("支付金额超出范围（整数部分最多 14 位）"),
        "too_long": lambda: _("不能超过 %(n)s 个字符") % {"n": params.get("n")},
        "function_code": lambda: _("功能分类科目编码应为 3、5 或 7 位数字"),
        "unknown_project": lambda: _("项目编码不存在或不在您的管理范围内"),
        "no_project_year": lambda: _("项目库中没有该项目 %(year)s 年度的记录") % {"year": params.get("year")},
        "duplicate": lambda: _("与第%(row)s行重复（项目编码、预算年度、月份相同），"
                               "同一项目同一月份在文件中只能出现一次") % {"row": params.get("row")},
    }
    return texts[code]()


def fold(text):
    """Full-width letters, digits and punctuation to ASCII (NFKC); ASCII text is returned as it is."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def trim(text):
    return text.strip(SPACES)


def squeeze(text):
    return text.translate(_DELETE_SPACES)


def is_blank(text):
    return text is None or not trim(fold(text))


def cell_text(value):
    """An `.xlsx` cell value as the text a CSV would hold (7.0 → "7", 1234.5 → "1234.5", None → None)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        number = Decimal(repr(value))
        rounded = number.quantize(Decimal("0.01"))
        # Binary floats carry noise (0.1 + 0.2); anything finer than a cent by more than noise stays as it is.
        return format(rounded if abs(number - rounded) < Decimal("0.000001") else number, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def parse_code(text):
    code = trim(fold(text or ""))
    return (None, Problem("required")) if not code else (code, None)


def parse_year(text):
    value = squeeze(fold(text or ""))
    if not value:
        return None, Problem("required")
    match = YEAR.fullmatch(value)
    return (int(match[1]), None) if match else (None, Problem("year_format"))


def parse_month(text):
    value = squeeze(fold(text or ""))
    if not value:
        return None, Problem("required")
    match = MONTH.fullmatch(value)
    if not match:
        return None, Problem("month_format")
    digits = match[1].lstrip("0")
    if len(digits) > 2 or not 1 <= int(digits or 0) <= 12:
        return None, Problem("month_range")
    return int(digits), None


def parse_amount(text):
    """An amount in 元: digits, thousands separators, full-width digits, ¥ and 元 allowed; ≥ 0, at most 2 decimals."""
    value = squeeze(fold(text or ""))
    if not value:
        return None, Problem("required")
    match = AMOUNT.fullmatch(value)
    if not match:
        return None, Problem("amount_format")
    sign, whole, fraction = match[1], match[2].replace(",", ""), (match[3] or "").rstrip("0")
    if sign:
        return None, Problem("amount_negative")
    if len(fraction) > 2:
        return None, Problem("amount_decimals")
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS:
        return None, Problem("amount_too_large")
    return Decimal(f"{whole}.{fraction or '0'}").quantize(Decimal("0.01")), None


def text_parser(max_length, pattern=None, problem=""):
    """An optional text column: trimmed, at most `max_length` characters, matching `pattern` when given."""

    def parse(text):
        value = trim(fold(text or ""))
        if len(value) > max_length:
            return None, Problem("too_long", {"n": max_length})
        if value and pattern is not None and not pattern.fullmatch(value):
            return None, Problem(problem)
        return value, None

    return parse


parse_budget_type = text_parser(20)
parse_function_code = text_parser(7, FUNCTION_CODE, "function_code")
parse_source = text_parser(50)
