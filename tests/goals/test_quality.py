"""The goal-table quality check (perfbudget.goals.quality) and the reader of perfbudget.goals/1 (goalfile).

Pure tests (no database): every finding code fires on a table made for it, at the right row, and a clean
table stays quiet.
"""

import copy
import json
from pathlib import Path

import pytest

from perfbudget.goals import goalfile, quality
from perfbudget.goals.goalfile import FormatError
from perfbudget.goals.quality import DEFAULT_RULES, SEVERITY, check_goals, rules_from_values
from tests.goals.tables import CLEAN, CLEAN_ROWS

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "formats" / "examples"



def table(**changes):
    """A copy of CLEAN; `rows={i: {...}}` updates rows, `drop=[i]` removes them, `add=[{...}]` appends."""
    t = copy.deepcopy(CLEAN)
    for i, update in changes.pop("rows", {}).items():
        t["indicators"][i].update(update)
    drop = set(changes.pop("drop", []))
    t["indicators"] = [r for i, r in enumerate(t["indicators"]) if i not in drop]
    t["indicators"].extend(changes.pop("add", []))
    project = changes.pop("project", {})
    t["project"].update(project)
    t.update(changes)
    return t


def codes(report, code=None):
    found = [(f["code"], f["indicator"]) for f in report["findings"]]
    return found if code is None else [i for c, i in found if c == code]


def row(level1, level2, name, target, weight=None):
    out = {"level1": level1, "level2": level2, "name": name, "target": target}
    if weight is not None:
        out["weight"] = weight
    return out


# ---------------------------------------------------------------------------------------------------------------
# The clean table


def test_clean_table_has_no_findings():
    report = check_goals(CLEAN)
    assert report["findings"] == []
    assert report["counts"] == {"error": 0, "warning": 0, "info": 0}
    assert report["quality_score"] == 100 and report["passed"]
    assert report["quantified_share"] == 1.0 and report["quantified_count"] == 9 and report["indicator_count"] == 9
    assert report["rules"] == DEFAULT_RULES


def test_report_shape():
    report = check_goals(table(rows={5: {"target": "明显提高"}}))
    assert {"findings", "counts", "quantified_share", "quality_score", "indicators", "rules"} <= set(report)
    for f in report["findings"]:
        assert set(f) == {"code", "severity", "indicator", "message"}
        assert f["severity"] == SEVERITY[f["code"]]
        assert "：" in f["message"] and "请" in f["message"]  # what is wrong, then how to fix it
    rows = report["indicators"]
    assert len(rows) == 9 and rows[0]["parsed_target"] == {
        "kind": "number", "op": "≥", "value": 38, "upper": None, "unit": "公里", "date": None, "period": "",
        "word": "", "multi": False, "text": "≥38公里"}
    assert rows[0]["quantified"] and not rows[5]["quantified"]
    json.dumps(report, ensure_ascii=False)


def test_every_promised_code_exists():
    promised = {"VAGUE_TARGET", "NO_COMPARATOR", "WRONG_COMPARATOR", "MISSING_UNIT", "PERCENT_OUT_OF_RANGE",
                "INPUT_AS_GOAL", "MISCLASSIFIED", "MISSING_CATEGORY", "TOO_FEW_INDICATORS", "LOW_QUANTIFIED_SHARE",
                "SPECIAL_FUND_FEW_QUANTIFIED", "WEIGHT_SUM", "WEIGHT_CONCENTRATED", "MULTIPLE_IN_ONE",
                "DUPLICATE_INDICATOR", "COPIED_FROM_HISTORY", "BELOW_HISTORY"}
    assert promised <= set(SEVERITY)
    assert set(SEVERITY.values()) == {"error", "warning", "info"}


# ---------------------------------------------------------------------------------------------------------------
# Each code fires on a table made for it, at the right row; the clean table has none of it.

HISTORY_ACTUAL = [{"year": 2024, "indicators": [
    {"name": "工程竣工验收一次合格率", "target": "≥95%", "actual": "99%"},
    {"name": "改造燃气管网长度", "target": "≥30公里", "actual": "40公里"}]}]
HISTORY_SAME = [{"year": 2024, "indicators": [
    {"name": r["name"], "target": r["target"], "actual": ""} for r in CLEAN_ROWS]}]

