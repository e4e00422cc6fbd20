"""Reading a filled self-evaluation table in the exchange format perfbudget.selfeval/1 (shared/formats/README.md).

`load(data)` takes the parsed JSON (a dict), JSON text or bytes (UTF-8, with or without BOM, or GB18030) and
returns a normalised copy; anything it cannot read raises `FormatError(field, reason)` whose message names the
field (``indicators[3].weight: 分值“二十分”不是数字``). It is as lenient as `perfbudget.goals.goalfile` with what
real tables print, and shares its label and number readers:

- level one and two: ``产出指标(50分)``, ``一、效益指标``, ``满意度`` → canonical names (goalfile.normalise_level1/2);
- weights and claimed scores: ``20``, ``"20分"``, ``"２０"``; empty means "not printed" (None);
- funds: ``initial``, ``full_year``, ``executed`` as numbers or text with a money unit (``"130万元"``,
  ``"1,300,000元"``), all expressed in the table's ``money_unit`` (taken from the first amount printed with a unit
  when the table names none); ``reason`` (also ``deviation_note``) explains a low execution rate;
- ``judgement``: 0–1, also ``"85%"`` or ``85`` (2–100 read as a percentage; 1.5 is an error);
- a row is inapplicable when ``applicable`` is false (``false``, ``"否"``, ``"不适用"``) or its actual reads
  不适用/不涉及;
- total rows (合计, 总计, 小计) are dropped (their positions listed in ``dropped``); the first one's weight and
  claimed score are kept in ``total_row``; every kept row records its input position in ``index``;
- ``claimed_grade``: 优/良/中/差, also 优秀, 良好, 中等, 合格, 不合格 … .

`load` is idempotent: loading a loaded table returns an equal table. Pure Python, no Django.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from functools import lru_cache

from perfbudget.core import exchange
from perfbudget.core.exchange import FormatError
from perfbudget.goals import goalfile
from perfbudget.goals.goalfile import normalise_level1, normalise_level2
from perfbudget.indicators.naming import LEVEL1_OF_LEVEL2
from perfbudget.indicators.values import MONEY_FACTORS, parse_value

__all__ = ["FORMAT", "FormatError", "GRADES", "load", "normalise_grade"]

FORMAT = "perfbudget.selfeval/1"
GRADES = ("优", "良", "中", "差")
MAX_INDICATORS = goalfile.MAX_INDICATORS
MAX_AMOUNT = Decimal(10) ** 15  # beyond any budget in any money unit: a typo
# Printed grade spellings → grade.
GRADE_SPELLINGS = {
    "优": "优", "优秀": "优", "a": "优", "良": "良", "良好": "良", "b": "良", "中": "中", "中等": "中", "一般": "中",
    "合格": "中", "及格": "中", "c": "中", "差": "差", "较差": "差", "不合格": "差", "不及格": "差", "d": "差",
}
INAPPLICABLE_WORDS = frozenset({"不适用", "不涉及", "本年不适用", "不适用本项目", "n/a", "na"})
_FALSE_WORDS = frozenset({"0", "false", "no", "n", "否", "×", "不适用", "不涉及", "off"})
_TRUE_WORDS = frozenset({"1", "true", "yes", "y", "是", "√", "✓", "适用", "on", ""})


def normalise_grade(value) -> str:
    """``优秀`` → ``优``, ``良好`` → ``良``, ``合格`` → ``中``; "" for nothing printed; FormatError-free: an unknown
    spelling comes back cleaned (the caller decides)."""
    if value is None:
        return ""
    t = unicodedata.normalize("NFKC", str(value)).strip().lower()
    t = t.removeprefix("等级").removeprefix(":").removesuffix("等").removesuffix("级").strip()
    return GRADE_SPELLINGS.get(t, t)


def _text(value, field) -> str:
    if value.__class__ is str:
        return value.strip()  # the common case, without goalfile's type dispatch
    return exchange.text(value, field)


def _number(value, field, what) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        try:
            return _cached_number(value, type(value))
        except FormatError:
            pass  # raised again below with this field's name
    return exchange.decimal(value, field, what)


@lru_cache(maxsize=4096)
def _cached_number(value, _type):
    # 500,000 tables print the same few hundred weights and scores; the type keeps 1 and 1.0 and "1" apart
    return exchange.decimal(value, "", "")


@lru_cache(maxsize=4096)
def _level1(text: str) -> str:
    return normalise_level1(text)


@lru_cache(maxsize=4096)
def _level2(text: str) -> str:
    return normalise_level2(text)


@lru_cache(maxsize=4096)
def _is_total(*labels) -> bool:
    return goalfile.is_total(*labels)


def _json(number: Decimal | None):
    return exchange.json_number(number)


def _clean(value) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip().lower()


# ---------------------------------------------------------------------------------------------------------------
# The document


def load(data) -> dict:
    """Validate and normalise a perfbudget.selfeval/1 document (see the module docstring). Raises FormatError."""
    doc, raw_rows = exchange.read_document(data, FORMAT, MAX_INDICATORS)
    indicators, dropped = [], []
    total_row = doc.get("total_row") if isinstance(doc.get("total_row"), dict) else None
    for i, raw in enumerate(raw_rows):
        row = _indicator(raw, f"indicators[{i}]", i)
        if row.get("total"):
            dropped.append(i)
            if total_row is None:
                total_row = {"weight": row["weight"], "claimed_score": row["claimed_score"]}
        else:
            indicators.append(row)
    claimed_total = _number(doc.get("claimed_total"), "claimed_total", "自评总分")
    if claimed_total is not None and not 0 <= claimed_total <= 1000:
        raise FormatError("claimed_total", f"自评总分“{doc.get('claimed_total')}”不在合理范围内")
    grade_text = doc.get("claimed_grade")
    if grade_text is not None and not isinstance(grade_text, str):
        raise FormatError("claimed_grade", "自评等级应为文字（优、良、中、差）")
    grade = normalise_grade(grade_text)
    if grade and grade not in GRADES:
        raise FormatError("claimed_grade", f"自评等级“{grade_text}”不是优、良、中、差之一")
    return {
        "format": FORMAT,
        "project": _project(doc.get("project")),
        "funds": _funds(doc.get("funds")),
        "indicators": indicators,
        "claimed_total": _json(claimed_total),
        "claimed_grade": grade,
        "total_row": total_row,
        "rules": exchange.as_dict(doc.get("rules"), "rules", "规则") or None,
        "dropped": sorted(set(dropped) | set(exchange.int_list(doc.get("dropped")))),
    }


def _project(value) -> dict:
    project = exchange.as_dict(value, "project", "项目信息")
    out = {k: v for k, v in project.items() if isinstance(k, str)}
    for key in ("name", "department", "unit"):
        out[key] = _text(project.get(key), f"project.{key}")
    out["year"] = exchange.year(project.get("year"), "project.year")
    return out


def _amount(value, field, what):
    """(number, unit printed with it or "") from 130, "130", "130万元", "1,300,000元", "１３０"."""
    if value is None or value == "":
        return None, ""
    if isinstance(value, str):
        v = parse_value(value)
        if v.kind == "number" and v.value is not None and v.op is None and not v.multi and (
                not v.unit or v.unit in MONEY_FACTORS):
            return v.value, v.unit
        number = _number(value, field, what)  # raises with the field named when it is no number at all
        return number, ""
    return _number(value, field, what), ""


def _funds(value) -> dict:
    funds = exchange.as_dict(value, "funds", "资金情况")
    declared = _text(funds.get("money_unit"), "funds.money_unit")
    declared = unicodedata.normalize("NFKC", declared).replace(" ", "")
    if declared and declared not in MONEY_FACTORS:
        raise FormatError("funds.money_unit", f"金额单位“{declared}”不认识，应为元或万元")
    amounts = {}
    for key, what in (("initial", "年初预算数"), ("full_year", "全年预算数"), ("executed", "全年执行数")):
        number, unit = _amount(funds.get(key), f"funds.{key}", what)
        if number is not None and number < 0:
            raise FormatError(f"funds.{key}", f"{what}不能为负数")
        if number is not None and number > MAX_AMOUNT:
            raise FormatError(f"funds.{key}", f"{what}“{funds.get(key)}”过大，请核对金额和单位")
        amounts[key] = (number, unit)
    unit = declared or next((u for _, u in amounts.values() if u), "")
    out = {}
    for key, (number, printed) in amounts.items():
        if number is not None and printed and unit and printed != unit:
            number = number * MONEY_FACTORS[printed] / MONEY_FACTORS[unit]
        out[key] = _json(number)
    out["money_unit"] = unit
    weight = _number(funds.get("weight"), "funds.weight", "资金执行率分值")
    if weight is not None and not 0 <= weight <= 100:
        raise FormatError("funds.weight", f"分值“{funds.get('weight')}”应在0到100之间")
    out["weight"] = _json(weight)
    claimed = _number(funds.get("claimed_score"), "funds.claimed_score", "自评得分")
    if claimed is not None and not 0 <= claimed <= 100:
        raise FormatError("funds.claimed_score", f"自评得分“{funds.get('claimed_score')}”应在0到100之间")
    out["claimed_score"] = _json(claimed)
    reason = funds.get("reason", funds.get("deviation_note"))
    out["reason"] = _text(reason, "funds.reason")
    return out


def _applicable(value, field) -> bool:
    if value is None or isinstance(value, bool):
        return value is not False
    if isinstance(value, (int, float)):
        return value != 0
    t = _clean(value)
    if t in _FALSE_WORDS:
        return False
    if t in _TRUE_WORDS:
        return True
    raise FormatError(field, f"应为是/否，实际为“{value}”")


def _judgement(value, field) -> Decimal | None:
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        number = _number(value.strip()[:-1], field, "评价比例")
        return None if number is None else number / 100
    number = _number(value, field, "评价比例")
    if number is None:
        return None
    if 2 <= number <= 100:
        number = number / 100  # printed as a percentage without the sign ("85"); 1.5 is a mistake, not 1.5%
    if not 0 <= number <= 1:
        raise FormatError(field, f"评价比例“{value}”应在0到1之间（或0%到100%）")
    return number


def _indicator(raw, field, position) -> dict:
    if not isinstance(raw, dict):
        raise FormatError(field, "每个指标应为对象（JSON object）")
    level1_text = _text(raw.get("level1"), f"{field}.level1")
    level2_text = _text(raw.get("level2"), f"{field}.level2")
    name_text = _text(raw.get("name", raw.get("level3")), f"{field}.name")
    weight = _number(raw.get("weight"), f"{field}.weight", "分值")
    claimed = _number(raw.get("claimed_score"), f"{field}.claimed_score", "自评得分")
    if raw.get("total") is True or _is_total(name_text, level1_text, level2_text):
        return {"total": True, "weight": _json(weight), "claimed_score": _json(claimed)}
    level2 = _level2(level2_text) if level2_text else ""
    level1 = _level1(level1_text) if level1_text else LEVEL1_OF_LEVEL2.get(level2, "")
    if not level1:
        raise FormatError(f"{field}.level1", "缺少一级指标")
    if not name_text:
        raise FormatError(f"{field}.name", "缺少三级指标名称")
    if weight is not None and not 0 <= weight <= 100:
        raise FormatError(f"{field}.weight", f"分值“{raw.get('weight')}”应在0到100之间")
    if claimed is not None and not 0 <= claimed <= 100:
        raise FormatError(f"{field}.claimed_score", f"自评得分“{raw.get('claimed_score')}”应在0到100之间")
    target = _text(raw.get("target"), f"{field}.target")
    actual = _text(raw.get("actual"), f"{field}.actual")
    applicable = _applicable(raw.get("applicable"), f"{field}.applicable")
    if _clean(actual) in INAPPLICABLE_WORDS or _clean(target) in INAPPLICABLE_WORDS:
        applicable = False
    index = raw.get("index")
    return {
        "index": index if isinstance(index, int) and not isinstance(index, bool) else position,
        "level1": level1,
        "level2": level2,
        "name": name_text,
        "target": target,
        "actual": actual,
        "unit": _text(raw.get("unit"), f"{field}.unit"),
        "weight": _json(weight),
        "claimed_score": _json(claimed),
        "judgement": _json(_judgement(raw.get("judgement"), f"{field}.judgement")),
        "reason": _text(raw.get("reason"), f"{field}.reason"),
        "deviation_note": _text(raw.get("deviation_note"), f"{field}.deviation_note"),
        "applicable": applicable,
    }
