"""Year-end execution forecast (monitoring.forecast): constructed series with known answers."""

from decimal import Decimal as D

import pytest

from perfbudget.monitoring.forecast import (
    BASIS_ACTUAL,
    BASIS_LINEAR,
    BASIS_OWN,
    BASIS_PATTERN,
    Pattern,
    cumulative,
    forecast,
    pattern_from_sums,
    pattern_shares,
    percent_text,
)

FLAT = [D(10)] * 12  # shares m/12
BACK = [D(0)] * 6 + [D(20)] * 6  # nothing until June, then even: shares 0…0, 1/6…1
LINEAR_TEXT = "无同类项目和本项目以往年度数据，按序时进度（1-{t}月占全年 {t}/12）推算"
CAP_TEXT = "；推算数超过全年预算，按预算数封顶（执行率100%）"


def shares_of(*series):
    return pattern_shares(series)


def test_pattern_shares_average_of_cumulative_shares():
    shares = shares_of(FLAT, BACK)
    assert shares[5] == D("0.25")  # (6/12 + 0) / 2
    assert shares[8] == D("0.625")  # (9/12 + 3/6) / 2
    assert shares[11] == 1
    assert list(shares) == sorted(shares)


def test_pattern_shares_skips_empty_years_and_clamps_refunds():
    refund = [D(50), D(-30), D(0), D(0), D(0), D(0), D(0), D(0), D(0), D(0), D(0), D(30)]  # total 50
    shares = shares_of([D(0)] * 12, refund)
    assert shares[0] == 1  # 50/50, capped at 1
    assert shares[1] == 1  # dips to 0.4 but a cumulative share never falls
    assert pattern_shares([[D(0)] * 12]) is None
    assert pattern_shares([]) is None


def test_pattern_from_sums_matches_pattern_shares():
    # two project years: sums of their shares per month, as the SQL returns them
    sums = [a / 120 + b / 120 for a, b in zip(cumulative(FLAT), cumulative(BACK), strict=True)]
    p = pattern_from_sums(sums, 2, (2024,), "功能分类2050201")
    assert p.shares == shares_of(FLAT, BACK)
    assert p.projects == 2 and p.year_label == "2024年"
    assert pattern_from_sums([0] * 12, 0) is None


@pytest.mark.parametrize(("budget", "monthly", "t", "pattern", "own", "amount", "rate", "basis", "method", "capped"), [
    # linear: 600 paid by June → 1,200
    ("1200", [100] * 6, 6, None, None, "1200.00", "1.0000", BASIS_LINEAR, LINEAR_TEXT.format(t=6), False),
    # linear, over budget → capped at the budget
    ("1000", [100] * 6, 6, None, None, "1000.00", "1.0000", BASIS_LINEAR, LINEAR_TEXT.format(t=6) + CAP_TEXT, True),
    # linear, a single month
    ("12000", [300], 1, None, None, "3600.00", "0.3000", BASIS_LINEAR,
     "无同类项目和本项目以往年度数据，按序时进度（1月占全年 1/12）推算", False),
    # similar projects: 25% by June, 100 paid → 400
    ("1000", [20, 20, 20, 20, 10, 10], 6, Pattern(shares_of(FLAT, BACK), 2, (2024,), "功能分类2050201"), None,
     "400.00", "0.4000", BASIS_PATTERN, "按同类项目（2024年，功能分类2050201，2个）1-6月平均完成全年支出的 25%推算",
     False),
    # the same, 37 projects, 41.7% by July (5/12): shown with one decimal
    ("10000", [500] * 7, 7, Pattern(tuple(D(m) / 12 for m in (1, 2, 3, 4, 4, 5, 5, 6, 8, 10, 11, 12)), 37,
                                    (2024,)), None,
     "8400.00", "0.8400", BASIS_PATTERN, "按同类项目（2024年，37个）1-7月平均完成全年支出的 41.7%推算", False),
    # own earlier years when there is no pattern
    ("2400", [100] * 6, 6, None, {2023: FLAT, 2024: BACK}, "2400.00", "1.0000", BASIS_OWN,
     "按本项目以往年度（2023-2024年）1-6月平均完成全年支出的 25%推算", False),
    # a pattern paying nothing by the cut-off month is passed over (own history next, then linear)
    ("1200", [50] * 6, 6, Pattern(shares_of(BACK), 5, (2024,)), {2024: FLAT}, "600.00", "0.5000", BASIS_OWN,
     "按本项目以往年度（2024年）1-6月平均完成全年支出的 50%推算", False),
    ("1200", [50] * 6, 6, Pattern(shares_of(BACK), 5, (2024,)), {2024: BACK}, "600.00", "0.5000", BASIS_LINEAR,
     LINEAR_TEXT.format(t=6), False),
    # December: the actual figure
    ("1000", [50] * 12, 12, None, None, "600.00", "0.6000", BASIS_ACTUAL, "截至12月底全年支出已发生，按实际执行数计",
     False),
    # already paid more than the budget: never below what is paid
    ("100", [25] * 6, 6, None, None, "150.00", "1.5000", BASIS_LINEAR,
     LINEAR_TEXT.format(t=6) + "；已支付数超过全年预算，按已支付数计", True),
    # nothing paid: nothing forecast
    ("5000", [0] * 7, 7, None, None, "0.00", "0.0000", BASIS_LINEAR, LINEAR_TEXT.format(t=7), False),
    # no budget: no rate, no cap
    ("0", [10] * 6, 6, None, None, "120.00", None, BASIS_LINEAR, LINEAR_TEXT.format(t=6), False),
    (None, [10] * 6, 6, None, None, "120.00", None, BASIS_LINEAR, LINEAR_TEXT.format(t=6), False),
])
def test_forecast_table(budget, monthly, t, pattern, own, amount, rate, basis, method, capped):
    f = forecast(None if budget is None else D(budget), [D(x) for x in monthly], t, pattern, own)
    assert f.amount == D(amount)
    assert f.rate == (None if rate is None else D(rate))
    assert (f.basis, f.method, f.capped) == (basis, method, capped)
    assert len(f.by_month) == 12
    assert f.by_month[-1] == f.amount
    assert f.by_month[:t] == cumulative([D(x) for x in monthly], t)
    assert list(f.by_month) == sorted(f.by_month)  # cumulative amounts never fall


