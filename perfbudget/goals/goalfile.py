"""Reading a declared goal table in the exchange format perfbudget.goals/1 (see shared/formats/README.md).

`load(data)` takes the parsed JSON (a dict), JSON text or bytes (UTF-8, with or without BOM, or GB18030) and
returns a normalised copy; anything it cannot read raises `FormatError(field, reason)` whose message names
the field (``indicators[3].target: 缺少指标值``). It is lenient with what real tables print:

- level one: ``产出指标(50分)``, ``产出指标（50分）``, ``一、产出指标``, ``产出`` → ``产出指标``; likewise 效益 (also
  效果), 满意度, 成本 (``成本指标`` may sit at level one, 101号 layout, or at level two under 产出, 10号 layout);
- level two: ``（一）数量指标``, ``数量`` → ``数量指标``, ``社会效益`` → ``社会效益指标``,
  ``满意度`` → ``服务对象满意度指标``;
  a missing level one is taken from the level two (``数量指标`` → ``产出指标``);
- weights: numbers, ``"20"``, ``"20分"``, ``"２０"``; empty means "not printed" (None);
- rows whose name or level one is a total (合计, 总计, 小计) are dropped (their input positions are listed in
  ``dropped``); every kept row records its input position in ``index``;
- targets may be numbers; a separate ``unit`` column is kept and `effective_target()` applies it.

`load` is idempotent: loading a loaded table returns an equal table. Pure Python, no Django.
"""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from perfbudget.indicators.naming import LEVEL1_OF_LEVEL2, unit_note
from perfbudget.indicators.values import Value, parse_value

FORMAT = "perfbudget.goals/1"
OUTPUT, BENEFIT, SATISFACTION, COST = "产出指标", "效益指标", "满意度指标", "成本指标"
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "总分", "合计分值", "分值合计", "总计分值"})
MAX_INDICATORS = 1000

# Level one: first keyword found in the cleaned label → canonical name.
LEVEL1_KEYWORDS = (("满意", SATISFACTION), ("产出", OUTPUT), ("效益", BENEFIT), ("效果", BENEFIT), ("成本", COST))
# Level two: first keyword found → canonical name (成本 variants before 成本, 效益 variants before the rest).
LEVEL2_KEYWORDS = (
    ("经济成本", "经济成本指标"), ("社会成本", "社会成本指标"), ("生态环境成本", "生态环境成本指标"),
    ("生态成本", "生态环境成本指标"), ("环境成本", "生态环境成本指标"), ("成本", "成本指标"),
    ("经济效益", "经济效益指标"), ("社会效益", "社会效益指标"), ("生态效益", "生态效益指标"),
    ("环境效益", "生态效益指标"), ("可持续", "可持续影响指标"), ("满意", "服务对象满意度指标"),
    ("数量", "数量指标"), ("质量", "质量指标"), ("时效", "时效指标"), ("进度", "时效指标"),
)

_RE_NUMBERING = re.compile(r"^(?:[(（]?[一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十\d]+[、.．:：])+")
_RE_POINTS = re.compile(r"[(（]?\s*\d+(?:\.\d+)?\s*分\s*[)）]?$")
_RE_TRAILING_NOTE = re.compile(r"[(（][^()（）]*[)）]$")
_RE_SPACE = re.compile(r"\s+")


class FormatError(ValueError):
    """The document cannot be read as perfbudget.goals/1: `field` names where, `reason` says why (Chinese)."""

    def __init__(self, field: str, reason: str):
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


# ---------------------------------------------------------------------------------------------------------------
# Labels


def _clean_label(text) -> str:
    t = unicodedata.normalize("NFKC", str(text or ""))
    t = _RE_SPACE.sub("", t)
    t = _RE_NUMBERING.sub("", t)
    t = _RE_POINTS.sub("", t)
    t = _RE_TRAILING_NOTE.sub("", t)
    return t


def normalise_level1(text) -> str:
    """``一、产出指标（50分）`` → ``产出指标``; an unknown label comes back cleaned, unchanged otherwise."""
    t = _clean_label(text)
    for keyword, canonical in LEVEL1_KEYWORDS:
        if keyword in t:
            return canonical
    return t


def normalise_level2(text) -> str:
    """``（一）数量`` → ``数量指标``, ``满意度`` → ``服务对象满意度指标``; unknown labels come back cleaned."""
    t = _clean_label(text)
    for keyword, canonical in LEVEL2_KEYWORDS:
        if keyword in t:
            return canonical
    return t


def _is_total(*labels) -> bool:
    return any(_clean_label(x) in TOTAL_WORDS for x in labels if x)


# ---------------------------------------------------------------------------------------------------------------
# Scalars


def _text(value, field, required=False, missing="缺少内容") -> str:
    if value is None:
        if required:
            raise FormatError(field, missing)
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal)):
        return _number_text(value)
    if not isinstance(value, str):
        raise FormatError(field, "应为文字或数字")
    text = value.strip()
    if required and not text:
        raise FormatError(field, missing)
    return text


def _number_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _decimal(value, field, what) -> Decimal | None:
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


def _json_number(number: Decimal | None):
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _bool(value, field) -> bool:
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


def _year(value, field) -> int | None:
    number = _decimal(value, field, "年度")
    if number is None:
        return None
    if number != number.to_integral_value() or not 1990 <= number <= 2100:
        raise FormatError(field, f"年度“{value}”不是有效的年份")
    return int(number)


def _dict(value, field, what) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FormatError(field, f"{what}应为对象（JSON object）")
    return value


def _list(value, field, what) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FormatError(field, f"{what}应为列表（JSON array）")
    return value


