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

import re
import unicodedata

from perfbudget.core.exchange import (
    FormatError,
    as_dict,
    as_list,
    boolean,
    decimal,
    int_list,
    json_number,
    read_document,
    text,
    year,
)
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


def is_total(*labels) -> bool:
    return any(_clean_label(x) in TOTAL_WORDS for x in labels if x)


# ---------------------------------------------------------------------------------------------------------------
# Scalars


# ---------------------------------------------------------------------------------------------------------------
# The document


def load(data) -> dict:
    """Validate and normalise a perfbudget.goals/1 document. Raises FormatError."""
    doc, raw_rows = read_document(data, FORMAT, MAX_INDICATORS)
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
        "overall_goal": text(doc.get("overall_goal"), "overall_goal"),
        "indicators": indicators,
        "history": _history(doc.get("history")),
        "rules": as_dict(doc.get("rules"), "rules", "规则") or None,
        "dropped": sorted(set(dropped) | set(int_list(doc.get("dropped")))),
    }


def _project(value) -> dict:
    project = dict(as_dict(value, "project", "项目信息"))
    out = {k: v for k, v in project.items() if isinstance(k, str)}
    out["name"] = text(project.get("name"), "project.name")
    out["unit"] = text(project.get("unit"), "project.unit")
    out["year"] = year(project.get("year"), "project.year")
    amount = decimal(project.get("amount"), "project.amount", "项目金额")
    if amount is not None and amount < 0:
        raise FormatError("project.amount", "项目金额不能为负数")
    out["amount"] = json_number(amount)
    out["money_unit"] = text(project.get("money_unit"), "project.money_unit")
    out["special_fund"] = boolean(project.get("special_fund"), "project.special_fund")
    return out


def _indicator(raw, field, position) -> dict | None:
    if not isinstance(raw, dict):
        raise FormatError(field, "每个指标应为对象（JSON object）")
    name_value = raw.get("name", raw.get("level3"))
    level1_text = text(raw.get("level1"), f"{field}.level1")
    level2_text = text(raw.get("level2"), f"{field}.level2")
    name_text = text(name_value, f"{field}.name")
    if is_total(name_text, level1_text, level2_text):
        return None
    level2 = normalise_level2(level2_text) if level2_text else ""
    level1 = normalise_level1(level1_text) if level1_text else LEVEL1_OF_LEVEL2.get(level2, "")
    if not level1:
        raise FormatError(f"{field}.level1", "缺少一级指标")
    if not name_text:
        raise FormatError(f"{field}.name", "缺少三级指标名称")
    if "target" not in raw:
        raise FormatError(f"{field}.target", "缺少指标值")
    target = text(raw.get("target"), f"{field}.target", required=True, missing="缺少指标值")
    weight = decimal(raw.get("weight"), f"{field}.weight", "分值")
    if weight is not None and not 0 <= weight <= 100:
        raise FormatError(f"{field}.weight", f"分值“{raw.get('weight')}”应在0到100之间")
    index = raw.get("index")
    row = {
        "index": index if isinstance(index, int) and not isinstance(index, bool) else position,
        "level1": level1,
        "level2": level2,
        "name": name_text,
        "target": target,
        "unit": text(raw.get("unit"), f"{field}.unit"),
        "weight": json_number(weight),
        "core": boolean(raw.get("core"), f"{field}.core"),
    }
    for key in ("basis", "note", "source"):
        if key in raw:
            row[key] = text(raw.get(key), f"{field}.{key}")
    return row


def _history(value) -> list:
    out = []
    for i, raw in enumerate(as_list(value, "history", "历史数据")):
        field = f"history[{i}]"
        entry = as_dict(raw, field, "历史年度")
        rows = []
        for j, item in enumerate(as_list(entry.get("indicators"), f"{field}.indicators", "历史指标")):
            row_field = f"{field}.indicators[{j}]"
            item = as_dict(item, row_field, "历史指标")
            name = text(item.get("name", item.get("level3")), f"{row_field}.name")
            if not name:
                raise FormatError(f"{row_field}.name", "缺少指标名称")
            if is_total(name):
                continue
            rows.append({"name": name, "target": text(item.get("target"), f"{row_field}.target"),
                         "actual": text(item.get("actual"), f"{row_field}.actual"),
                         "unit": text(item.get("unit"), f"{row_field}.unit")})
        out.append({"year": year(entry.get("year"), f"{field}.year"), "indicators": rows})
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
