"""预警规则, pure: `evaluate(facts, rules)` turns one project's plain facts into findings (DOMAIN.md §4.5).

Rules (values of the rule set's 运行监控 keys, a plain dict; `rules_from_values` reads them):

- CHECKPOINT: for each checkpoint month (`monitoring.checkpoints`, month → cumulative execution-rate target):
  a month already past the cut-off below its target → red; a later month whose forecast rate is below → yellow.
- BEHIND_TIME: the execution rate behind time progress (序时进度, cut-off month / 12) by more than
  `monitoring.time_progress_margin` → yellow, by more than `monitoring.behind_time_red_margin` → red.
- INDICATOR_FORECAST: an indicator rated 完全不可能 → red; a forecast that does not reach its target (per the
  target's comparator, read by `indicators.values`) → red, yellow when rated 有可能.
- FORM_LATE: the form was submitted after its due date → yellow. FORM_MISSING: not submitted and past due → red.

No finding → green. Messages are Chinese and state the numbers; `figures` holds them JSON-ready and
`figures_json` the JSON text the sweep stores, written with them (the text `json` gives with ensure_ascii off and
", " / ": " separators).

`evaluate` runs once per project of a round (200,000 in a large one): the rule values' texts are built once per
`RuleValues`, and a finding's message and JSON are put together from them.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from json.encoder import encode_basestring

from perfbudget.indicators.values import base_quantity, deadline, parse_value

from .forecast import Forecast, percent_text, to_decimal
from .plan import time_progress

RED, YELLOW, GREEN = "red", "yellow", "green"
CHECKPOINT, BEHIND_TIME, INDICATOR_FORECAST = "CHECKPOINT", "BEHIND_TIME", "INDICATOR_FORECAST"
FORM_LATE, FORM_MISSING = "FORM_LATE", "FORM_MISSING"
CERTAIN, POSSIBLE, IMPOSSIBLE = "certain", "possible", "impossible"
LIKELIHOOD_TEXT = {CERTAIN: "确定能", POSSIBLE: "有可能", IMPOSSIBLE: "完全不可能"}
MESSAGE_MAX = 500

DEFAULT_RULES = {
    "monitoring.checkpoints": {"10": 0.60, "12": 0.85},
    "monitoring.time_progress_margin": 0.10,
    "monitoring.behind_time_red_margin": 0.20,
}
# A qualitative forecast in these words says the target will not be met.
NEGATIVE_WORDS = ("未完成", "未达到", "未达标", "不达标", "达不到", "完不成", "无法完成", "不能完成", "难以完成",
                  "不合格")


@dataclass(slots=True)
class IndicatorFact:
    name: str
    target: str
    forecast: str = ""
    actual: str = ""
    likelihood: str = ""  # certain / possible / impossible / ""


@dataclass(slots=True)
class Facts:
    """What the rules look at for one project in one round (plain data)."""

    budget: Decimal | None  # full-year budget, 元
    executed: Decimal  # cumulative payments to the cut-off month, 元
    through_month: int
    cumulative: tuple[Decimal, ...] = ()  # cumulative payments at the end of months 1..through_month
    forecast: Forecast | None = None
    as_of: datetime.date | None = None
    year: int | None = None  # the fiscal year (resolves yearless date targets such as 12月底前)
    form_status: str = ""
    submitted_on: datetime.date | None = None  # local date of submission
    due_on: datetime.date | None = None
    indicators: tuple[IndicatorFact, ...] = ()
    ids: Mapping = field(default_factory=dict, compare=False)  # caller's keys (form, project year); not read here


@dataclass(slots=True)
class Finding:
    code: str
    level: str
    message: str
    figures: dict = field(default_factory=dict)
    indicator: str = ""
    figures_json: str = field(default="", compare=False, repr=False)  # `figures` as JSON text; "" when not written


@dataclass(frozen=True)
class RuleValues:
    checkpoints: tuple[tuple[int, Decimal], ...]
    margin: Decimal
    red_margin: Decimal

    def __post_init__(self):
        # the thresholds' texts, built once per sweep rather than once per project
        object.__setattr__(self, "_checkpoint_rules", tuple(_checkpoint_rule(m, r) for m, r in self.checkpoints
                                                            if 1 <= m <= 12))
        object.__setattr__(self, "_margin_texts", {RED: _margin_text(self.red_margin),
                                                   YELLOW: _margin_text(self.margin)})


def _checkpoint_rule(month, target):
    """(month, target, its JSON number, message heads when past and when forecast, message tail, JSON up to the
    rate, JSON from the rate up to the amount) of one checkpoint."""
    ratio = _ratio(target)
    return (month, target, ratio, f"截至{month}月底预算执行率 ", f"按当前进度预计{_month_end(month)}执行率 ",
            f"，低于节点目标 {percent_text(target)}", f'{{"month": {month}, "rate": ',
            f', "target": {ratio!r}, "amount": ')


def _margin_text(margin):
    """(points text, JSON number, its JSON text) of a margin."""
    ratio = _ratio(margin)
    return percent_text(margin)[:-1], ratio, repr(ratio)


def _ratio(x) -> float:
    return round(float(x), 4)


def rules_from_values(values: Mapping | None) -> RuleValues:
    """The monitoring.* values of a rule set (a dict, or anything with `.get`) as typed rule values."""
    values = values or {}

    def get(key):
        v = values.get(key)
        return DEFAULT_RULES[key] if v is None else v

    checkpoints = tuple(sorted((int(m), to_decimal(r)) for m, r in (get("monitoring.checkpoints") or {}).items()))
    return RuleValues(checkpoints, to_decimal(get("monitoring.time_progress_margin")),
                      to_decimal(get("monitoring.behind_time_red_margin")))


def overall_level(findings: Sequence[Finding]) -> str:
    level = GREEN
    for f in findings:
        if f.level == RED:
            return RED
        if f.level == YELLOW:
            level = YELLOW
    return level


def evaluate(facts: Facts, rules: Mapping | RuleValues | None = None) -> list[Finding]:
    """All findings for one project, in rule order."""
    if not isinstance(rules, RuleValues):
        rules = rules_from_values(rules)
    findings = []
    budget = facts.budget
    if budget is not None and budget > 0:
        _checkpoints(facts, rules, findings)
        _behind_time(facts, rules, findings)
    if facts.indicators:
        _indicators(facts, findings)
    if facts.due_on is not None:
        findings += _form_dates(facts)
    return findings


# --------------------------------------------------------------------------------------------------------------
# Execution


def _month_end(month):
    return "年底" if month == 12 else f"{month}月底"


def _checkpoints(facts, rules, out):
    """A checkpoint month up to the cut-off below its target → red; a later one whose forecast is below → yellow."""
    budget = facts.budget
    t = facts.through_month
    cum = facts.cumulative
    for month, target, target_ratio, past_head, forecast_head, tail, json_head, json_target in rules._checkpoint_rules:
        if month <= t:
            amount = cum[month - 1] if len(cum) >= month else facts.executed
            level, head, forecast = RED, past_head, False
        elif facts.forecast is not None:
            amount = facts.forecast.at(month)
            level, head, forecast = YELLOW, forecast_head, True
        else:
            continue
        if amount >= target * budget:
            continue
        rate = amount / budget
        ratio = _ratio(rate)
        amount_text, budget_text = str(amount), str(budget)
        out.append(Finding(
            CHECKPOINT, level, f"{head}{percent_text(rate)}{tail}",
            {"month": month, "rate": ratio, "target": target_ratio, "amount": amount_text, "budget": budget_text,
             "forecast": forecast},
            "", f'{json_head}{ratio!r}{json_target}"{amount_text}", "budget": "{budget_text}", '
                f'"forecast": {"true" if forecast else "false"}}}'))


def _progress(t):
    """Time progress at the end of month t: the ratio, its text, its JSON number and that number's JSON text."""
    progress = time_progress(t)
    ratio = _ratio(progress)
    return progress, percent_text(progress), ratio, repr(ratio)