# ---------------------------------------------------------------------------------------------------------------
# The document


def _decode(data) -> dict:
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


def load(data) -> dict:
    """Validate and normalise a perfbudget.goals/1 document. Raises FormatError."""
    doc = _decode(data)
    fmt = doc.get("format")
    if fmt is None or (isinstance(fmt, str) and not fmt.strip()):
        raise FormatError("format", f"缺少格式标识，应为“{FORMAT}”")
    if not isinstance(fmt, str) or fmt.strip().lower() != FORMAT:
        raise FormatError("format", f"不支持的格式“{fmt}”，应为“{FORMAT}”")
    if "indicators" not in doc:
        raise FormatError("indicators", "缺少指标列表")
    raw_rows = _list(doc.get("indicators"), "indicators", "指标列表")
    if len(raw_rows) > MAX_INDICATORS:
        raise FormatError("indicators", f"指标超过{MAX_INDICATORS}行")
    indicators, dropped = [], []
    for i, raw in enumerate(raw_rows):
        row = _indicator(raw, f"indicators[{i}]", i)
        if row is None:
            dropped.append(i)
        else:
            indicators.append(row)
    return {
        "format": FORMAT,
        "project": _project(doc.get("project")),
        "overall_goal": _text(doc.get("overall_goal"), "overall_goal"),
        "indicators": indicators,
        "history": _history(doc.get("history")),
        "rules": _dict(doc.get("rules"), "rules", "规则") or None,
        "dropped": sorted(set(dropped) | set(_int_list(doc.get("dropped")))),
    }


def _int_list(value):
    return [v for v in value if isinstance(v, int) and not isinstance(v, bool)] if isinstance(value, list) else []


def _project(value) -> dict:
    project = dict(_dict(value, "project", "项目信息"))
    out = {k: v for k, v in project.items() if isinstance(k, str)}
    out["name"] = _text(project.get("name"), "project.name")
    out["unit"] = _text(project.get("unit"), "project.unit")
    out["year"] = _year(project.get("year"), "project.year")
    amount = _decimal(project.get("amount"), "project.amount", "项目金额")
    if amount is not None and amount < 0:
        raise FormatError("project.amount", "项目金额不能为负数")
    out["amount"] = _json_number(amount)
    out["money_unit"] = _text(project.get("money_unit"), "project.money_unit")
    out["special_fund"] = _bool(project.get("special_fund"), "project.special_fund")
    return out


def _indicator(raw, field, position) -> dict | None:
    if not isinstance(raw, dict):
        raise FormatError(field, "每个指标应为对象（JSON object）")
    name_value = raw.get("name", raw.get("level3"))
    level1_text = _text(raw.get("level1"), f"{field}.level1")
    level2_text = _text(raw.get("level2"), f"{field}.level2")
    name_text = _text(name_value, f"{field}.name")
    if _is_total(name_text, level1_text, level2_text):
        return None
    level2 = normalise_level2(level2_text) if level2_text else ""
    level1 = normalise_level1(level1_text) if level1_text else LEVEL1_OF_LEVEL2.get(level2, "")
    if not level1:
        raise FormatError(f"{field}.level1", "缺少一级指标")
    if not name_text:
        raise FormatError(f"{field}.name", "缺少三级指标名称")
    if "target" not in raw:
        raise FormatError(f"{field}.target", "缺少指标值")
    target = _text(raw.get("target"), f"{field}.target", required=True, missing="缺少指标值")
    weight = _decimal(raw.get("weight"), f"{field}.weight", "分值")
    if weight is not None and not 0 <= weight <= 100:
        raise FormatError(f"{field}.weight", f"分值“{raw.get('weight')}”应在0到100之间")
    index = raw.get("index")
    row = {
        "index": index if isinstance(index, int) and not isinstance(index, bool) else position,
        "level1": level1,
        "level2": level2,
        "name": name_text,
        "target": target,
        "unit": _text(raw.get("unit"), f"{field}.unit"),
        "weight": _json_number(weight),
        "core": _bool(raw.get("core"), f"{field}.core"),
    }
    for key in ("basis", "note", "source"):
        if key in raw:
            row[key] = _text(raw.get(key), f"{field}.{key}")
    return row


def _history(value) -> list:
    out = []
    for i, raw in enumerate(_list(value, "history", "历史数据")):
        field = f"history[{i}]"
        entry = _dict(raw, field, "历史年度")
        rows = []
        for j, item in enumerate(_list(entry.get("indicators"), f"{field}.indicators", "历史指标")):
            row_field = f"{field}.indicators[{j}]"
            item = _dict(item, row_field, "历史指标")
            name = _text(item.get("name", item.get("level3")), f"{row_field}.name")
            if not name:
                raise FormatError(f"{row_field}.name", "缺少指标名称")
            if _is_total(name):
                continue
            rows.append({"name": name, "target": _text(item.get("target"), f"{row_field}.target"),
                         "actual": _text(item.get("actual"), f"{row_field}.actual"),
                         "unit": _text(item.get("unit"), f"{row_field}.unit")})
        out.append({"year": _year(entry.get("year"), f"{field}.year"), "indicators": rows})
    return out


def effective_target(row: dict, key: str = "target") -> Value:
    """The parsed target of a loaded row, with the separate unit column (or a unit note in the name, such as
    "投诉率（%）") applied when the cell printed none."""
    value = parse_value(row.get(key))
    unit = row.get("unit") or unit_note(row.get("name"))
    if unit and value.kind == "number" and not value.unit and value.value is not None:
        joined = parse_value(f"{row.get(key)}{unit}")
        if joined.kind in ("number", "percent") and joined.value == value.value:
            return joined
    return value