FIRES = [
    # code, the table, the row index (None: the whole table)
    ("VAGUE_TARGET", table(rows={5: {"target": "有效减少"}}), 5),
    ("VAGUE_TARGET", table(rows={5: {"target": "明显提高"}}), 5),
    ("VAGUE_TARGET", table(rows={7: {"target": "长期"}}), 7),
    ("VAGUE_TARGET", table(rows={7: {"target": "进一步加强"}}), 7),
    ("VAGUE_TARGET", table(rows={5: {"target": "为群众提供更加便捷的用气服务"}}), 5),
    ("VAGUE_TARGET", table(rows={1: {"target": "—"}}), 1),
    ("VAGUE_TARGET", table(rows={7: {"target": "明显改善"}}), 7),
    ("VAGUE_TARGET", table(rows={7: {"target": "长远"}}), 7),
    ("VAGUE_TARGET", table(rows={5: {"target": "为群众提供便捷的用气服务"}}), 5),  # restates the goal
    ("VAGUE_TARGET", table(rows={7: {"target": "认真落实、持续改善"}}), 7),
    ("NO_COMPARATOR", table(add=[row("效益指标", "社会效益指标", "孕产妇死亡率", "14.5/10万")]), 9),
    ("NO_COMPARATOR", table(rows={0: {"target": "38公里"}}), 0),
    ("NO_COMPARATOR", table(rows={2: {"target": "98%"}}), 2),
    ("WRONG_COMPARATOR", table(rows={2: {"target": "=98%"}}), 2),
    ("WRONG_COMPARATOR", table(rows={1: {"target": "=16000户"}}), 1),
    ("WRONG_COMPARATOR", table(rows={8: {"target": "≤90%"}}), 8),
    ("WRONG_COMPARATOR", table(rows={4: {"target": "≥48万元"}}), 4),
    ("WRONG_COMPARATOR", table(add=[row("效益指标", "社会效益指标", "燃气安全事故发生率", "≥1%")]), 9),
    ("WRONG_COMPARATOR", table(add=[row("效益指标", "社会效益指标", "安全事故发生次数", "=1次")]), 9),
    ("WRONG_COMPARATOR", table(add=[row("效益指标", "社会效益指标", "孕产妇死亡率", "≥14.5/10万")]), 9),
    ("MISSING_UNIT", table(rows={1: {"target": "≥16000"}}), 1),
    ("MISSING_UNIT", table(rows={2: {"target": "≥98"}}), 2),
    ("MISSING_UNIT", table(add=[row("效益指标", "社会效益指标", "文物安全责任事故发生次数", "≤2")]), 9),
    ("PERCENT_OUT_OF_RANGE", table(rows={8: {"target": "≥120%"}}), 8),
    ("PERCENT_OUT_OF_RANGE", table(rows={2: {"target": "90%-110%"}}), 2),
    ("INPUT_AS_GOAL", table(rows={0: {"name": "投入资金", "target": "1850万元"}}), 0),
    ("INPUT_AS_GOAL", table(rows={0: {"name": "项目资金到位率", "target": "100%"}}), 0),
    ("INPUT_AS_GOAL", table(rows={0: {"name": "预算执行率", "target": "≥90%"}}), 0),
    ("INPUT_AS_GOAL", table(rows={1: {"name": "投入施工人员", "target": "≥200人"}}), 1),
    ("INPUT_AS_GOAL", table(rows={1: {"name": "购置材料数量", "target": "≥500吨"}}), 1),
    ("INPUT_AS_GOAL", table(rows={1: {"name": "人员经费", "target": "≤120万元"}}), 1),
    ("INPUT_AS_GOAL", table(rows={1: {"name": "管网改造专项资金", "target": "≥1850万元"}}), 1),
    ("MISCLASSIFIED", table(rows={2: {"name": "改造小区居民满意度"}, 8: {"name": "工程验收合格率"}}), 2),
    ("MISCLASSIFIED", table(rows={8: {"name": "工程竣工验收合格率", "target": "≥98%"}}), 8),
    ("MISCLASSIFIED", table(add=[row("产出指标", "数量指标", "入户安检覆盖率", "≥95%")]), 9),
    ("MISCLASSIFIED", table(add=[row("产出指标", "数量指标", "管网改造完成时间", "2025年10月底前")]), 9),
    ("MISCLASSIFIED", table(add=[row("效益指标", "社会效益指标", "户均改造成本", "≤1200元")]), 9),
    ("MISCLASSIFIED", table(rows={5: {"level2": "数量指标"}}), 5),
    ("MISCLASSIFIED", table(add=[row("产出指标", "数量指标", "补助对象覆盖率", "=100%")]), 9),
    ("MISCLASSIFIED", table(add=[row("效益指标", "社会效益指标", "参训人员业务能力提升认可率", "≥90%")]), 9),
    ("MISCLASSIFIED", table(add=[row("产出指标", "数量指标", "竣工验收时间", "次年6月底前")]), 9),
    ("MISSING_CATEGORY", table(drop=[8]), None),
    ("MISSING_CATEGORY", table(drop=[5, 6, 7]), None),
    ("TOO_FEW_INDICATORS", table(drop=[1, 5, 7, 8]), None),
    ("TOO_FEW_INDICATORS", table(drop=[3]), None),
    ("TOO_FEW_INDICATORS", table(drop=[2]), None),
    ("LOW_QUANTIFIED_SHARE", table(rows={6: {"target": "良好"}, 7: {"target": "合格"}}), None),
    ("SPECIAL_FUND_FEW_QUANTIFIED", table(project={"special_fund": True}), None),
    ("WEIGHT_SUM", table(rows={0: {"weight": 20}}), None),
    ("WEIGHT_SUM", table(rows={0: {"weight": None}}), None),
    ("WEIGHT_CONCENTRATED", table(rows={0: {"weight": 25}, 1: {"weight": 5}}), 0),
    ("MULTIPLE_IN_ONE", table(rows={1: {"name": "新建和改造调压站", "target": "各10个"}}), 1),
    ("MULTIPLE_IN_ONE", table(rows={1: {"target": "A区5000户、B区11000户"}}), 1),
    ("MULTIPLE_IN_ONE", table(rows={2: {"name": "培训人数和考核合格率", "target": "≥98%"}}), 2),
    ("DUPLICATE_INDICATOR", table(add=[row("产出指标", "数量指标", "改造燃气管网长度", "≥40公里")]), 9),
    ("DUPLICATE_INDICATOR", table(add=[row("产出指标", "数量指标", " 改造燃气管网长度（公里）", "≥40公里")]), 9),
    ("COPIED_FROM_HISTORY", table(history=HISTORY_SAME), None),
    ("BELOW_HISTORY", table(history=HISTORY_ACTUAL), 2),
    ("BELOW_HISTORY", table(history=HISTORY_ACTUAL), 0),
    ("BELOW_HISTORY", table(rows={4: {"target": "≤50万元"}}, history=[{"year": 2024, "indicators": [
        {"name": "每公里综合改造成本", "target": "≤50万元", "actual": "46万元"}]}]), 4),
    ("BELOW_HISTORY", table(rows={8: {"target": "≥85"}}, history=[{"year": 2023, "indicators": [
        {"name": "改造小区居民满意度", "actual": "92%"}]}]), 8),
    ("BELOW_HISTORY", table(rows={4: {"target": "≤48万元"}}, history=[{"year": 2024, "indicators": [
        {"name": "每公里综合改造成本", "actual": "450000元"}]}]), 4),
    ("MISSING_OVERALL_GOAL", table(overall_goal=""), None),
    ("VAGUE_OVERALL_GOAL", table(overall_goal="进一步提升燃气安全水平"), None),
    ("UNKNOWN_CATEGORY", table(rows={7: {"level1": "其他指标", "level2": ""}}), 7),
    ("NO_LEVEL2", table(indicators=[{k: v for k, v in r.items() if k != "level2"} for r in CLEAN_ROWS]), None),
]


