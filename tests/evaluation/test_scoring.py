"""The self-evaluation scoring engine: row formulas on real-looking cells, weights, rescaling, rules, grades."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from perfbudget.evaluation import scoring
from perfbudget.evaluation.scoring import grade_of, resolve_rules, rules_from_values, score_row, score_table
from perfbudget.evaluation.selfevalfile import FormatError, load

EXAMPLES = Path(__file__).resolve().parent / "examples"  # copies of shared/formats/examples


def loaded_row(target, actual, weight=20, name="培训人次", level1="产出指标", level2="数量指标", **extra):
    raw = {"level1": level1, "level2": level2, "name": name, "target": target, "actual": actual, "weight": weight}
    raw.update(extra)
    return load({"format": "perfbudget.selfeval/1", "indicators": [raw]})["indicators"][0]


def table(rows, funds=None, **extra):
    doc = {"format": "perfbudget.selfeval/1", "project": {"name": "示例项目", "year": 2024},
           "funds": funds if funds is not None else {"full_year": 100, "executed": 100, "weight": 10},
           "indicators": rows}
    doc.update(extra)
    return doc


def codes(result, index=None):
    return {f["code"] for f in result["findings"] if index is None or f["indicator"] == index}


# (target, actual, expected score on a weight of 20, codes the row notes must include, row extras)
ROW_CASES = [
    # ≥ counts, with the spellings units print
    ("≥500人次", "520人次", 20, set(), {}),
    ("≥500人次", "450人次", 18, set(), {}),
    ("＞＝３００人次", "312人次", 20, set(), {}),
    ("不少于1,200人", "1150人", 19.17, set(), {}),
    ("≥1，200人", "1,100人", 18.33, set(), {}),
    ("≥1.2万人", "11000人", 18.33, set(), {}),
    ("≥1.2万人", "1.1万人", 18.33, set(), {}),
    ("达到500人次以上", "480人次", 19.2, set(), {}),
    ("500人次以上", "500人次", 20, set(), {}),
    ("≥500人次", "520", 20, set(), {}),
    ("≥500人次", "520人", 20, set(), {}),
    ("≥500人次", "0人次", 0, set(), {}),
    ("3.5万", "36000", 20, set(), {}),
    ("≥10公里", "9.5公里", 19, set(), {}),
    ("≥10公里", "9500米", 19, set(), {}),
    ("≥10千米", "10.2km", 20, set(), {}),
    ("≥3000亩", "200公顷", 20, set(), {}),
    ("大于100户", "100户", 20, set(), {}),
    # shares
    ("≥95%", "93.1%", 19.6, set(), {}),
    ("≧95％", "96％", 20, set(), {}),
    ("≥95", "96%", 20, set(), {}),
    ("≥95%", "95.0%", 20, set(), {}),
    ("≥90%", "92分", 0, {"UNPARSEABLE"}, {}),
    ("≥90%", "92分", 20, set(), {"name": "服务对象满意度", "level1": "满意度指标", "level2": "服务对象满意度指标"}),
    ("≥1200人", "1200余人", 20, set(), {}),
    ("≥1200人", "约1150人", 19.17, set(), {}),
    ("不低于90%", "89.5%", 19.89, set(), {}),
    ("≥80%", "80%", 20, set(), {}),
    ("100%", "98%", 19.6, set(), {}),
    ("=100%", "100%", 20, set(), {}),
    ("=100%", "98%", 19.6, set(), {}),
    ("百分之九十五", "96%", 20, set(), {}),
    ("≥95%", "0.96", 20, set(), {}),
    ("≥95%", "0.931", 19.6, set(), {}),
    # ≤ caps: costs, rates, durations
    ("≤200元", "215元", 18.6, set(), {}),
    ("≤200元", "200元", 20, set(), {}),
    ("≤9万元", "86000元", 20, set(), {}),
    ("≤9万元", "95,000元", 18.95, set(), {}),
    ("≤48万元/公里", "45万元/公里", 20, set(), {}),
    ("不超过48万元/公里", "50万元/公里", 19.2, set(), {}),
    ("≤3‰", "2.5‰", 20, set(), {}),
    ("≤3‰", "0.4%", 15, set(), {}),
    ("≤5%", "6%", 16.67, set(), {}),
    ("≤30天", "25天", 20, set(), {}),
    ("≤30天", "40天", 15, set(), {}),
    ("30天以内", "30日", 20, set(), {}),
    ("≤11个月", "12个月", 18.33, set(), {}),
    ("≤1年", "13个月", 18.46, set(), {}),
    ("≤0起", "0起", 20, set(), {}),
    ("≤0起", "1起", 0, set(), {}),
    ("≤0起", "无", 20, set(), {}),
    ("≤3起", "未发生", 20, set(), {}),
    ("≥95%", "达到95%", 20, set(), {}),
    ("≥95%", "95%以上", 20, {"ACTUAL_REPEATS_TARGET"}, {}),
    ("无重大安全事故", "无", 20, {"NO_JUDGEMENT"}, {}),
    ("≥500人次", "完成1150人，完成率95.8%", 20, {"OVER_ACHIEVED"}, {}),
    ("2024年10月底前", "于2024年10月15日完工", 20, set(), {}),
    # = on a count
    ("=4次", "4次", 20, set(), {}),
    ("=4次", "5次", 16, set(), {}),
    ("=4次", "3次", 15, set(), {}),
    # intervals
    ("90%-100%", "95%", 20, set(), {}),
    ("90%-100%", "85%", 18.89, set(), {}),
    ("[90,100]", "95", 20, set(), {}),
    ("[90,100]", "80", 17.78, set(), {}),
    ("90%～100%", "99.5%", 20, set(), {}),
    ("【90%，100%】", "100%", 20, set(), {}),
    ("5%-8%", "9%", 17.78, set(), {}),
    ("5%-8%", "4%", 16, set(), {}),
    # changes printed as numbers
    ("较上年下降5%", "较上年下降6%", 20, set(), {}),
    ("较上年下降5%", "下降4%", 16, set(), {}),
    # dates and deadlines
    ("2023年12月底前", "2023年11月20日", 20, set(), {}),
    ("2024年10月底前", "2024年11月30日", 18.2, set(), {}),
    ("12月底前", "2024年12月20日", 20, set(), {}),
    ("2024年6月30日前", "6月25日", 20, set(), {}),
    ("2024年6月30日前", "2024年7月", 17.08, set(), {}),
    ("年内", "2024年12月31日", 20, set(), {}),
    ("2024年12月底前", "2024.11", 20, set(), {}),
    ("2024年10月底前", "2024.12", 16.66, set(), {}),
    ("2024年10月底前", "截至2024年10月20日已完成", 20, set(), {}),
    ("2024年10月底前", "提前5天完成", 20, {"UNPARSEABLE"}, {}),
    ("2024年10月底前", "暂未完成", 0, {"NO_ACTUAL"}, {}),
    ("2024年10月底前", "2024年10月底前", 20, {"ACTUAL_REPEATS_TARGET"}, {}),
    ("2024年6月30日前", "已按时完成", 20, {"UNPARSEABLE"}, {}),
    # quantitative targets with word actuals, missing actuals, repeats
    ("≥500人次", "已完成", 20, {"UNPARSEABLE"}, {}),
    ("≥500人次", "达标", 20, {"UNPARSEABLE"}, {}),
    ("≥500人次", "基本完成", 16, {"UNPARSEABLE"}, {}),
    ("≥500人次", "未完成", 0, {"NO_ACTUAL"}, {}),
    ("≥500人次", "", 0, {"NO_ACTUAL"}, {}),
    ("≥500人次", None, 0, {"NO_ACTUAL"}, {}),
    ("≥500人次", "—", 0, {"NO_ACTUAL"}, {}),
    ("≥500人次", "≥500人次", 20, {"ACTUAL_REPEATS_TARGET"}, {}),
    ("≥95%", "≧95％", 20, {"ACTUAL_REPEATS_TARGET"}, {}),
    ("≥12公里", "20户", 0, {"UNPARSEABLE"}, {}),
    ("≥500人次", "情况良好", 20, {"UNPARSEABLE"}, {}),
    ("≥500人次", "见附件", 0, {"UNPARSEABLE"}, {}),
    # over-achievement
    ("≥500人次", "1000人次", 20, {"OVER_ACHIEVED"}, {}),
    ("≤10元", "5元", 20, {"OVER_ACHIEVED"}, {}),
    ("≥50%", "80%", 20, {"OVER_ACHIEVED"}, {}),
    # qualitative
    ("良好", "良好", 20, {"NO_JUDGEMENT"}, {}),
    ("达到预期", "达到预期", 20, {"NO_JUDGEMENT"}, {}),
    ("明显提升", "有所提升", 16, {"NO_JUDGEMENT"}, {}),
    ("明显提升", "显著提升", 20, {"NO_JUDGEMENT"}, {}),
    ("有效", "未有效落实", 12, {"NO_JUDGEMENT"}, {}),
    ("良好", "进度滞后", 12, {"NO_JUDGEMENT"}, {}),
    ("满意", "较满意", 16, {"NO_JUDGEMENT"}, {}),
    ("是", "是", 20, {"NO_JUDGEMENT"}, {}),
    ("是", "否", 12, {"NO_JUDGEMENT"}, {}),
    ("健全", "基本健全", 16, {"NO_JUDGEMENT"}, {}),
    ("无重大安全事故", "未发生安全事故", 20, {"NO_JUDGEMENT"}, {}),
    ("长效管护机制", "管护人员未全部到位", 16, {"NO_JUDGEMENT"}, {}),
    ("明显改善", "群众反映较好", 16, {"NO_JUDGEMENT"}, {}),
    ("明显改善", "详见报告", 16, {"NO_JUDGEMENT"}, {}),
    ("健全", "基本健全", 15, set(), {"judgement": 0.75}),
    ("健全", "基本健全", 16, set(), {"judgement": "80%"}),
    ("健全", "基本健全", 19, {"JUDGEMENT_OUT_OF_TIER"}, {"judgement": 0.95}),
    ("较上年减少", "较上年减少3.1%", 20, set(), {"judgement": 1.0}),
    ("较上年减少", "较上年增加2%", 12, {"NO_JUDGEMENT"}, {}),
    ("较上年减少", "较上年减少3.1%", 20, {"NO_JUDGEMENT"}, {}),
    ("良好", "", 0, {"NO_ACTUAL"}, {}),
    ("良好", "", 14, {"NO_ACTUAL"}, {"judgement": 0.7}),
    ("", "520人次", 20, {"UNPARSEABLE", "NO_JUDGEMENT"}, {}),
]


@pytest.mark.parametrize(("target", "actual", "expected", "must", "extra"), ROW_CASES)
def test_row_cases(target, actual, expected, must, extra):
    result = score_row(loaded_row(target, actual, **extra), None, 2024)
    assert result["score"] == pytest.approx(expected, abs=0.005), result["explanation"]
    got = {n["code"] for n in result["notes"]}
    assert got == must, (got, result["explanation"])
    assert result["explanation"] and "得" in result["explanation"]


def test_enough_row_cases():
    assert len(ROW_CASES) >= 60


def test_explanation_names_formula_and_numbers():
    result = score_row(loaded_row("不少于1,200人", "1150人"), None, 2023)
    assert result["explanation"] == "实际完成1150人，目标不少于1,200人，完成率95.83%，得分=20×95.83%=19.17"
    assert result["completion"] == pytest.approx(0.9583)
    assert result["parsed_target"]["op"] == "≥" and result["parsed_target"]["value"] == 1200
    assert result["parsed_actual"]["value"] == 1150


def test_cap_explanation():
    result = score_row(loaded_row("≤200元", "215元", weight=15), None, 2023)
    assert "200÷215=93.02%" in result["explanation"] and result["score"] == 13.95
    assert result["met"] is False


def test_late_date_is_proportional_to_time_used():
    # 1 Jan → 31 Oct 2024 is 304 days, → 30 Nov 334 days
    result = score_row(loaded_row("2024年10月底前", "2024年11月30日"), None, 2024)
    assert result["completion"] == pytest.approx(304 / 334, abs=1e-4)
    assert "逾期30天" in result["explanation"]


def test_yearless_deadline_needs_a_year():
    result = score_row(loaded_row("12月底前", "12月20日"), None, None)
    assert result["score"] == 0 and {n["code"] for n in result["notes"]} == {"UNPARSEABLE"}


def test_reverse_name_without_comparator_reads_as_cap():
    result = score_row(loaded_row("3起", "4起", name="安全事故起数"), None, 2024)
    assert result["score"] == 15


def test_unit_column_applies():
    result = score_row(loaded_row("500", "450", unit="人次"), None, 2024)
    assert result["parsed_target"]["unit"] == "人次" and result["score"] == 18


def test_inapplicable_row():
    for extra in ({"applicable": False}, {"applicable": "否"}):
        row = loaded_row("≥500人次", "520人次", **extra)
        result = score_row(row, None, 2024)
        assert result["applicable"] is False and result["score"] is None
    assert loaded_row("≥500人次", "不适用")["applicable"] is False


# ---- the table


def test_examples():
    clean = score_table(json.loads((EXAMPLES / "selfeval_clean.json").read_text("utf-8")))
    assert clean["total_score"] == 96.2 and clean["grade"] == "优"
    assert not [f for f in clean["findings"] if f["severity"] == "error"]
    province = score_table(json.loads((EXAMPLES / "selfeval_province_rules.json").read_text("utf-8")))
    assert province["total_score"] == 90.73 and province["grade"] == "优"
    assert province["rules"]["execution_weight"] == 20
    assert province["rules"]["block_weights"] == {"产出指标": 40, "效益指标": 40}
    assert province["execution_rate"] == 0.62 and province["execution_score"] == 12.4


def test_output_shape():
    result = score_table(table([
        {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "target": "≥500人次", "actual": "520人次",
         "weight": 90, "claimed_score": 90}], funds={"full_year": 100, "executed": 95, "weight": 10,
                                                     "claimed_score": 9.5}, claimed_total=99.5, claimed_grade="优",
        rules={"block_weights": {"产出指标": 90}}))
    for key in ("execution_rate", "execution_score", "indicators", "total_score", "grade", "findings", "rules",
                "weight_total", "scale", "claimed_total", "claimed_grade"):
        assert key in result
    row = result["indicators"][0]
    for key in ("index", "parsed_target", "parsed_actual", "completion", "score", "explanation", "applicable",
                "over_achieved", "tier", "weight_used", "findings"):
        assert key in row
    assert result["total_score"] == 99.5 and result["findings"] == []
    json.dumps(result, ensure_ascii=False)  # JSON numbers only, no Decimal


def test_total_is_sum_of_rounded_row_scores():
    rows = [{"level1": "产出指标", "name": f"指标{i}", "target": "≥3个", "actual": "2个", "weight": 30}
            for i in range(3)]
    result = score_table(table(rows))
    assert [r["score"] for r in result["indicators"]] == [20, 20, 20]
    assert result["total_score"] == 70


def test_inapplicable_rows_rescale_to_100():
    rows = [
        {"level1": "产出指标", "name": "培训人次", "target": "≥500人次", "actual": "500人次", "weight": 45},
        {"level1": "产出指标", "name": "验收合格率", "target": "≥95%", "actual": "不适用", "weight": 45},
    ]
    result = score_table(table(rows))
    assert result["weight_total"] == 55 and result["scale"] == pytest.approx(1.8182, abs=1e-4)
    assert result["indicators"][1]["score"] is None and result["indicators"][1]["weight_used"] == 0
    assert result["total_score"] == 100
    assert "NOT_APPLICABLE" in codes(result, 1) and "WEIGHT_SUM" not in codes(result)


def test_weights_not_adding_up_are_rescaled_and_reported():
    rows = [{"level1": "产出指标", "name": "培训人次", "target": "≥500人次", "actual": "400人次", "weight": 40}]
    result = score_table(table(rows))
    # 10 + 40 = 50 points printed: everything doubles
    assert result["scale"] == 2 and result["indicators"][0]["weight_used"] == 80
    assert result["indicators"][0]["score"] == 64 and result["execution_score"] == 20
    assert result["total_score"] == 84
    assert "WEIGHT_SUM" in codes(result)
    message = next(f["message"] for f in result["findings"] if f["code"] == "WEIGHT_SUM")
    assert "折算" in message


def test_missing_weight_spread_by_block_rule():
    rows = [
        {"level1": "产出指标(50分)", "name": "培训人次", "target": "≥500人次", "actual": "500人次", "weight": 20},
        {"level1": "产出指标", "name": "合格率", "level2": "质量指标", "target": "≥95%", "actual": "95%"},
        {"level1": "产出指标", "name": "完成时间", "level2": "时效指标", "target": "2024年10月底前",
         "actual": "2024年10月8日"},
        {"level1": "一、效益指标", "name": "受益人数", "target": "≥1000人", "actual": "1000人", "weight": 30},
        {"level1": "满意度", "name": "满意度", "target": "≥90%", "actual": "95%", "weight": 10},
    ]
    result = score_table(table(rows))
    assert [r["weight_used"] for r in result["indicators"]] == [20, 15, 15, 30, 10]
    assert result["indicators"][1]["weight_assigned"] is True
    assert result["total_score"] == 100 and "WEIGHT_MISSING" in codes(result)
    assert "WEIGHT_SUM" not in codes(result)


def test_missing_weight_without_block_rule_spreads_what_is_left():
    rows = [
        {"level1": "产出指标", "name": "培训人次", "target": "≥500人次", "actual": "500人次", "weight": 50},
        {"level1": "效益指标", "name": "受益人数", "target": "≥1000人", "actual": "1000人"},
        {"level1": "效益指标", "name": "带动就业", "target": "≥10人", "actual": "10人"},
    ]
    result = score_table(table(rows, rules={"block_weights": {"产出指标": 50}}))
    assert [r["weight_used"] for r in result["indicators"]] == [50, 20, 20]


def test_all_weights_missing():
    rows = [{"level1": "产出指标", "name": f"指标{i}", "target": "≥1个", "actual": "1个"} for i in range(3)]
    result = score_table(table(rows, rules={"block_weights": {}}))
    assert [r["weight_used"] for r in result["indicators"]] == [30, 30, 30]
    assert result["total_score"] == 100


def test_funds_in_mixed_units_and_fallbacks():
    rows = [{"level1": "产出指标", "name": "培训人次", "target": "≥500人次", "actual": "500人次", "weight": 90}]
    mixed = score_table(table(rows, funds={"full_year": "130万元", "executed": "1,170,000元", "weight": 10}))
    assert mixed["execution_rate"] == 0.9 and mixed["execution_score"] == 9
    initial = score_table(table(rows, funds={"initial": 100, "full_year": 0, "executed": 80}))
    assert initial["execution_rate"] == 0.8 and initial["funds"]["basis"] == "年初预算数"
    over = score_table(table(rows, funds={"full_year": 100, "executed": 120}))
    assert over["execution_rate"] == 1.2 and over["execution_score"] == 10
    unknown = score_table(table(rows, funds={"executed": 80}))
    assert unknown["execution_rate"] is None and unknown["execution_score"] == 0


def test_rules_from_values_and_resolution_order():
    values = {"selfeval.execution_weight": Decimal("20"), "grades.bands": [85, 75, 60],
              "selfeval.execution_reason_below": Decimal("0.8"), "selfeval.claim_tolerance": 1,
              "selfeval.block_weights": {"产出指标": 40, "效益指标": 30, "满意度指标": 10},
              "selfeval.qualitative_tiers": {"达成": [0.9, 1.0], "部分达成": [0.6, 0.9], "未达成": [0, 0.6]},
              "selfeval.over_achievement_ratio": 2, "selfeval.execution_formula": "proportional",
              "goals.layout": "101号"}
    rules = rules_from_values(values)
    assert rules["execution_weight"] == 20 and rules["grade_bands"] == [85, 75, 60]
    assert rules["execution_reason_below"] == 0.8 and rules["qualitative_tiers"]["达成"] == [0.9, 1]
    assert "layout" not in rules
    both = resolve_rules({"execution_weight": 15}, rules)
    assert both["execution_weight"] == 15 and both["grade_bands"] == [85, 75, 60]
    assert resolve_rules()["execution_weight"] == 10
    assert resolve_rules({"selfeval.execution_reason_below": "85%"})["execution_reason_below"] == 0.85
    # the table's own rules override the base
    doc = table([{"level1": "产出指标", "name": "培训人次", "target": "≥500人次", "actual": "500人次", "weight": 80}],
                rules={"execution_weight": 20})
    assert score_table(doc, rules)["rules"]["execution_weight"] == 20
    assert score_table(dict(doc, rules=None), rules)["rules"]["grade_bands"] == [85, 75, 60]


@pytest.mark.parametrize(("rules", "field"), [
    ({"execution_weight": "很多"}, "rules.execution_weight"),
    ({"grade_bands": [60, 80, 90]}, "rules.grade_bands"),
    ({"grade_bands": 90}, "rules.grade_bands"),
    ({"block_weights": [50]}, "rules.block_weights"),
    ({"qualitative_tiers": {"优秀": [0.9, 1]}}, "rules.qualitative_tiers.优秀"),
    ({"execution_formula": "threshold"}, "rules.execution_formula"),
    ({"over_achievement_ratio": 0.5}, "rules.over_achievement_ratio"),
])
def test_bad_rules_name_the_field(rules, field):
    with pytest.raises(FormatError) as exc:
        resolve_rules(rules)
    assert exc.value.field == field


@pytest.mark.parametrize(("total", "grade"), [
    (100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.99, "中"), (60, "中"), (59.99, "差"), (0, "差"),
    (Decimal("90.00"), "优"), ("85", "良"),
])
def test_grade_of(total, grade):
    assert grade_of(total, [90, 80, 60]) == grade


def test_grade_of_custom_bands():
    assert grade_of(86, [85, 75, 60]) == "优" and grade_of(None) == ""


def test_infer_tier_order():
    assert scoring.infer_tier("基本达成") == scoring.PARTIAL
    assert scoring.infer_tier("未达成") == scoring.MISSED
    assert scoring.infer_tier("完成") == scoring.ACHIEVED
    assert scoring.infer_tier("运行良好", "良好") == scoring.ACHIEVED
    assert scoring.infer_tier("未发生重大安全事故") == scoring.ACHIEVED
    assert scoring.infer_tier("部分乡镇未全部完成") == scoring.PARTIAL
    assert scoring.infer_tier("另见说明") is None


def test_score_table_reads_raw_text_and_bytes():
    doc = table([{"level1": "产出指标", "name": "培训人次", "target": "≥500人次", "actual": "500人次", "weight": 90}])
    text = json.dumps(doc, ensure_ascii=False)
    assert score_table(text)["total_score"] == 100
    assert score_table(text.encode("gb18030"))["total_score"] == 100


def test_messy_whole_table():
    doc = {
        "format": "perfbudget.selfeval/1",
        "project": {"name": "基层农技人员培训", "year": "2023年"},
        "funds": {"initial": "120万元", "full_year": "1,300,000元", "executed": "135万元", "money_unit": "万元",
                  "weight": "10分", "claimed_score": "10"},
        "indicators": [
            {"level1": "产出指标(50分)", "level2": "（一）数量", "name": "培训农技人员", "target": "＞＝３００人次",
             "actual": "312人次", "weight": "２０", "claimed_score": "20分"},
            {"level1": "产出指标（50分）", "level2": "质量", "name": "培训合格率", "target": "≧95％",
             "actual": "93.1%", "weight": "15分", "claimed_score": 14.7, "deviation_note": "两名学员补考"},
            {"level1": "一、产出指标", "level2": "时效", "name": "培训完成时间", "target": "2023年12月底前",
             "actual": "2023年11月20日", "claimed_score": "15"},
            {"level1": "二、效益指标", "level2": "社会效益", "name": "受益农户", "target": "≥1.2万户",
             "actual": "1.1万户", "weight": "30", "claimed_score": 30},
            {"level1": "满意度", "level2": "满意度", "name": "服务对象满意度", "target": "90%-100%", "actual": "92%",
             "weight": 10, "claimed_score": 10},
            {"level1": "合计", "name": "", "weight": 100, "claimed_score": 99.7},
        ],
        "claimed_total": "99.7分",
        "claimed_grade": "优秀",
    }
    result = score_table(doc)
    assert [r["score"] for r in result["indicators"]] == [20, 14.7, 15, 27.5, 10]
    assert result["execution_rate"] == pytest.approx(1.0385) and result["execution_score"] == 10
    assert result["total_score"] == 97.2 and result["grade"] == "优"
    assert result["claimed_total"] == 99.7 and result["claimed_grade"] == "优"
    assert {(f["code"], f["indicator"]) for f in result["findings"]} == {
        ("EXECUTED_OVER_BUDGET", None), ("WEIGHT_MISSING", None), ("MISSED_BUT_FULL", 3), ("TOTAL_DIFFERS", None)}


def test_101_layout_cost_block_counts_under_output():
    rows = [
        {"level1": "成本指标", "level2": "经济成本指标", "name": "人均培训成本", "target": "≤2000元",
         "actual": "1900元", "weight": 10},
        {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "target": "≥500人次", "actual": "520人次",
         "weight": 40},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "就业人数", "target": "≥300人", "actual": "310人",
         "weight": 30},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "学员满意度", "target": "≥90%",
         "actual": "95%", "weight": 10},
    ]
    result = score_table(table(rows))
    assert result["total_score"] == 100 and result["findings"] == []


def test_rules_with_decimals_give_json_ready_output():
    doc = table([{"level1": "产出指标", "name": "培训人次", "target": "≥500人次", "actual": "500人次", "weight": 80}])
    result = score_table(doc, {"execution_weight": Decimal("20"), "claim_tolerance": Decimal("0.5"),
                               "block_weights": {"产出指标": Decimal(80)}})
    assert result["rules"]["execution_weight"] == 20 and result["rules"]["block_weights"] == {"产出指标": 80}
    json.dumps(result, ensure_ascii=False)
    row = score_row(loaded_row("≥500人次", "450人次"), {"claim_tolerance": Decimal("1")}, 2024)
    assert row["score"] == 18
