"""The shipped indicator library (perfbudget/indicators/data/*.csv) is well formed. Pure: no database."""

import csv
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

import perfbudget
from perfbudget.indicators.values import parse_value

DATA = Path(perfbudget.__file__).resolve().parent / "indicators" / "data"

CATEGORY_COLUMNS = ["code", "name", "parent_code", "function_codes", "sort"]
ENTRY_COLUMNS = ["code", "category_code", "is_common", "level1", "level2", "name", "definition", "unit",
                 "direction", "value_kind", "formula", "basis", "suggested_target", "range_low", "range_high",
                 "sectors", "function_codes"]
LEVELS = {
    "产出指标": {"数量指标", "质量指标", "时效指标", "成本指标"},
    "效益指标": {"经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"},
    "满意度指标": {"服务对象满意度指标"},
}
DIRECTIONS = {"≥", "≤", "=", "interval", "qualitative"}
VALUE_KINDS = {"quantitative", "qualitative"}
BASES = {"计划标准", "行业标准", "历史标准", "其他标准"}
INPUT_WORDS = ("投入资金", "资金到位", "预算资金", "人员经费")


def _read(name):
    with open(DATA / name, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return reader.fieldnames, list(reader)


CAT_HEADER, CATEGORIES = _read("categories.csv")
ENTRY_HEADER, ENTRIES = _read("entries.csv")
CATS = {c["code"]: c for c in CATEGORIES}
SUBCATS = {code for code, c in CATS.items() if c["parent_code"]}


def _number(text):
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def test_headers_are_exact():
    assert CAT_HEADER == CATEGORY_COLUMNS
    assert ENTRY_HEADER == ENTRY_COLUMNS
    assert all(None not in row and all(v is not None for v in row.values()) for row in CATEGORIES + ENTRIES)


def test_categories_form_a_two_level_tree():
    codes = [c["code"] for c in CATEGORIES]
    assert len(codes) == len(set(codes))
    majors = [c for c in CATEGORIES if not c["parent_code"]]
    assert len(majors) >= 6 and len(SUBCATS) >= 22
    for c in CATEGORIES:
        assert c["name"] and c["code"].isascii() and len(c["code"]) <= 10 and int(c["sort"]) >= 0
        if c["parent_code"]:
            assert c["parent_code"] in CATS and not CATS[c["parent_code"]]["parent_code"], c["code"]
            assert c["code"].startswith(c["parent_code"])
        for fc in c["function_codes"].split():
            assert fc.isdigit() and len(fc) in (3, 5), (c["code"], fc)


def test_entry_codes_unique_and_categories_are_subcategories():
    codes = [e["code"] for e in ENTRIES]
    assert len(codes) == len(set(codes))
    for e in ENTRIES:
        assert e["category_code"] in SUBCATS, e["code"]
        assert e["code"].startswith(e["category_code"] + "-"), e["code"]
        assert e["is_common"] in ("0", "1")


def test_counts():
    own = [e for e in ENTRIES if e["is_common"] == "0"]
    common = [e for e in ENTRIES if e["is_common"] == "1"]
    assert len(own) >= 300 and len(common) >= 25 and len(ENTRIES) >= 320
    assert len({CATS[e["category_code"]]["parent_code"] for e in own}) >= 5
    assert len({e["category_code"] for e in own}) >= 20
    # A 小类 holds either common or sector-specific indicators, never both.
    kinds = defaultdict(set)
    for e in ENTRIES:
        kinds[e["category_code"]].add(e["is_common"])
    assert all(len(k) == 1 for k in kinds.values())


def test_quantitative_share():
    quantitative = sum(e["value_kind"] == "quantitative" for e in ENTRIES)
    assert quantitative / len(ENTRIES) >= 0.85


def test_levels_and_enumerations():
    for e in ENTRIES:
        assert e["level2"] in LEVELS.get(e["level1"], ()), (e["code"], e["level1"], e["level2"])
        assert e["direction"] in DIRECTIONS, e["code"]
        assert e["value_kind"] in VALUE_KINDS, e["code"]
        assert e["basis"] in BASES, e["code"]
        assert (e["direction"] == "qualitative") == (e["value_kind"] == "qualitative"), e["code"]


def test_units_targets_and_ranges():
    for e in ENTRIES:
        if e["unit"] == "%":
            assert e["direction"] in ("≥", "≤", "=", "interval"), e["code"]
        if e["value_kind"] == "qualitative":
            assert not e["unit"] and not e["range_low"] and not e["range_high"], e["code"]
        if e["direction"] in ("≥", "≤", "=") and e["unit"] not in ("日期", "") and e["suggested_target"]:
            assert e["suggested_target"].startswith(e["direction"]), e["code"]
        low, high = _number(e["range_low"]), _number(e["range_high"])
        for text, value in ((e["range_low"], low), (e["range_high"], high)):
            assert not text or value is not None, (e["code"], text)
        assert (low is None) == (high is None), e["code"]  # a range is given whole, or not at all
        if low is not None:
            assert low <= high, e["code"]


def test_field_lengths_fit_the_model():
    for e in ENTRIES:
        assert 0 < len(e["name"]) <= 100 and len(e["unit"]) <= 20 and len(e["formula"]) <= 300
        assert len(e["suggested_target"]) <= 50 and len(e["sectors"]) <= 200 and len(e["code"]) <= 40
        assert e["definition"] and e["formula"], e["code"]


def test_function_codes_fall_under_the_category():
    for e in ENTRIES:
        allowed = CATS[e["category_code"]]["function_codes"].split()
        if e["is_common"] == "1":
            assert not e["function_codes"], e["code"]
        for fc in e["function_codes"].split():
            assert fc.isdigit() and any(fc.startswith(a) for a in allowed), (e["code"], fc)


def test_no_input_restated_as_output():
    for e in ENTRIES:
        assert not any(word in e["name"] for word in INPUT_WORDS), e["name"]


def test_every_subcategory_covers_output_benefit_satisfaction():
    levels = defaultdict(set)
    for e in ENTRIES:
        levels[e["category_code"]].add(e["level1"])
    for code in SUBCATS:
        assert levels[code] == set(LEVELS), (code, levels[code])
    for code in {e["category_code"] for e in ENTRIES if e["is_common"] == "0"}:
        second = {e["level2"] for e in ENTRIES if e["category_code"] == code}
        assert {"数量指标", "质量指标", "时效指标"} <= second, code


def test_no_duplicate_names_within_a_subcategory():
    counts = Counter((e["category_code"], e["name"]) for e in ENTRIES)
    assert [key for key, n in counts.items() if n > 1] == []


def test_units_read_as_one_unit():
    """A unit appended to a bare number (the unit column of a goal row) reads as one value with a unit, never as
    a second value ("1/10万" did: write a per-base unit as "/10万")."""
    for unit in sorted({e["unit"] for e in ENTRIES} - {"", "日期"}):
        v = parse_value(f"≥14.5{unit}")
        assert v.kind in ("number", "percent") and v.unit and not v.multi, (unit, v)


def test_suggested_targets_parse_as_their_kind():
    """A suggestion reads as what its entry declares: words for a qualitative entry (no stray number that would
    read as an unmarked quantity), a deadline for a date, a share for %, a quantity in the entry's unit (or with
    none printed: the unit column supplies it) and the entry's direction."""
    for e in ENTRIES:
        if not e["suggested_target"]:
            continue
        v = parse_value(e["suggested_target"])
        if e["value_kind"] == "qualitative":
            assert v.kind == "qualitative", (e["code"], v)
        elif e["unit"] == "日期":
            assert v.kind == "date" and v.op == "≤" and v.period, (e["code"], v)
        else:
            assert v.kind in ("number", "percent") and not v.multi, (e["code"], v)
            assert v.unit in ("", parse_value(f"1{e['unit']}").unit), (e["code"], v.unit, e["unit"])
            assert v.op == e["direction"] or (v.op is None and e["direction"] == "="), (e["code"], v.op)


def test_rates_are_not_quantity_indicators():
    """The goal check flags a rate under 数量指标 (MISCLASSIFIED); only completion rates belong there."""
    from perfbudget.indicators import naming

    for e in ENTRIES:
        if e["level2"] == "数量指标":
            assert not naming.looks_like_rate(e["name"]) or naming.looks_like_completion_rate(e["name"]), e["code"]
