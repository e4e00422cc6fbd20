"""The audit of a unit's self-evaluation claims: every finding code fires on its case and stays quiet on a clean
table."""

import copy

import pytest

from perfbudget.evaluation.audit import FINDING_CODES, SEVERITY, audit
from perfbudget.evaluation.scoring import score_table

REQUIRED = {"UNPARSEABLE", "WEIGHT_SUM", "WEIGHTS_OFF_RULE", "SCORE_DIFFERS", "MET_BUT_DOCKED", "MISSED_BUT_FULL",
            "WEIGHT_TIMES_ACTUAL", "TOTAL_MISMATCH", "EXECUTION_SCORE_DIFFERS", "GRADE_MISMATCH", "MISCLASSIFIED",
            "NO_JUDGEMENT", "EXECUTION_REASON_MISSING", "EXECUTED_OVER_BUDGET", "CLAIMED_OVER_WEIGHT", "NO_ACTUAL",
            "ACTUAL_REPEATS_TARGET", "JUDGEMENT_OUT_OF_TIER", "OVER_ACHIEVED"}

CLEAN = {
    "format": "perfbudget.selfeval/1",
    "project": {"name": "城乡居民技能培训补贴", "department": "示例区人社局", "unit": "示例区就业服务中心",
                "year": 2024},
    "funds": {"initial": 100, "full_year": 100, "executed": 95, "money_unit": "万元", "weight": 10,
              "claimed_score": 9.5},
    "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "target": "≥500人次", "actual": "520人次",
         "weight": 20, "claimed_score": 20},
        {"level1": "产出指标", "level2": "质量指标", "name": "培训合格率", "target": "≥95%", "actual": "96%",
         "weight": 15, "claimed_score": 15},
        {"level1": "产出指标", "level2": "时效指标", "name": "培训完成时间", "target": "2024年10月底前",
         "actual": "2024年10月15日", "weight": 15, "claimed_score": 15},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "培训后就业人数", "target": "≥300人",
         "actual": "310人", "weight": 15, "claimed_score": 15},
        {"level1": "效益指标", "level2": "可持续影响指标", "name": "培训管理制度", "target": "健全", "actual": "健全",
         "weight": 15, "judgement": 1, "reason": "制度齐全并已执行", "claimed_score": 15},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "学员满意度", "target": "≥90%",
         "actual": "92%", "weight": 10, "claimed_score": 10},
    ],
    "claimed_total": 99.5,
    "claimed_grade": "优",
}


def run(mutate=None):
    doc = copy.deepcopy(CLEAN)
    if mutate:
        mutate(doc)
    return score_table(doc)


def rows(doc):
    return doc["indicators"]


def test_clean_table_is_quiet():
    result = run()
    assert result["total_score"] == 99.5 and result["grade"] == "优"
    assert result["findings"] == []


def setter(path, value):
    def mutate(doc):
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return mutate


def row(index, key, value):
    return setter(["indicators", index, key], value)


def fund(key, value):
    return setter(["funds", key], value)


def several(*mutators):
    def mutate(doc):
        for m in mutators:
            m(doc)
    return mutate


def add_row(row):
    return lambda doc: doc["indicators"].append(row)


