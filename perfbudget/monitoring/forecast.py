"""Year-end execution forecast of one project (全年预计执行数), pure: plain numbers in, a `Forecast` out.

A project's cumulative payments to the cut-off month are projected to the year end with a monthly pattern, the
cumulative share of the full year's payments reached at each month end:

1. the pattern of similar projects in an earlier year (same project class, budget type and function code, the
   group widened from 项 7 digits to 款 5, 类 3, any function code and finally all projects until it holds enough
   projects; the sweep builds these with `pattern_shares` over set-based sums, see `sweep_sql.py`);
2. else the project's own earlier years;
3. else linear time progress (序时进度, month/12).

With the share `s_t` reached at the cut-off month `t` and `P_t` paid so far, the year end is `P_t / s_t` and the
months after `t` follow the pattern: `P_t + (Y - P_t) × (s_m - s_t) / (1 - s_t)`. The year end is never below what
is already paid and never above the full-year budget (rate capped at 100%, and the method says so).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
SHARE_PLACES = Decimal("1e-12")
RATE_PLACES = Decimal("0.0001")
ZERO = Decimal(0)
ONE = Decimal(1)
MONTHS = 12
MIN_SHARE = Decimal("0.01")  # a pattern that puts less than 1% of the year by the cut-off month cannot project

CAPPED_TEXT = "；推算数超过全年预算，按预算数封顶（执行率100%）"
OVERPAID_TEXT = "；已支付数超过全年预算，按已支付数计"

BASIS_ACTUAL = "actual"  # the cut-off month is December: nothing to forecast
BASIS_PATTERN = "pattern"  # similar projects in an earlier year
BASIS_OWN = "own_history"  # the project's own earlier years
BASIS_LINEAR = "linear"  # time progress (序时)


@dataclass(frozen=True)
class Pattern:
    """A monthly pattern: 12 cumulative shares (the last is 1) and what it was built from."""

    shares: tuple[Decimal, ...]
    projects: int = 0  # how many project years it averages
    years: tuple[int, ...] = ()  # the earlier years it comes from
    group: str = ""  # e.g. "功能分类2050201", "功能分类205", "全部项目"
    _plans: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def year_label(self) -> str:
        return _years_label(self.years)

    def plan(self, t: int, basis: str) -> tuple[Decimal, tuple[Decimal, ...], str]:
        """For the cut-off month t: the share reached, the factors placing months t+1..12 between what is paid
        and the year end ((s_m - s_t) / (1 - s_t), December 1), and the method sentence. Computed once per
        pattern and month: thousands of projects share a pattern."""
        key = (t, basis)
        if key not in self._plans:
            s_t = self.shares[t - 1]
            if s_t >= 1:
                factors = tuple(ZERO for _ in range(t + 1, MONTHS)) + (ONE,)
            else:
                factors = tuple((self.shares[m - 1] - s_t) / (1 - s_t) for m in range(t + 1, MONTHS)) + (ONE,)
            self._plans[key] = (s_t, factors[-(MONTHS - t):] if t < MONTHS else (), _method(self, t, basis))
        return self._plans[key]


def _method(pattern, t, basis):
    share = percent_text(pattern.shares[t - 1])
    if basis == BASIS_PATTERN:
        who = "，".join(x for x in (pattern.year_label, pattern.group, f"{pattern.projects}个") if x)
        return f"按同类项目（{who}）{months_label(t)}平均完成全年支出的 {share}推算"
    if basis == BASIS_OWN:
        return f"按本项目以往年度（{pattern.year_label}）{months_label(t)}平均完成全年支出的 {share}推算"
    return f"无同类项目和本项目以往年度数据，按序时进度（{months_label(t)}占全年 {t}/12）推算"


@dataclass(slots=True)
class Forecast:
    """The forecast: year-end amount and rate, cumulative amounts at each month end, and how it was made."""

    amount: Decimal  # full-year executed amount, 元
    rate: Decimal | None  # amount / budget (None without a budget)
    actual: tuple[Decimal, ...]  # cumulative payments at the end of months 1..cut-off
    method: str  # a Chinese sentence naming the method and its basis
    basis: str  # BASIS_*
    capped: bool = False  # the projection exceeded the budget and was cut to it
    share: Decimal | None = None  # the share of the year's payments the pattern puts at the cut-off month
    pattern: Pattern | None = None
    factors: tuple[Decimal, ...] = ()  # months after the cut-off: paid + (amount - paid) × factor

    @property
    def by_month(self) -> tuple[Decimal, ...]:
        """Cumulative amounts at the end of months 1..12: actual up to the cut-off, forecast after it."""
        return self.actual + tuple(self.at(m) for m in range(len(self.actual) + 1, MONTHS + 1))

    def at(self, month: int) -> Decimal:
        """The cumulative amount at the end of `month` (computed for that month only: the rules need two)."""
        t = len(self.actual)
        if month <= t:
            return self.actual[month - 1]
        paid = self.actual[-1]
        return (paid + (self.amount - paid) * self.factors[month - t - 1]).quantize(CENT, ROUND_HALF_UP)

    def rate_at(self, month: int, budget) -> Decimal | None:
        budget = to_decimal(budget)
        if not budget:
            return None
        return self.at(month) / budget


# --------------------------------------------------------------------------------------------------------------
# Helpers


def to_decimal(value) -> Decimal | None:
    """A Decimal from what databases hand back (Decimal, int, float, str); None stays None."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def money(value) -> Decimal:
    if type(value) is not Decimal:
        value = to_decimal(value)
    return value.quantize(CENT, ROUND_HALF_UP)