_PROGRESS = {t: _progress(t) for t in range(1, 13)}


def _behind_time(facts, rules, out):
    budget = facts.budget
    t = facts.through_month
    progress, progress_text, progress_ratio, progress_json = _PROGRESS[t]
    executed = facts.executed
    rate = executed / budget
    gap = progress - rate
    if gap > rules.red_margin:
        level = RED
    elif gap > rules.margin:
        level = YELLOW
    else:
        return
    margin_text, margin_ratio, margin_json = rules._margin_texts[level]
    rate_ratio, gap_ratio, executed_text, budget_text = _ratio(rate), _ratio(gap), str(executed), str(budget)
    out.append(Finding(
        BEHIND_TIME, level,
        f"截至{t}月底预算执行率 {percent_text(rate)}，序时进度 {progress_text}，落后 {percent_text(gap)[:-1]}个百分点"
        f"（预警幅度 {margin_text}个百分点）",
        {"month": t, "rate": rate_ratio, "time_progress": progress_ratio, "gap": gap_ratio, "margin": margin_ratio,
         "executed": executed_text, "budget": budget_text},
        "", f'{{"month": {t}, "rate": {rate_ratio!r}, "time_progress": {progress_json}, "gap": {gap_ratio!r}, '
            f'"margin": {margin_json}, "executed": "{executed_text}", "budget": "{budget_text}"}}'))


# --------------------------------------------------------------------------------------------------------------
# Indicators


def _indicators(facts, out):
    for row in facts.indicators:
        finding = indicator_finding(row, facts.year)
        if finding is not None:
            out.append(finding)