@pytest.mark.parametrize("code,tab,index", FIRES, ids=[f"{c}-{n}" for n, (c, *_) in enumerate(FIRES)])
def test_code_fires(code, tab, index):
    report = check_goals(tab)
    assert index in codes(report, code), report["findings"]
    finding = next(f for f in report["findings"] if f["code"] == code and f["indicator"] == index)
    assert finding["severity"] == SEVERITY[code]
    assert finding["message"]


@pytest.mark.parametrize("code", sorted(SEVERITY))
def test_clean_table_is_quiet(code):
    assert codes(check_goals(CLEAN), code) == []


def test_messages_are_short():
    """A reviewer reads dozens: each message, the row's name and printed value aside, stays within 50 characters
    (60 with a usual name), says what is wrong (before "：") and how to fix it ("请…")."""
    for _, tab, _ in FIRES:
        report = check_goals(tab)
        for f in report["findings"]:
            message = f["message"]
            if f["indicator"] is not None:
                r = report["indicators"][f["indicator"]]
                message = message.replace(r["name"], "").replace(str(r["target"]), "")
            assert len(message) <= 50, f["message"]
            assert "：" in message and "请" in message.split("：", 1)[1], f["message"]


def test_severities():
    errors = {"MISSING_CATEGORY", "TOO_FEW_INDICATORS", "WEIGHT_SUM", "PERCENT_OUT_OF_RANGE", "INPUT_AS_GOAL",
              "SPECIAL_FUND_FEW_QUANTIFIED", "DUPLICATE_INDICATOR"}
    assert {c for c, s in SEVERITY.items() if s == "error"} == errors
    for code in ("VAGUE_TARGET", "NO_COMPARATOR", "MISSING_UNIT", "MISCLASSIFIED", "MULTIPLE_IN_ONE",
                 "COPIED_FROM_HISTORY", "BELOW_HISTORY", "WEIGHT_CONCENTRATED", "LOW_QUANTIFIED_SHARE",
                 "WRONG_COMPARATOR"):
        assert SEVERITY[code] == "warning"


