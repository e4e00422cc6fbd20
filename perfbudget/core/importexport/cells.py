"""Cell parsers of imports: (cell value, context) → form value, or CellError with a Chinese reason."""

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..fields import parse_amount

logger = logging.getLogger(__name__)

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




def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def nfkc(value):
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
    value = nfkc(text(value)).strip()
    return value.split()[0] if value else value


def integer(value, ctx=None):
    """A whole number (a year): 2025, 2025.0, "２０２５", "2025年"."""
    if isinstance(value, bool):
        raise CellError(_("应为整数"))
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(_("应为整数"))
        return str(int(value))
    value = re.sub(r"\s+", "", nfkc(str(value))).removesuffix("年度").removesuffix("年")
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
    raw = re.sub(r"\s+", "", nfkc(text(value))).lstrip("¥")
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
    key = re.sub(r"\s+", "", nfkc(str(value))).upper()
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
        return re.sub(r"\s+", "", nfkc(str(s))).upper()

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