def indicator_finding(row: IndicatorFact, year: int | None = None) -> Finding | None:
    """The INDICATOR_FORECAST finding of one indicator row, or None."""
    target, fc = (row.target or "").strip(), (row.forecast or "").strip()
    if row.likelihood == IMPOSSIBLE:
        forecast_part = f"，预计 {fc}" if fc else ""
        return _indicator(row, RED, f"指标“{row.name}”完成可能性为完全不可能（目标 {target}{forecast_part}）",
                          target, fc)
    if not fc or fc == target:
        return None
    if reaches(target, fc, year) is not False:
        return None
    level = YELLOW if row.likelihood == POSSIBLE else RED
    said = f"（完成可能性：{LIKELIHOOD_TEXT[row.likelihood]}）" if row.likelihood in LIKELIHOOD_TEXT else ""
    return _indicator(row, level, f"指标“{row.name}”预计完成 {fc}，未达到目标 {target}{said}", target, fc)


def _indicator(row, level, message, target, fc):
    if len(message) > MESSAGE_MAX:
        message = message[:MESSAGE_MAX - 1] + "…"
    actual, likelihood = (row.actual or "").strip(), row.likelihood
    return Finding(INDICATOR_FORECAST, level, message,
                   {"target": target, "forecast": fc, "actual": actual, "likelihood": likelihood}, row.name[:200],
                   f'{{"target": {encode_basestring(target)}, "forecast": {encode_basestring(fc)}, '
                   f'"actual": {encode_basestring(actual)}, "likelihood": {encode_basestring(likelihood)}}}')


def reaches(target: str, forecast: str, year: int | None = None) -> bool | None:
    """Whether a printed forecast reaches a printed target: True, False, or None when they cannot be compared
    (different kinds or units, nothing printed, words other than a plain 'not met')."""
    return _reaches(target or "", forecast or "", year)


@lru_cache(maxsize=65536)
def _reaches(target, forecast, year):
    if target.strip() == forecast.strip():
        return True
    t, f = parse_value(target), parse_value(forecast)
    if f.kind == "empty" or t.kind == "empty":
        return None
    if t.kind == "date":
        return _reaches_date(t, f, year)
    if t.kind in ("number", "percent"):
        return _reaches_number(t, f)
    if f.kind == "qualitative":
        if f.word == t.word:
            return True
        if any(w in f.word for w in NEGATIVE_WORDS):
            return False
    return None


def _reaches_date(t, f, year):
    if f.kind != "date":
        return None
    td, fd = deadline(t, year), deadline(f, year)
    if td is None or fd is None:
        return None
    if t.op == "≥":
        return fd >= td
    if t.op == ">":
        return fd > td
    if t.op in ("=",) and t.period == f.period:
        return fd == td
    return fd <= td  # a deadline (前, 内, 底前, or a bare date)


def _reaches_number(t, f):
    if f.kind not in ("number", "percent"):
        if f.kind == "qualitative" and any(w in f.word for w in NEGATIVE_WORDS):
            return False
        return None
    tq, fq = base_quantity(t), base_quantity(f)
    if tq is None or fq is None:
        return None
    tv, tu, unit = tq[0], tq[1], tq[2]
    fv, fu, funit = fq[0], fq[1], fq[2]
    if funit and unit and funit != unit:
        return None
    f_low, f_high = fv, fu if fu is not None else fv
    op = t.op
    if op == "interval":
        return f_low >= tv and f_high <= tu
    if op == ">":
        return f_low > tv or (f_low == tv and f.op in (">", "≥"))
    if op == "<":
        return f_high < tv or (f_high == tv and f.op in ("<", "≤"))
    if op == "≤":
        return f_high <= tv
    if op == "=":
        return f_low <= tv <= f_high
    return f_low >= tv  # ≥, and a bare number: a quantity to reach


# --------------------------------------------------------------------------------------------------------------
# Form dates


def _form_dates(facts):
    due = facts.due_on
    if due is None:
        return []
    submitted = facts.submitted_on
    if submitted is not None:
        if submitted > due:
            days = (submitted - due).days
            return [_date_finding(FORM_LATE, YELLOW,
                                  f"监控表于{_date(submitted)}提交，晚于填报截止日期{_date(due)} {days}天",
                                  ("due_on", due), ("submitted_on", submitted), days)]
        return []
    as_of = facts.as_of
    if as_of is not None and as_of > due:
        days = (as_of - due).days
        return [_date_finding(FORM_MISSING, RED,
                              f"监控表填报截止日期为{_date(due)}，截至{_date(as_of)}仍未提交，已逾期 {days}天",
                              ("due_on", due), ("as_of", as_of), days)]
    return []


def _date_finding(code, level, message, first, second, days):
    """A finding on two dates ((key, date) pairs) and the days between; its figures' JSON text is written here
    (json.dumps per project costs a sweep more than the rules do)."""
    (key1, date1), (key2, date2) = first, second
    text1, text2 = date1.isoformat(), date2.isoformat()
    return Finding(code, level, message, {key1: text1, key2: text2, "days": days}, "",
                   f'{{"{key1}": "{text1}", "{key2}": "{text2}", "days": {days}}}')


def _date(d):
    return f"{d.year}年{d.month}月{d.day}日"
