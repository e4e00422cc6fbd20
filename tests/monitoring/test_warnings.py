"""Warning rules (monitoring.warnings): tables of facts with the exact findings expected."""

import dataclasses
import datetime
import json
import random
from decimal import Decimal as D

import pytest

from perfbudget.monitoring.forecast import Pattern, cumulative, forecast, percent_text
from perfbudget.monitoring.warnings import (
    BEHIND_TIME,
    CHECKPOINT,
    FORM_LATE,
    FORM_MISSING,
    GREEN,
    INDICATOR_FORECAST,
    RED,
    YELLOW,
    Facts,
    Finding,
    IndicatorFact,
    evaluate,
    overall_level,
    reaches,
    rules_from_values,
)

DEFAULTS = {"monitoring.checkpoints": {"10": 0.60, "12": 0.85}, "monitoring.time_progress_margin": 0.10,
            "monitoring.behind_time_red_margin": 0.20}


class Fixed:
    """A forecast with given cumulative amounts (what the rules read of a `Forecast`)."""

    def __init__(self, by_month):
        self.by_month = tuple(by_month)

    def at(self, month):
        return self.by_month[month - 1]


def execution(budget, through, executed, later=None, checkpoint_amounts=None):
    """Facts with cumulative `executed` at the cut-off (spread evenly) and a forecast whose cumulative amounts after
    it are `later` ({month: amount}); checkpoint_amounts overrides cumulative amounts at given past months."""
    cum = [D(executed) * m / through for m in range(1, through + 1)]
    for m, amount in (checkpoint_amounts or {}).items():
        cum[m - 1] = D(amount)
    cum[-1] = D(executed)
    by_month = list(cum) + [D(executed)] * (12 - through)
    for m, amount in (later or {}).items():
        by_month[m - 1] = D(amount)
    fc = Fixed(by_month)
    return Facts(budget=D(budget), executed=D(executed), through_month=through, cumulative=tuple(cum), forecast=fc)


def found(facts, code, rules=DEFAULTS):
    return [(f.level, f.message) for f in evaluate(facts, rules) if f.code == code]


@pytest.mark.parametrize(("facts", "rules", "expected"), [
    # past checkpoint, below target → red
    (execution(1000, 10, 523, later={12: 900}), DEFAULTS, [(RED, "截至10月底预算执行率 52.3%，低于节点目标 60%")]),
    # exactly at target → nothing
    (execution(1000, 10, 600, later={12: 850}), DEFAULTS, []),
    # past October but forecast December low → yellow
    (execution(1000, 11, 700, later={12: 800}, checkpoint_amounts={10: 650}), DEFAULTS,
     [(YELLOW, "按当前进度预计年底执行率 80%，低于节点目标 85%")]),
    # future checkpoints → yellow, forecast figures
    (execution(1000, 7, 400, later={10: 480, 12: 710}), DEFAULTS,
     [(YELLOW, "按当前进度预计10月底执行率 48%，低于节点目标 60%"),
      (YELLOW, "按当前进度预计年底执行率 71%，低于节点目标 85%")]),
    (execution(1000, 7, 400, later={10: 600, 12: 850}), DEFAULTS, []),
    # December data: both checkpoints are past
    (execution(1000, 12, 849, checkpoint_amounts={10: 599}), DEFAULTS,
     [(RED, "截至10月底预算执行率 59.9%，低于节点目标 60%"), (RED, "截至12月底预算执行率 84.9%，低于节点目标 85%")]),
    # rule-set override: a June checkpoint at 40%, no October one
    (execution(1000, 7, 400, later={10: 480, 12: 900}, checkpoint_amounts={6: 350}),
     {**DEFAULTS, "monitoring.checkpoints": {"6": 0.4, "12": 0.9}},
     [(RED, "截至6月底预算执行率 35%，低于节点目标 40%")]),
    # no checkpoints at all
    (execution(1000, 10, 100), {**DEFAULTS, "monitoring.checkpoints": {}}, []),
])
def test_checkpoint(facts, rules, expected):
    assert found(facts, CHECKPOINT, rules) == expected


