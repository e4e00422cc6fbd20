"""预警规则, pure: `evaluate(facts, rules)` turns one project's plain facts into findings (DOMAIN.md §4.5).

Rules (values of the rule set's 运行监控 keys, a plain dict; `rules_from_values` reads them):

- CHECKPOINT: for each checkpoint month (`monitoring.checkpoints`, month → cumulative execution-rate target):
  a month already past the cut-off below its target → red; a later month whose forecast rate is below → yellow.
- BEHIND_TIME: the execution rate behind time progress (序时进度, cut-off month / 12) by more than
  `monitoring.time_progress_margin` → yellow, by more than `monitoring.behind_time_red_margin` → red.
- INDICATOR_FORECAST: an indicator rated 完全不可能 → red; a forecast that does not reach its target (per the
  target's comparator, read by `indicators.values`) → red, yellow when rated 有可能.
- FORM_LATE: the form was submitted after its due date → yellow. FORM_MISSING: not submitted and past due → red.

No finding → green. Messages are Chinese and state the numbers; `figures` holds them JSON-ready.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

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


@dataclass(frozen=True)
class RuleValues:
    checkpoints: tuple[tuple[int, Decimal], ...]
    margin: Decimal
    red_margin: Decimal

    def __post_init__(self):
        # texts and JSON numbers of the thresholds, built once per sweep rather than once per project
        object.__setattr__(self, "_checkpoint_texts", {m: (percent_text(r), _ratio(r)) for m, r in self.checkpoints})
        object.__setattr__(self, "_margin_texts", {RED: (percent_text(self.red_margin)[:-1], _ratio(self.red_margin)),
                                                   YELLOW: (percent_text(self.margin)[:-1], _ratio(self.margin))})


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
    levels = {f.level for f in findings}
    return RED if RED in levels else YELLOW if YELLOW in levels else GREEN


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
        findings += _indicators(facts)
    if facts.due_on is not None:
        findings += _form_dates(facts)
    return findings


# --------------------------------------------------------------------------------------------------------------
# Execution


def _month_end(month):
    return "年底" if month == 12 else f"{month}月底"


def _checkpoints(facts, rules, out):
    budget = facts.budget
    t = facts.through_month
    texts = rules._checkpoint_texts
    for month, target in rules.checkpoints:
        if not 1 <= month <= 12:
            continue
        if month <= t:
            amount = facts.cumulative[month - 1] if len(facts.cumulative) >= month else facts.executed
            if amount >= target * budget:
                continue
            rate = amount / budget
            target_text, target_ratio = texts[month]
            out.append(Finding(CHECKPOINT, RED, (
                f"截至{month}月底预算执行率 {percent_text(rate)}，低于节点目标 {target_text}"),
                {"month": month, "rate": _ratio(rate), "target": target_ratio, "amount": str(amount),
                 "budget": str(budget), "forecast": False}))
        elif facts.forecast is not None:
            amount = facts.forecast.at(month)
            if amount >= target * budget:
                continue
            rate = amount / budget
            target_text, target_ratio = texts[month]
            out.append(Finding(CHECKPOINT, YELLOW, (
                f"按当前进度预计{_month_end(month)}执行率 {percent_text(rate)}，低于节点目标 {target_text}"),
                {"month": month, "rate": _ratio(rate), "target": target_ratio, "amount": str(amount),
                 "budget": str(budget), "forecast": True}))


_PROGRESS = {t: (time_progress(t), percent_text(time_progress(t)), _ratio(time_progress(t))) for t in range(1, 13)}


def _behind_time(facts, rules, out):
    budget = facts.budget
    t = facts.through_month
    progress, progress_text, progress_ratio = _PROGRESS[t]
    rate = facts.executed / budget
    gap = progress - rate
    if gap > rules.red_margin:
        level = RED
    elif gap > rules.margin:
        level = YELLOW
    else:
        return
    margin_text, margin_ratio = rules._margin_texts[level]
    out.append(Finding(BEHIND_TIME, level, (
        f"截至{t}月底预算执行率 {percent_text(rate)}，序时进度 {progress_text}，落后 {percent_text(gap)[:-1]}个百分点"
        f"（预警幅度 {margin_text}个百分点）"),
        {"month": t, "rate": _ratio(rate), "time_progress": progress_ratio, "gap": _ratio(gap),
         "margin": margin_ratio, "executed": str(facts.executed), "budget": str(budget)}))


# --------------------------------------------------------------------------------------------------------------
# Indicators


def _indicators(facts):
    out = []
    for row in facts.indicators:
        finding = indicator_finding(row, facts.year)
        if finding is not None:
            out.append(finding)
    return out


def indicator_finding(row: IndicatorFact, year: int | None = None) -> Finding | None:
    """The INDICATOR_FORECAST finding of one indicator row, or None."""
    target, fc = (row.target or "").strip(), (row.forecast or "").strip()
    figures = {"target": target, "forecast": fc, "actual": (row.actual or "").strip(), "likelihood": row.likelihood}
    forecast_part = f"，预计 {fc}" if fc else ""
    if row.likelihood == IMPOSSIBLE:
        return _indicator(RED, f"指标“{row.name}”完成可能性为完全不可能（目标 {target}{forecast_part}）",
                          figures, row.name)
    if not fc or fc == target:
        return None
    if reaches(target, fc, year) is not False:
        return None
    level = YELLOW if row.likelihood == POSSIBLE else RED
    said = f"（完成可能性：{LIKELIHOOD_TEXT[row.likelihood]}）" if row.likelihood in LIKELIHOOD_TEXT else ""
    return _indicator(level, f"指标“{row.name}”预计完成 {fc}，未达到目标 {target}{said}", figures, row.name)


def _indicator(level, message, figures, name):
    if len(message) > MESSAGE_MAX:
        message = message[:MESSAGE_MAX - 1] + "…"
    return Finding(INDICATOR_FORECAST, level, message, figures, name[:200])


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
    if facts.submitted_on is not None:
        if facts.submitted_on > due:
            days = (facts.submitted_on - due).days
            return [Finding(FORM_LATE, YELLOW, (
                f"监控表于{_date(facts.submitted_on)}提交，晚于填报截止日期{_date(due)} {days}天"),
                {"due_on": due.isoformat(), "submitted_on": facts.submitted_on.isoformat(), "days": days})]
        return []
    if facts.as_of is not None and facts.as_of > due:
        days = (facts.as_of - due).days
        return [Finding(FORM_MISSING, RED, (
            f"监控表填报截止日期为{_date(due)}，截至{_date(facts.as_of)}仍未提交，已逾期 {days}天"),
            {"due_on": due.isoformat(), "as_of": facts.as_of.isoformat(), "days": days})]
    return []


def _date(d):
    return f"{d.year}年{d.month}月{d.day}日"