# (code, the indicator it must name (None: the table), mutation of the clean table)
CASES = [
    ("UNPARSEABLE", 0, row(0, "actual", "详见附件")),
    ("UNPARSEABLE", 0, row(0, "actual", "520户")),
    ("WEIGHT_SUM", None, several(row(0, "weight", 25), row(0, "claimed_score", 25))),
    ("WEIGHT_MISSING", None, several(row(0, "weight", None))),
    ("WEIGHTS_OFF_RULE", None, several(row(0, "weight", 25), row(0, "claimed_score", 25),
                                       row(3, "weight", 10), row(3, "claimed_score", 10))),
    ("WEIGHTS_OFF_RULE", None, several(fund("weight", 20), row(0, "weight", 10))),
    ("SCORE_DIFFERS", 1, several(row(1, "actual", "93%"), row(1, "claimed_score", 13),
                                 row(1, "deviation_note", "部分学员未参加考核"))),
    ("SCORE_DIFFERS", 4, row(4, "claimed_score", 12)),
    ("SCORE_DIFFERS", 0, several(row(0, "claimed_score", 18),
                                 row(0, "deviation_note", "部分培训为线上"))),
    ("MET_BUT_DOCKED", 1, row(1, "claimed_score", 12)),
    ("MISSED_BUT_FULL", 0, row(0, "actual", "450人次")),
    ("MISSED_BUT_FULL", 2, row(2, "actual", "2024年11月20日")),
    ("MISSED_BUT_FULL", 1, several(row(1, "name", "人均培训成本"), row(1, "level2", "成本指标"),
                                   row(1, "target", "≤2000元"), row(1, "actual", "2150元"))),
    ("WEIGHT_TIMES_ACTUAL", 5, row(5, "claimed_score", 9.2)),
    ("WEIGHT_TIMES_ACTUAL", 1, row(1, "claimed_score", 14.4)),
    ("TOTAL_MISMATCH", None, setter(["claimed_total"], 98)),
    ("TOTAL_MISMATCH", None, add_row({"level1": "合计", "name": "合计", "weight": 90, "claimed_score": 88})),
    ("TOTAL_DIFFERS", None, several(row(3, "actual", "100人"))),
    ("EXECUTION_SCORE_DIFFERS", None, fund("executed", 85)),
    ("GRADE_MISMATCH", None, setter(["claimed_grade"], "良")),
    ("GRADE_DIFFERS", None, several(row(3, "actual", "100人"), setter(["claimed_total"], 99.5))),
    ("MISCLASSIFIED", 6, add_row({"level1": "产出指标", "level2": "数量指标", "name": "服务对象满意度",
                                  "target": "≥90%", "actual": "95%", "weight": 0})),
    ("NO_JUDGEMENT", 4, row(4, "judgement", None)),
    ("JUDGEMENT_OUT_OF_TIER", 4, row(4, "actual", "基本健全")),
    ("EXECUTION_REASON_MISSING", None, several(fund("executed", 80), fund("claimed_score", 8))),
    ("EXECUTED_OVER_BUDGET", None, several(fund("executed", 120), fund("claimed_score", 10))),
    ("EXECUTION_UNKNOWN", None, several(fund("full_year", None), fund("initial", None))),
    ("CLAIMED_OVER_WEIGHT", 0, row(0, "claimed_score", 25)),
    ("CLAIMED_OVER_WEIGHT", None, fund("claimed_score", 12)),
    ("NO_ACTUAL", 0, row(0, "actual", "")),
    ("NO_ACTUAL", 0, row(0, "actual", "未完成")),
    ("ACTUAL_REPEATS_TARGET", 0, row(0, "actual", "≥500人次")),
    ("OVER_ACHIEVED", 0, row(0, "actual", "1000人次")),
    ("NOT_APPLICABLE", 0, row(0, "applicable", False)),
]


@pytest.mark.parametrize(("code", "index", "mutate"), CASES, ids=[f"{c[0]}-{n}" for n, c in enumerate(CASES)])
def test_code_fires(code, index, mutate):
    result = run(mutate)
    hits = [f for f in result["findings"] if f["code"] == code]
    assert hits, [f["code"] for f in result["findings"]]
    if index is not None:
        assert any(f["indicator"] == index for f in hits), hits
    for f in hits:
        assert f["severity"] == SEVERITY[code]
        assert f["message"] and any("\u4e00" <= c <= "\u9fff" for c in f["message"])


def test_every_code_has_a_case_and_a_label():
    assert REQUIRED <= set(FINDING_CODES) == set(SEVERITY)
    assert set(FINDING_CODES) <= {c for c, *_ in CASES}


def test_specific_codes_replace_score_differs():
    result = run(several(row(0, "actual", "450人次"), row(1, "claimed_score", 12),
                         row(5, "claimed_score", 9.2)))
    by_row = {}
    for f in result["findings"]:
        by_row.setdefault(f["indicator"], set()).add(f["code"])
    assert by_row[0] == {"MISSED_BUT_FULL"} and by_row[1] == {"MET_BUT_DOCKED"}
    assert by_row[5] == {"WEIGHT_TIMES_ACTUAL"}


