"""The yearly round plan from the rule set (`monitoring.rounds`), read into plain data with Chinese errors.

Pure: no database. A plan entry names a round's code, title, the month its data run to, the fill window
and the report deadline ("MM-DD" within the fiscal year; a date past December falls into the next year),
and which projects it covers.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from .choices import RoundScope


class PlanError(ValueError):
    """The rule set's round plan cannot be read; the message says which entry and why (Chinese)."""


@dataclass(frozen=True)
class PlannedRound:
    code: str
    name: str
    through_month: int
    opens_on: datetime.date
    due_on: datetime.date
    report_due_on: datetime.date | None
    scope: str


def _date(year, text, where, field):
    try:
        month, day = (int(p) for p in str(text).strip().split("-"))
        return datetime.date(year, month, day)
    except (TypeError, ValueError):
        raise PlanError(f"{where}的「{field}」应为“月-日”格式（如 08-20），收到「{text}」。")


def plan_rounds(entries, year):
    """The rounds `entries` (the rule value) plan for fiscal `year`, in order, or PlanError."""
    if not isinstance(entries, list) or not entries:
        raise PlanError("监控轮次安排应为非空列表。")
    rounds, codes = [], set()
    for n, entry in enumerate(entries, start=1):
        where = f"第{n}轮"
        if not isinstance(entry, dict):
            raise PlanError(f"{where}应为对象（含 code、name、through_month 等）。")
        code = str(entry.get("code", "")).strip()
        name = str(entry.get("name", "")).strip()
        if not code or not name:
            raise PlanError(f"{where}缺少代码（code）或名称（name）。")
        if code in codes:
            raise PlanError(f"{where}的代码「{code}」重复。")
        codes.add(code)
        try:
            month = int(entry.get("through_month"))
        except (TypeError, ValueError):
            month = 0
        if not 1 <= month <= 12:
            raise PlanError(f"{where}的数据截至月份应为1-12，收到「{entry.get('through_month')}」。")
        scope = entry.get("scope", RoundScope.ALL)
        if scope not in RoundScope.values:
            raise PlanError(f"{where}的范围「{scope}」无效，应为：{'、'.join(RoundScope.values)}。")
        opens = _date(year, entry.get("opens"), where, "开始填报")
        due = _date(year, entry.get("due"), where, "填报截止")
        report = _date(year, entry["report_due"], where, "报告截止") if entry.get("report_due") else None
        if due < opens:
            raise PlanError(f"{where}的填报截止日期早于开始日期。")
        if report is not None and report < due:
            raise PlanError(f"{where}的报告截止日期早于填报截止日期。")
        rounds.append(PlannedRound(code, name, month, opens, due, report, scope))
    return rounds


def time_progress(month):
    """序时进度 at the end of `month`: month / 12, an exact Decimal ratio."""
    return Decimal(month) / Decimal(12)


def validate_plan(entries):
    """The rule-set check of `monitoring.rounds`: PlanError (a ValueError) when any entry is malformed."""
    plan_rounds(entries, 2000)  # a leap year: "02-29" is accepted


def add_working_days(start, days, holidays=()):
    """`days` working days (Monday–Friday, not in `holidays`) after `start`."""
    current, left = start, days
    while left > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            left -= 1
    return current