# Things that look like problems but are not.
QUIET = [
    ("NO_COMPARATOR", table(rows={6: {"target": "100%"}})),  # 100% has one meaning
    ("WRONG_COMPARATOR", table(rows={6: {"target": "=100%"}})),
    ("WRONG_COMPARATOR", table(rows={5: {"target": "≥30%"}})),  # 较上年下降 ≥30%: a fall, asked as ≥
    ("VAGUE_TARGET", table(rows={8: {"target": "良好"}})),  # a tier word is checkable
    ("VAGUE_TARGET", table(rows={2: {"target": "通过竣工验收"}})),
    ("VAGUE_TARGET", table(rows={6: {"target": "无重大安全事故"}})),
    ("VAGUE_TARGET", table(rows={2: {"target": "符合国家相关标准"}})),
    ("MISSING_UNIT", table(rows={2: {"target": "≥98", "unit": "%"}})),  # a separate unit column
    ("PERCENT_OUT_OF_RANGE", table(add=[row("效益指标", "经济效益指标", "燃气销售收入较上年增长率", "≥120%")])),
    ("INPUT_AS_GOAL", table(rows={4: {"name": "每公里综合改造成本", "target": "≤48万元"}})),
    ("INPUT_AS_GOAL", table(add=[row("效益指标", "社会效益指标", "惠民补贴资金发放及时率", "≥95%")])),
    ("WEIGHT_SUM", table(indicators=[{k: v for k, v in r.items() if k != "weight"} for r in CLEAN_ROWS])),
    ("WEIGHT_CONCENTRATED", table(rows={0: {"weight": 20}, 1: {"weight": 5}})),  # 20 is the limit, not above
    ("MULTIPLE_IN_ONE", table(add=[row("效益指标", "社会效益指标", "城乡居民医疗和养老保险参保率", "≥95%")])),
    ("DUPLICATE_INDICATOR", table(add=[row("产出指标", "数量指标", "改造燃气管网长度（中压）", "≥10公里")])),
    ("COPIED_FROM_HISTORY", table(history=[{"year": 2024, "indicators": HISTORY_SAME[0]["indicators"][:2]}])),
    ("BELOW_HISTORY", table(history=[{"year": 2024, "indicators": [
        {"name": "改造燃气管网长度", "target": "≥30公里", "actual": "30公里"}]}])),
    ("BELOW_HISTORY", table(history=[{"year": 2026, "indicators": [  # a later year is no history
        {"name": "改造燃气管网长度", "actual": "80公里"}]}])),
    ("MISCLASSIFIED", table(add=[row("产出指标", "数量指标", "改造任务完成率", "≥100%")])),
    ("NO_COMPARATOR", table(add=[row("效益指标", "社会效益指标", "燃气安全事故发生次数", "0起")])),
    ("WRONG_COMPARATOR", table(add=[row("效益指标", "社会效益指标", "燃气事故发生率", "较上年下降10%")])),
    ("VAGUE_TARGET", table(add=[row("效益指标", "可持续影响指标", "管网长效管护机制", "建立")])),
    ("MISSING_UNIT", table(add=[row("效益指标", "社会效益指标", "群众投诉率（%）", "≤2")])),
    ("MISSING_UNIT", table(add=[row("效益指标", "社会效益指标", "燃气事故死亡率", "0")])),
    ("SPECIAL_FUND_FEW_QUANTIFIED", table(project={"special_fund": True}, add=[
        row("产出指标", "数量指标", "新建调压箱数量", "≥12台", 0)])),
    ("WRONG_COMPARATOR", table(add=[row("效益指标", "社会效益指标", "安全事故发生次数", "=0次")])),  # 0 is a bound
    ("WRONG_COMPARATOR", table(add=[row("效益指标", "社会效益指标", "较大及以上生产安全事故起数", "=0起")])),
    ("WRONG_COMPARATOR", table(add=[row("效益指标", "社会效益指标", "因灾死亡失踪人数", "=0人")])),
    ("WRONG_COMPARATOR", table(add=[row("产出指标", "质量指标", "工程造价审核准确率", "≥98%")])),  # not a cost
    ("MISCLASSIFIED", table(add=[row("产出指标", "质量指标", "补助标准执行准确率", "=100%")])),  # an accuracy rate
    ("MISCLASSIFIED", table(add=[row("产出指标", "成本指标", "工程造价控制率", "≤100%")])),  # a cost rate
    ("MISCLASSIFIED", table(add=[row("产出指标", "质量指标", "补助对象覆盖率", "=100%")])),
    ("MULTIPLE_IN_ONE", table(add=[row("效益指标", "社会效益指标", "孕产妇死亡率", "≤14.5/10万")])),
    ("MISSING_UNIT", table(add=[row("效益指标", "社会效益指标", "孕产妇死亡率", "≤14.5/10万")])),
    ("NO_COMPARATOR", table(rows={3: {"target": "次年6月底前"}})),  # a deadline in the year after
    ("VAGUE_TARGET", table(rows={7: {"target": "建立管护制度并落实"}})),
]