@pytest.mark.parametrize(("facts", "rules", "expected"), [
    (execution(1000, 6, 350), DEFAULTS,
     [(YELLOW, "截至6月底预算执行率 35%，序时进度 50%，落后 15个百分点（预警幅度 10个百分点）")]),
    (execution(1000, 6, 250), DEFAULTS,
     [(RED, "截至6月底预算执行率 25%，序时进度 50%，落后 25个百分点（预警幅度 20个百分点）")]),
    (execution(1000, 6, 400), DEFAULTS, []),  # exactly the margin behind: not more than it
    (execution(1000, 6, 399), DEFAULTS,
     [(YELLOW, "截至6月底预算执行率 39.9%，序时进度 50%，落后 10.1个百分点（预警幅度 10个百分点）")]),
    (execution(1000, 7, 300), DEFAULTS,
     [(RED, "截至7月底预算执行率 30%，序时进度 58.3%，落后 28.3个百分点（预警幅度 20个百分点）")]),
    (execution(1000, 7, 700), DEFAULTS, []),  # ahead of time
    # overrides: margins 5 and 30 points
    (execution(1000, 6, 350), {**DEFAULTS, "monitoring.time_progress_margin": 0.05,
                               "monitoring.behind_time_red_margin": 0.30},
     [(YELLOW, "截至6月底预算执行率 35%，序时进度 50%，落后 15个百分点（预警幅度 5个百分点）")]),
    (execution(1000, 6, 250), {**DEFAULTS, "monitoring.behind_time_red_margin": 0.30},
     [(YELLOW, "截至6月底预算执行率 25%，序时进度 50%，落后 25个百分点（预警幅度 10个百分点）")]),
])
def test_behind_time(facts, rules, expected):
    assert found(facts, BEHIND_TIME, rules) == expected


def test_no_budget_no_execution_findings():
    facts = Facts(budget=D(0), executed=D(100), through_month=10, cumulative=cumulative([D(10)] * 10, 10))
    assert evaluate(facts, DEFAULTS) == []
    assert evaluate(Facts(budget=None, executed=D(0), through_month=10), DEFAULTS) == []


def ind(name, target, forecast, likelihood="certain"):
    return IndicatorFact(name=name, target=target, forecast=forecast, likelihood=likelihood)


@pytest.mark.parametrize(("row", "expected"), [
    (ind("受益学生人数", "≥1800人", "1500人"),
     [(RED, "指标“受益学生人数”预计完成 1500人，未达到目标 ≥1800人（完成可能性：确定能）")]),
    (ind("受益学生人数", "≥1800人", "1500人", "possible"),
     [(YELLOW, "指标“受益学生人数”预计完成 1500人，未达到目标 ≥1800人（完成可能性：有可能）")]),
    (ind("受益学生人数", "≥1800人", "1500人", ""), [(RED, "指标“受益学生人数”预计完成 1500人，未达到目标 ≥1800人")]),
    (ind("受益学生人数", "≥1800人", "1900人", "impossible"),
     [(RED, "指标“受益学生人数”完成可能性为完全不可能（目标 ≥1800人，预计 1900人）")]),
    (ind("受益学生人数", "≥1800人", "", "impossible"),
     [(RED, "指标“受益学生人数”完成可能性为完全不可能（目标 ≥1800人）")]),
    (ind("受益学生人数", "≥1800人", "2000人"), []),
    (ind("受益学生人数", "≥1800人", "1800"), []),  # unit left out: the target's
    (ind("受益学生人数", "≥1800人", "≥1800人"), []),
    (ind("受益学生人数", "≥1800人", "", "possible"), []),  # nothing forecast yet
    (ind("培训人次", "≥500人次", "3场"), []),  # different units: not comparable
    (ind("培训人次", "不少于1.2万人次", "11000人次"),
     [(RED, "指标“培训人次”预计完成 11000人次，未达到目标 不少于1.2万人次（完成可能性：确定能）")]),
    (ind("每平方米维修成本", "≤350元", "380元"),
     [(RED, "指标“每平方米维修成本”预计完成 380元，未达到目标 ≤350元（完成可能性：确定能）")]),
    (ind("每平方米维修成本", "≤350元", "340元"), []),
    (ind("项目总成本", "≤48万元", "500000元"),
     [(RED, "指标“项目总成本”预计完成 500000元，未达到目标 ≤48万元（完成可能性：确定能）")]),
    (ind("项目总成本", "≤48万元", "480000元"), []),
    (ind("验收合格率", "≥95%", "93.5%", "possible"),
     [(YELLOW, "指标“验收合格率”预计完成 93.5%，未达到目标 ≥95%（完成可能性：有可能）")]),
    (ind("验收合格率", "≥95%", "98%"), []),
    (ind("设备完好率", "90%-100%", "85%"),
     [(RED, "指标“设备完好率”预计完成 85%，未达到目标 90%-100%（完成可能性：确定能）")]),
    (ind("设备完好率", "90%-100%", "95%"), []),
    (ind("投诉次数", "<3次", "3次"), [(RED, "指标“投诉次数”预计完成 3次，未达到目标 <3次（完成可能性：确定能）")]),
    (ind("投诉次数", "<3次", "2次"), []),
    (ind("完工时间", "2025年8月31日前", "2025年10月底前"),
     [(RED, "指标“完工时间”预计完成 2025年10月底前，未达到目标 2025年8月31日前（完成可能性：确定能）")]),
    (ind("完工时间", "2025年8月31日前", "2025年8月20日"), []),
    (ind("完工时间", "12月底前", "次年3月底前"),
     [(RED, "指标“完工时间”预计完成 次年3月底前，未达到目标 12月底前（完成可能性：确定能）")]),
    (ind("完工时间", "12月底前", "11月底"), []),
    (ind("群众满意度", "良好", "良好"), []),
    (ind("群众满意度", "良好", "未达到"),
     [(RED, "指标“群众满意度”预计完成 未达到，未达到目标 良好（完成可能性：确定能）")]),
    (ind("群众满意度", "良好", "一般"), []),  # words the rules cannot rank
    (ind("长效管护机制", "建立", "基本建立"), []),
])
def test_indicator_forecast(row, expected):
    facts = Facts(budget=None, executed=D(0), through_month=7, year=2025, indicators=(row,))
    findings = evaluate(facts, DEFAULTS)
    assert [(f.level, f.message) for f in findings if f.code == INDICATOR_FORECAST] == expected
    for f in findings:
        assert f.indicator == row.name
        assert f.figures == {"target": row.target, "forecast": row.forecast, "actual": "",
                             "likelihood": row.likelihood}