def percent_text(ratio) -> str:
    """0.523 → "52.3%", 0.6 → "60%": one decimal where needed."""
    if type(ratio) is not Decimal:
        ratio = to_decimal(ratio)
    text = str((ratio * 100).quantize(TENTH, ROUND_HALF_UP))  # one decimal: never in exponent notation
    return (text[:-2] if text[-1] == "0" else text) + "%"


def months_label(through_month: int) -> str:
    return "1月" if through_month == 1 else f"1-{through_month}月"


def _years_label(years: Sequence[int]) -> str:
    years = sorted(set(years))
    if not years:
        return ""
    if len(years) == 1:
        return f"{years[0]}年"
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}年"
    return "、".join(str(y) for y in years) + "年"


def cumulative(monthly: Mapping[int, object] | Sequence, upto: int = MONTHS) -> tuple[Decimal, ...]:
    """Cumulative amounts at the end of months 1..upto from monthly amounts (a {month: amount} mapping or a
    sequence for months 1, 2, …); missing months count as nothing paid."""
    if type(monthly) in (list, tuple) and len(monthly) >= upto and type(monthly[0]) is Decimal:
        try:
            return tuple(accumulate(monthly[:upto]))  # the sweep's rows: Decimals already
        except TypeError:
            pass
    if isinstance(monthly, Mapping):
        values = [monthly.get(m) for m in range(1, upto + 1)]
    else:
        values = list(monthly[:upto])
        values += [ZERO] * (upto - len(values))
    return tuple(accumulate(v if type(v) is Decimal else (to_decimal(v) or ZERO) for v in values))


def normalise_shares(shares: Iterable) -> tuple[Decimal, ...] | None:
    """Clean 12 cumulative shares: within 0..1, never falling (refunds can make raw shares dip), December 1."""
    shares = [to_decimal(s) for s in shares]
    if len(shares) != MONTHS or any(s is None for s in shares):
        return None
    out, top = [], ZERO
    for s in shares[:-1]:
        top = max(top, min(max(s, ZERO), ONE))
        out.append(top.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP))
    out.append(ONE)
    return tuple(out)