# Rows as a unit gets them from the shipped library: concrete standards in words, zero counts, per-base rates,
# relative deadlines. Each, added to the clean table, draws no finding at all.
LIBRARY_STYLE = [
    row("效益指标", "社会效益指标", "安全事故发生次数", "=0次"),
    row("效益指标", "社会效益指标", "采购质疑投诉成立件数", "=0件"),
    row("效益指标", "社会效益指标", "孕产妇死亡率", "≤14.5/10万"),
    dict(row("效益指标", "社会效益指标", "孕产妇死亡率", "≤14.5"), unit="/10万"),  # the unit column
    row("效益指标", "社会效益指标", "孕产妇死亡率（1/10万）", "≤14.5"),  # a unit note in the name
    row("效益指标", "社会效益指标", "每万人口刑事案件发案数", "≤30/万人"),
    row("产出指标", "时效指标", "高标准农田项目竣工验收时间", "次年6月底前"),
    row("产出指标", "时效指标", "项目完成时间", "当年6月底前"),
    row("产出指标", "质量指标", "补助标准执行准确率", "=100%"),
    row("产出指标", "质量指标", "补助对象覆盖率", "=100%"),
    row("产出指标", "质量指标", "幼儿园保育教育质量评估情况", "评估结论为合格及以上"),
    row("产出指标", "质量指标", "工程质量情况", "符合设计及规范要求、无质量缺陷"),
    row("效益指标", "可持续影响指标", "长效管理机制建立情况", "建立管护制度、明确责任主体并落实"),
    row("效益指标", "可持续影响指标", "基层应急管理体系运行情况", "乡镇（街道）有机构、有人员、有预案、有物资"),
    row("效益指标", "可持续影响指标", "环卫作业考核机制运行情况", "按月考核、按考核结果结算"),
    row("效益指标", "可持续影响指标", "文物本体保存状况", "本体结构稳定、无新增险情"),
    row("效益指标", "可持续影响指标", "耕地地力保护补贴与耕地保护挂钩落实情况", "撂荒地和改变用途耕地不予补贴"),
    row("满意度指标", "服务对象满意度指标", "参训人员业务能力提升认可率", "≥90%"),
]


@pytest.mark.parametrize("added", LIBRARY_STYLE, ids=[r["target"] for r in LIBRARY_STYLE])
def test_library_style_rows_are_clean(added):
    report = check_goals(table(add=[added]))
    assert [f for f in report["findings"] if f["indicator"] == 9] == []