@pytest.mark.parametrize(("target", "forecast", "result"), [
    ("≥95%", "95%", True), ("≥95%", "94.9%", False), ("≤3‰", "0.2%", True), ("≤3‰", "0.4%", False),
    ("=100%", "100%", True), ("=100%", "98%", False), (">500", ">500", True), (">500", "501", True),
    ("≥500人次", "", None), ("", "1", None), ("≥500人次", "3场", None), ("良好", "较好", None),
    ("2025年11月30日前", "2025-12-15", False), ("2025年11月30日前", "12", None),
])
def test_reaches(target, forecast, result):
    assert reaches(target, forecast, 2025) is result


D_DUE = datetime.date(2025, 8, 20)


@pytest.mark.parametrize(("submitted", "as_of", "expected"), [
    (datetime.date(2025, 8, 22), datetime.date(2025, 8, 30),
     [(FORM_LATE, YELLOW, "监控表于2025年8月22日提交，晚于填报截止日期2025年8月20日 2天")]),
    (datetime.date(2025, 8, 20), datetime.date(2025, 8, 30), []),
    (None, datetime.date(2025, 8, 25),
     [(FORM_MISSING, RED, "监控表填报截止日期为2025年8月20日，截至2025年8月25日仍未提交，已逾期 5天")]),
    (None, datetime.date(2025, 8, 20), []),
    (None, None, []),
])
def test_form_dates(submitted, as_of, expected):
    facts = Facts(budget=None, executed=D(0), through_month=7, due_on=D_DUE, submitted_on=submitted, as_of=as_of)
    assert [(f.code, f.level, f.message) for f in evaluate(facts, DEFAULTS)] == expected


def test_everything_together_and_overall_level():
    facts = execution(1000, 7, 300, later={10: 450, 12: 700})
    facts = dataclasses.replace(facts, indicators=(ind("受益学生人数", "≥1800人", "1500人", "possible"),),
                                due_on=D_DUE, as_of=datetime.date(2025, 9, 1))
    findings = evaluate(facts, DEFAULTS)
    assert [(f.code, f.level) for f in findings] == [
        (CHECKPOINT, YELLOW), (CHECKPOINT, YELLOW), (BEHIND_TIME, RED), (INDICATOR_FORECAST, YELLOW),
        (FORM_MISSING, RED)]
    assert findings[0].figures == {"month": 10, "rate": 0.45, "target": 0.6, "amount": "450", "budget": "1000",
                                   "forecast": True}
    assert overall_level(findings) == RED
    assert overall_level([f for f in findings if f.level == YELLOW]) == YELLOW
    assert overall_level([]) == GREEN
    assert evaluate(execution(1000, 7, 700, later={10: 800, 12: 1000}), DEFAULTS) == []


def test_rules_from_values_defaults_and_types():
    r = rules_from_values({})
    assert r.checkpoints == ((10, D("0.6")), (12, D("0.85")))
    assert (r.margin, r.red_margin) == (D("0.1"), D("0.2"))
    r = rules_from_values({"monitoring.checkpoints": {"12": "0.9", "6": 0.3}, "monitoring.time_progress_margin": 0})
    assert r.checkpoints == ((6, D("0.3")), (12, D("0.9")))
    assert r.margin == 0


def test_long_indicator_message_is_cut():
    row = ind("很" * 200, "≥" + "1" * 90, "1")
    (finding,) = evaluate(Facts(budget=None, executed=D(0), through_month=7, indicators=(row,)), DEFAULTS)
    assert len(finding.message) <= 500 and isinstance(finding, Finding)