def test_forecast_months_after_cutoff_follow_the_pattern():
    f = forecast(D(1000), [D(20), D(20), D(20), D(20), D(10), D(10)], 6, Pattern(shares_of(FLAT, BACK), 2))
    # year end 400; month m: paid × s_m / s_6
    assert f.by_month[6:] == (D("150.00"), D("200.00"), D("250.00"), D("300.00"), D("350.00"), D("400.00"))
    assert f.rate_at(9, 1000) == D("0.25")


def test_capped_forecast_scales_later_months():
    f = forecast(D(1000), [D(100)] * 6, 6)
    assert f.by_month[6] == D("666.67")  # 600 + 400 × (7/12 − 6/12) / (1 − 6/12)
    assert f.by_month[11] == D("1000.00")


def test_months_beyond_the_cutoff_are_ignored():
    a = forecast(D(1200), {1: D(100), 2: D(100), 3: D(100), 4: D(500)}, 3)
    assert a.amount == D("1200.00") and a.by_month[2] == D(300)


def test_bare_shares_and_bad_month():
    f = forecast(D(1000), [D(100)] * 6, 6, [D(m) / 12 for m in range(1, 13)])
    assert f.basis == BASIS_PATTERN and f.amount == D("1000.00")
    with pytest.raises(ValueError):
        forecast(D(1000), [], 0)


@pytest.mark.parametrize(("ratio", "text"), [
    (D("0.523"), "52.3%"), (D("0.6"), "60%"), (D("0.85"), "85%"), (D("0.71"), "71%"), (D(7) / 12, "58.3%"),
    (D("0.99951"), "100%"), (D("0.0004"), "0%"), (0.41666, "41.7%"), (D("1.5"), "150%"),
    # half up at the tenth of a point, signs, sizes
    (D("0.0005"), "0.1%"), (D("0.00049999"), "0%"), (D("0.9995"), "100%"), (D("-0.0004"), "-0%"),
    (D("-0.0005"), "-0.1%"), (D("-0.1234"), "-12.3%"), (D("1E-30"), "0%"), (D("1E+3"), "100000%"),
    (D("123456789"), "12345678900%"), (D(1) / 3, "33.3%"),
])
def test_percent_text(ratio, text):
    assert percent_text(ratio) == text