@pytest.mark.parametrize("word,vague", [
    # trend words and sentences: nothing a reviewer can check
    ("明显改善", True), ("明显提高", True), ("有效减少", True), ("长期", True), ("长远", True), ("稳步提升", True),
    ("显著增强", True), ("进一步加强", True), ("有所提升", True), ("达到预期", True), ("长期有效", True),
    ("为群众提供更加便捷的用气服务", True), ("为群众提供便捷的用气服务", True), ("满足群众用气需求", True),
    ("认真落实", True), ("落实到位", True), ("有序推进", True), ("", True),
    # concrete standards in words
    ("良好", False), ("合格", False), ("通过验收", False), ("通过竣工验收", False), ("无重大安全事故", False),
    ("零事故", False), ("符合国家相关标准", False), ("符合养老机构服务质量基本规范要求", False), ("建立", False),
    ("建立管护制度并落实", False), ("建立管护制度、明确责任主体并落实", False), ("评估结论为合格及以上", False),
    ("按季度统计上报、执行能耗定额", False), ("三级路长全覆盖、巡查记录完整", False),
    ("定期复核、及时增退、公示到位", False),
    ("合作协议有效执行并发布年度质量报告", False),  # one clause is checkable
    ("本体结构稳定、无新增险情", False), ("乡镇（街道）有机构、有人员、有预案、有物资", False),
])
def test_vague_wording(word, vague):
    assert quality.is_vague_wording(word) is vague


@pytest.mark.parametrize("code,tab", QUIET, ids=[f"{c}-{n}" for n, (c, _) in enumerate(QUIET)])
def test_code_stays_quiet(code, tab):
    report = check_goals(tab)
    assert codes(report, code) == [], report["findings"]


# ---------------------------------------------------------------------------------------------------------------
# Rules


def test_min_indicators_rule():
    seven = table(drop=[1, 7])
    assert "TOO_FEW_INDICATORS" not in {c for c, _ in codes(check_goals(seven))}
    report = check_goals(seven, {"min_indicators": 8})
    assert None in codes(report, "TOO_FEW_INDICATORS")
    assert "少于规则要求的8个" in report["findings"][-1]["message"] or any(
        "8个" in f["message"] for f in report["findings"])


def test_max_weight_rule():
    report = check_goals(CLEAN, {"max_indicator_weight": 15})
    assert codes(report, "WEIGHT_CONCENTRATED") == []  # 15 is allowed
    report = check_goals(table(rows={0: {"weight": 20}, 1: {"weight": 5}}), {"max_indicator_weight": 15})
    assert codes(report, "WEIGHT_CONCENTRATED") == [0]


def test_layout_101_requires_cost_at_level_one():
    report = check_goals(CLEAN, {"layout": "101号"})
    missing = [f for f in report["findings"] if f["code"] == "MISSING_CATEGORY"]
    assert len(missing) == 1 and "成本指标" in missing[0]["message"]
    lifted = table(rows={4: {"level1": "成本指标", "level2": "经济成本指标"}})
    assert codes(check_goals(lifted, {"layout": "101号"}), "MISSING_CATEGORY") == []
    assert codes(check_goals(lifted), "MISSING_CATEGORY") == []  # 10号 accepts 成本 at level one too


def test_special_fund_threshold():
    special = table(project={"special_fund": True})
    assert codes(check_goals(special), "SPECIAL_FUND_FEW_QUANTIFIED") == [None]
    assert codes(check_goals(special, {"special_fund_min_quantified": 9}), "SPECIAL_FUND_FEW_QUANTIFIED") == []
    assert codes(check_goals(special, {"special_fund_min_quantified": 0}), "SPECIAL_FUND_FEW_QUANTIFIED") == []


def test_quantified_share_threshold():
    two_words = table(rows={6: {"target": "良好"}, 7: {"target": "合格"}})
    report = check_goals(two_words)
    assert report["quantified_share"] == round(7 / 9, 4)
    assert codes(report, "LOW_QUANTIFIED_SHARE") == [None]
    assert codes(check_goals(two_words, {"min_quantified_share": 0.7}), "LOW_QUANTIFIED_SHARE") == []
    assert codes(check_goals(two_words, {"min_quantified_share": 70}), "LOW_QUANTIFIED_SHARE") == []


def test_weight_total_follows_execution_weight():
    assert codes(check_goals(CLEAN, {"execution_weight": 20}), "WEIGHT_SUM") == [None]
    eighty = table(rows={0: {"weight": 5}})
    assert codes(check_goals(eighty, {"execution_weight": 20}), "WEIGHT_SUM") == []


def test_rules_from_values():
    rules = rules_from_values({"goals.layout": "101号", "goals.min_indicators": 8, "goals.max_indicator_weight": 15,
                               "goals.min_quantified_share": 0.85, "goals.special_fund_min_quantified": 12,
                               "selfeval.execution_weight": 20, "goals.department_consolidates": True})
    assert rules == {"layout": "101号", "min_indicators": 8, "max_indicator_weight": 15, "min_quantified_share": 0.85,
                     "special_fund_min_quantified": 12, "weight_total": 80,
                     "required_level2": ["数量指标", "质量指标", "时效指标"]}
    assert rules_from_values({}) == DEFAULT_RULES
    assert quality.resolve_rules({"goals.layout": "101号"})["layout"] == "101号"
    assert quality.resolve_rules({"min_indicators": "abc"})["min_indicators"] == 6