# --------------------------------------------------------------------------------------------------------------
# The JSON text of the figures, and the execution rules against a plain restatement of them

STORED_JSON = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def test_figures_json_is_the_json_of_the_figures():
    facts = execution(D("1234567.89"), 7, D("300000.05"), later={10: D("410000.10"), 12: D("700000")})
    strange = "“引号”\"quote\" back\\slash\ttab\x01控制 ≥95%"
    facts = dataclasses.replace(facts, due_on=D_DUE, as_of=datetime.date(2025, 9, 1), indicators=(
        ind(strange, "≥1800人", "1500人", "possible"), ind("b", strange, "", "impossible"),
        ind("c", "≥95%", strange, "impossible"), ind("d", "≤350元", "380元", ""),
        IndicatorFact("e", "良好", "未达到", actual="一般\n\"差\"", likelihood="certain")))
    late = dataclasses.replace(execution(1000, 12, 849, checkpoint_amounts={10: 599}), due_on=D_DUE,
                               submitted_on=datetime.date(2025, 8, 22))
    rules = {**DEFAULTS, "monitoring.checkpoints": {"3": "0.3333", "10": 0.6, "12": 0.85}}
    findings = evaluate(facts, rules) + evaluate(late, rules)
    assert {f.code for f in findings} == {CHECKPOINT, BEHIND_TIME, INDICATOR_FORECAST, FORM_MISSING, FORM_LATE}
    for f in findings:
        assert f.figures_json == STORED_JSON(f.figures), f


def _plain_execution_findings(facts, rules):
    """The checkpoint and time-progress rules as DOMAIN.md §4.5 states them, computed step by step."""
    out = []
    budget, t = facts.budget, facts.through_month
    for month, target in rules.checkpoints:
        if not 1 <= month <= 12:
            continue
        forecast = month > t
        amount = facts.forecast.at(month) if forecast else facts.cumulative[month - 1]
        if amount < target * budget:
            rate = amount / budget
            when = f"按当前进度预计{'年底' if month == 12 else f'{month}月底'}" if forecast else f"截至{month}月底预算"
            out.append((CHECKPOINT, YELLOW if forecast else RED,
                        f"{when}执行率 {percent_text(rate)}，低于节点目标 {percent_text(target)}",
                        {"month": month, "rate": round(float(rate), 4), "target": round(float(target), 4),
                         "amount": str(amount), "budget": str(budget), "forecast": forecast}))
    progress = D(t) / D(12)
    rate = facts.executed / budget
    gap = progress - rate
    if gap > rules.margin:
        margin = rules.red_margin if gap > rules.red_margin else rules.margin
        out.append((BEHIND_TIME, RED if gap > rules.red_margin else YELLOW,
                    f"截至{t}月底预算执行率 {percent_text(rate)}，序时进度 {percent_text(progress)}，落后 "
                    f"{percent_text(gap)[:-1]}个百分点（预警幅度 {percent_text(margin)[:-1]}个百分点）",
                    {"month": t, "rate": round(float(rate), 4), "time_progress": round(float(progress), 4),
                     "gap": round(float(gap), 4), "margin": round(float(margin), 4), "executed": str(facts.executed),
                     "budget": str(budget)}))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_execution_rules_match_their_plain_statement(seed):
    rng = random.Random(seed)
    rule_sets = [DEFAULTS, {**DEFAULTS, "monitoring.checkpoints": {"0": 0.1, "3": "0.15", "7": 0.5, "13": 0.9}},
                 {"monitoring.checkpoints": {str(m): rng.choice([0.05, 0.3333, 0.5, 0.875, 1]) for m in range(1, 13)},
                  "monitoring.time_progress_margin": rng.choice([0, 0.05, "0.125"]),
                  "monitoring.behind_time_red_margin": rng.choice([0.2, "0.255", 0.3])}]
    pattern = Pattern(tuple(D(s) / 100 for s in (2, 5, 9, 15, 22, 30, 38, 47, 58, 70, 84, 100)), 12, (2024,))
    checked = 0
    for _ in range(500):
        t = rng.randint(1, 12)
        budget = D(rng.randint(1, 10**9)) / 100
        monthly = [D(rng.randint(-10**5, 10**8) * rng.choice([0, 1, 1, 1])) / 100 for _ in range(t)]
        fc = forecast(budget, monthly, t, rng.choice([None, pattern]))
        facts = Facts(budget=budget, executed=fc.actual[-1], through_month=t, cumulative=fc.actual, forecast=fc)
        rules = rules_from_values(rng.choice(rule_sets))
        findings = evaluate(facts, rules)
        assert [(f.code, f.level, f.message, f.figures) for f in findings] == _plain_execution_findings(facts, rules)
        for f in findings:
            assert f.figures_json == STORED_JSON(f.figures)
        checked += len(findings)
    assert checked > 500