def pattern_shares(series_list: Iterable[Sequence]) -> tuple[Decimal, ...] | None:
    """The average cumulative share of the year's payments reached at each month end, over monthly series
    (12 amounts each, months 1..12). Series whose year total is not positive are left out; None when none is
    left."""
    sums, n = [ZERO] * MONTHS, 0
    for series in series_list:
        cum = cumulative(series)
        total = cum[-1]
        if total <= 0:
            continue
        n += 1
        for i, c in enumerate(cum):
            sums[i] += c / total
    if not n:
        return None
    return normalise_shares(s / n for s in sums)


def pattern_from_sums(share_sums: Sequence, projects: int, years=(), group="") -> Pattern | None:
    """A `Pattern` from per-month sums of shares over `projects` project years (what the SQL hands back)."""
    if not projects:
        return None
    shares = normalise_shares(to_decimal(s) / projects for s in share_sums)
    return Pattern(shares, projects, tuple(years), group) if shares else None


# --------------------------------------------------------------------------------------------------------------
# The forecast


def forecast(budget, monthly, through_month: int, pattern: Pattern | Sequence | None = None,
             own_history: Pattern | Mapping[int, Sequence] | None = None) -> Forecast:
    """Forecast the year end from monthly payments up to `through_month` (later months are ignored).

    `pattern`: the similar projects' `Pattern` (or 12 bare shares). `own_history`: the project's own earlier
    years, as a `Pattern` or a {year: 12 monthly amounts} mapping. A pattern that puts (almost) no payment by the
    cut-off month (under `MIN_SHARE`) cannot project anything and is passed over.
    """
    t = int(through_month)
    if not 1 <= t <= MONTHS:
        raise ValueError("through_month must be 1..12")
    if budget is not None and type(budget) is not Decimal:
        budget = to_decimal(budget)
    cum = cumulative(monthly, t)
    if t == MONTHS:
        return _result(budget, cum, cum[-1], BASIS_ACTUAL, None, (), "截至12月底全年支出已发生，按实际执行数计", None)
    if pattern is not None and not isinstance(pattern, Pattern):
        shares = normalise_shares(pattern)
        pattern = Pattern(shares) if shares else None
    if pattern is not None and pattern.shares[t - 1] >= MIN_SHARE:
        return _project(budget, cum, pattern, t, BASIS_PATTERN)
    if isinstance(own_history, Mapping):
        shares = pattern_shares(own_history.values())
        years = [y for y, s in own_history.items() if cumulative(s)[-1] > 0]
        own_history = Pattern(shares, len(years), tuple(years), "本项目") if shares else None
    if own_history is not None and own_history.shares[t - 1] >= MIN_SHARE:
        return _project(budget, cum, own_history, t, BASIS_OWN)
    return _project(budget, cum, LINEAR, t, BASIS_LINEAR)


def _project(budget, cum, pattern, t, basis):
    share, factors, text = pattern.plan(t, basis)
    paid = cum[-1]
    year_end = paid / share if share < 1 else paid
    return _result(budget, cum, year_end, basis, share, factors, text, pattern)


def _result(budget, cum, year_end, basis, share, factors, text, pattern):
    paid = cum[-1]
    capped = False
    if year_end < paid:
        year_end = paid  # never below what is already paid
    if budget is not None and budget > 0:
        if paid <= budget:
            if year_end > budget:
                year_end, capped, text = budget, True, text + CAPPED_TEXT
        elif year_end > paid:
            year_end, capped, text = paid, True, text + OVERPAID_TEXT
    year_end = year_end.quantize(CENT, ROUND_HALF_UP)
    rate = (year_end / budget).quantize(RATE_PLACES, ROUND_HALF_UP) if budget else None
    return Forecast(year_end, rate, cum, text, basis, capped, share, pattern, factors)


LINEAR = Pattern(tuple(Decimal(m) / MONTHS for m in range(1, MONTHS + 1)), group="序时进度")