def test_rules_in_the_document_apply():
    assert codes(check_goals(table(rules={"layout": "101号"})), "MISSING_CATEGORY") == [None]


# ---------------------------------------------------------------------------------------------------------------
# Messy real-world tables


def test_messy_labels_weights_and_totals():
    messy = table(indicators=[
        {"level1": "一、产出指标（50分）", "level2": "（一）数量指标", "name": "改造燃气管网长度",
         "target": "≥３８公里",
         "weight": "15分"},
        {"level1": "产出指标(50分)", "level2": "数量", "name": "改造居民户内设施户数", "target": "≥16,000户",
         "weight": "１０"},
        {"level1": "产出", "level2": "质量", "name": "工程竣工验收一次合格率", "target": "≥98％", "weight": " 10 "},
        {"level1": "产出指标", "level2": "时效", "name": "改造工程完工时间", "target": "2025年11月底前", "weight": 5.0},
        {"level1": "产出指标", "level2": "成本", "name": "每公里综合改造成本", "target": "不超过48万元",
         "weight": "10"},
        {"level1": "二、效益指标(30分)", "level2": "社会效益", "name": "燃气泄漏报警次数较上年下降",
         "target": "30%以上",
         "weight": 15},
        {"level1": "效益", "level2": "社会效益指标", "name": "重大燃气安全隐患整改率", "target": "１００％",
         "weight": 10},
        {"level1": "效益指标", "level2": "可持续影响", "name": "新建管网设计使用年限", "target": "不少于30年",
         "weight": 5},
        {"level1": "三、满意度指标（10分）", "level2": "满意度", "name": "改造小区居民满意度", "target": "≧90%",
         "weight": "10分"},
        {"level1": "合计", "name": "", "target": "", "weight": "90"},
    ])
    loaded = goalfile.load(messy)
    assert [r["level1"] for r in loaded["indicators"]] == [r["level1"] for r in CLEAN_ROWS]
    assert [r["level2"] for r in loaded["indicators"]] == [r["level2"] for r in CLEAN_ROWS]
    assert [r["weight"] for r in loaded["indicators"]] == [r["weight"] for r in CLEAN_ROWS]
    assert loaded["dropped"] == [9]
    report = check_goals(messy)
    assert report["findings"] == [], report["findings"]


def test_level_one_from_level_two_and_json_text():
    text = json.dumps(table(indicators=[dict(r, level1="") for r in CLEAN_ROWS]), ensure_ascii=False)
    assert check_goals(goalfile.load(text))["findings"] == []
    assert check_goals(goalfile.load(text.encode("gb18030")))["findings"] == []
    assert check_goals(goalfile.load(b"\xef\xbb\xbf" + text.encode()))["findings"] == []


def test_load_is_idempotent():
    once = goalfile.load(table(add=[{"level1": "总计", "name": "", "target": ""}]))
    assert goalfile.load(once) == once
    assert check_goals(once) == check_goals(goalfile.load(once))


@pytest.mark.parametrize("label,expected", [
    ("产出指标(50分)", "产出指标"), ("产出指标（50分）", "产出指标"), ("一、产出指标", "产出指标"),
    ("产出", "产出指标"),
    ("（一）产出指标", "产出指标"), ("1.效益指标", "效益指标"), ("效果指标", "效益指标"), ("满意度", "满意度指标"),
    ("满意度指标(10分)", "满意度指标"), ("成本指标", "成本指标"), ("决策", "决策"),
])
def test_normalise_level1(label, expected):
    assert goalfile.normalise_level1(label) == expected


@pytest.mark.parametrize("label,expected", [
    ("数量指标", "数量指标"), ("数量", "数量指标"), ("（二）质量指标", "质量指标"), ("时效", "时效指标"),
    ("进度指标", "时效指标"), ("成本", "成本指标"), ("经济成本指标", "经济成本指标"), ("生态成本", "生态环境成本指标"),
    ("社会效益", "社会效益指标"), ("经济效益指标", "经济效益指标"), ("生态效益", "生态效益指标"),
    ("可持续影响", "可持续影响指标"), ("服务对象满意度", "服务对象满意度指标"), ("满意度指标", "服务对象满意度指标"),
])
def test_normalise_level2(label, expected):
    assert goalfile.normalise_level2(label) == expected