def test_rounding_within_tolerance_is_quiet():
    result = run(several(row(1, "actual", "93.1%"), row(1, "claimed_score", 14.5),
                         row(1, "deviation_note", "两名学员补考"), setter(["claimed_total"], 99)))
    assert result["indicators"][1]["score"] == 14.7
    assert "SCORE_DIFFERS" not in {f["code"] for f in result["findings"]}


def test_tolerance_is_a_rule():
    mutate = several(row(1, "actual", "93.1%"), row(1, "claimed_score", 14.1),
                     row(1, "deviation_note", "两名学员补考"), setter(["claimed_total"], 98.6))
    assert "SCORE_DIFFERS" in {f["code"] for f in run(mutate)["findings"]}
    doc = copy.deepcopy(CLEAN)
    mutate(doc)
    assert "SCORE_DIFFERS" not in {f["code"] for f in score_table(doc, {"claim_tolerance": 1})["findings"]}


def test_inferred_tier_claims_inside_the_tier_stand():
    inside = run(several(row(4, "judgement", None), row(4, "actual", "基本健全"),
                         row(4, "claimed_score", 10.5), setter(["claimed_total"], 95)))
    assert {f["code"] for f in inside["findings"] if f["indicator"] == 4} == {"NO_JUDGEMENT"}
    outside = run(several(row(4, "judgement", None), row(4, "actual", "基本健全"),
                          row(4, "claimed_score", 15)))
    assert "SCORE_DIFFERS" in {f["code"] for f in outside["findings"] if f["indicator"] == 4}


def test_unreadable_rows_are_not_judged_on_their_claims():
    result = run(row(0, "actual", "520户"))
    assert {f["code"] for f in result["findings"] if f["indicator"] == 0} == {"UNPARSEABLE"}


def test_low_execution_with_reason_is_quiet():
    result = run(several(fund("executed", 80), fund("claimed_score", 8),
                         fund("reason", "项目跨年实施，尾款次年支付"), setter(["claimed_total"], 98)))
    assert result["findings"] == []


def test_findings_are_sorted_and_attached_to_rows():
    result = run(several(row(3, "actual", "100人"), row(0, "actual", "1000人次")))
    keys = [(f["indicator"] is None, f["indicator"] or 0) for f in result["findings"]]
    assert keys == sorted(keys)
    assert [f["code"] for f in result["indicators"][0]["findings"]] == ["OVER_ACHIEVED"]


def test_audit_is_callable_on_its_own():
    from perfbudget.evaluation.selfevalfile import load

    table = load(copy.deepcopy(CLEAN))
    result = score_table(table)
    for r in result["indicators"]:
        r["notes"] = []
    table["claimed_total"] = 90
    assert {f["code"] for f in audit(table, result, result["rules"])} == {"TOTAL_MISMATCH", "TOTAL_DIFFERS"}


JUNK = [None, "", " ", "abc", -1, 0, 1e308, float("nan"), [], {}, "１２", "≥", "年", True, "—", "不适用", "12月",
        "≥≤", "[,]", "90%-", "%", "0.0", "100000000000000000000", "2024年13月40日", "１,２００万人次", "√", 3.14159]


@pytest.mark.parametrize("seed", range(40))
def test_junk_never_crashes(seed):
    import random

    from perfbudget.evaluation.selfevalfile import FormatError

    rng = random.Random(seed)
    doc = copy.deepcopy(CLEAN)
    for _ in range(6):
        where = rng.choice(["funds", "row", "top"])
        if where == "funds":
            doc["funds"][rng.choice(["initial", "full_year", "executed", "weight", "claimed_score", "money_unit",
                                     "reason"])] = rng.choice(JUNK)
        elif where == "row":
            r = rng.choice(doc["indicators"])
            r[rng.choice(["level1", "level2", "name", "target", "actual", "weight", "claimed_score", "judgement",
                          "applicable", "unit", "deviation_note"])] = rng.choice(JUNK)
        else:
            doc[rng.choice(["claimed_total", "claimed_grade", "project"])] = rng.choice(JUNK)
    try:
        result = score_table(doc)
    except FormatError as exc:
        assert exc.field and exc.reason
        return
    assert result["grade"] in ("优", "良", "中", "差")
    assert 0 <= result["total_score"] <= 100
    for f in result["findings"]:
        assert f["code"] in SEVERITY and f["message"]