# ---------------------------------------------------------------------------------------------------------------
# Unreadable documents


def _broken(path, value):
    t = copy.deepcopy(CLEAN)
    target = t
    *parents, last = path
    for p in parents:
        target = target[p]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return t


@pytest.mark.parametrize("doc,field,reason", [
    ("not json", "$", "JSON"),
    (b"\xff\xfe\x00garbage", "$", ""),
    ("[1, 2]", "$", "JSON 对象"),
    (_broken(["format"], KeyError), "format", "缺少格式标识"),
    (_broken(["format"], "perfbudget.selfeval/1"), "format", "不支持的格式"),
    (_broken(["indicators"], KeyError), "indicators", "缺少指标列表"),
    (_broken(["indicators"], "none"), "indicators", "列表"),
    (_broken(["indicators", 3], "row"), "indicators[3]", "对象"),
    (_broken(["indicators", 3, "target"], KeyError), "indicators[3].target", "缺少指标值"),
    (_broken(["indicators", 3, "target"], "  "), "indicators[3].target", "缺少指标值"),
    (_broken(["indicators", 3, "target"], None), "indicators[3].target", "缺少指标值"),
    (_broken(["indicators", 3, "target"], ["a"]), "indicators[3].target", "文字或数字"),
    (_broken(["indicators", 2, "name"], ""), "indicators[2].name", "缺少三级指标名称"),
    (table(rows={2: {"level1": None, "level2": None}}), "indicators[2].level1", "缺少一级指标"),
    (_broken(["indicators", 1, "weight"], "二十"), "indicators[1].weight", "不是数字"),
    (_broken(["indicators", 1, "weight"], 150), "indicators[1].weight", "0到100"),
    (_broken(["project"], "x"), "project", "对象"),
    (_broken(["project", "year"], "明年"), "project.year", "年度"),
    (_broken(["project", "special_fund"], "也许"), "project.special_fund", "是/否"),
    (_broken(["history"], {"year": 2024}), "history", "列表"),
    (_broken(["history"], [{"year": 2024, "indicators": [{"target": "≥1个"}]}]), "history[0].indicators[0].name",
     "缺少指标名称"),
])
def test_format_errors_name_the_field(doc, field, reason):
    with pytest.raises(FormatError) as caught:
        goalfile.load(doc)
    assert caught.value.field == field
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{field}: ")


def test_lenient_values():
    loaded = goalfile.load(_broken(["indicators", 0, "target"], 38))
    assert loaded["indicators"][0]["target"] == "38"
    loaded = goalfile.load(table(project={"year": "2025年", "amount": "1,850", "special_fund": "是"}))
    assert loaded["project"]["year"] == 2025 and loaded["project"]["amount"] == 1850
    assert loaded["project"]["special_fund"] is True


# ---------------------------------------------------------------------------------------------------------------
# The shared examples


def _example(name):
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.mark.skipif(not EXAMPLES.exists(), reason="shared/formats/examples is not beside the project")
def test_good_example_has_no_errors():
    report = check_goals(_example("goals_good.json"))
    assert report["counts"]["error"] == 0
    assert report["findings"] == []


@pytest.mark.skipif(not EXAMPLES.exists(), reason="shared/formats/examples is not beside the project")
def test_weak_example_findings():
    report = check_goals(_example("goals_weak.json"))
    found = set(codes(report))
    expected = {("INPUT_AS_GOAL", 0), ("MULTIPLE_IN_ONE", 1), ("VAGUE_TARGET", 3), ("MISSING_UNIT", 4),
                ("VAGUE_TARGET", 5), ("MISSING_CATEGORY", None), ("SPECIAL_FUND_FEW_QUANTIFIED", None),
                ("BELOW_HISTORY", 4)}
    assert expected <= found
    assert report["quality_score"] < 50 and not report["passed"]


def test_quality_score_formula():
    report = check_goals(table(drop=[8], rows={5: {"target": "明显提高"}}))
    c = report["counts"]
    assert report["quality_score"] == max(0, 100 - 15 * c["error"] - 5 * c["warning"] - c["info"])
    worst = check_goals({"format": "perfbudget.goals/1", "indicators": [
        row("产出指标", "数量指标", "投入资金", "100万元", 50), row("产出指标", "数量指标", "投入资金", "长期", 60)]})
    assert worst["quality_score"] == 0
