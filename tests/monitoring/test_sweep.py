"""The set-based warning sweep (monitoring.sweep): the same findings as `evaluate` on the same facts, replaced on
rerun, form levels and forecasts written, a query count that does not grow with the projects."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from perfbudget.core.models import Job
from perfbudget.monitoring import sweep as sweeping
from perfbudget.monitoring.forecast import BASIS_LINEAR, BASIS_OWN, BASIS_PATTERN
from perfbudget.monitoring.models import (
    MONTH_FIELDS,
    ExecutionYear,
    FormForecastMethod,
    FormIndicator,
    MonitoringForm,
    MonitoringRound,
    MonitoringWarning,
    WarningSweep,
)
from perfbudget.monitoring.warnings import evaluate
from perfbudget.rulesets.services import resolve, revise
from tests.factories import function_class, project_year
from tests.monitoring.helpers import pay

AS_OF = datetime.date(2025, 8, 25)
DUE = datetime.date(2025, 8, 20)
MIN = 2  # similar projects needed for a pattern in these small worlds


def make_round(region, through_month=7, code="m07"):
    return MonitoringRound.objects.create(region=region, year=2025, code=code, name="1-7月集中监控",
                                          through_month=through_month, opens_on=datetime.date(2025, 8, 1),
                                          due_on=DUE, status="open")


def make_form(rnd, py, submitted=None, indicators=()):
    at = timezone.make_aware(datetime.datetime.combine(submitted, datetime.time(10))) if submitted else None
    form = MonitoringForm.objects.create(round=rnd, project_year=py, initial_budget=py.initial_budget,
                                         full_budget=py.budget, due_on=DUE, submitted_at=at,
                                         status="dept_review" if submitted else "draft")
    for i, (name, target, forecast, likelihood) in enumerate(indicators):
        FormIndicator.objects.create(form=form, position=i, level1="产出指标", level2="数量指标", name=name,
                                     target=target, forecast=forecast, likelihood=likelihood)
    return form


@pytest.fixture(autouse=True)
def _no_cached_patterns():
    """Similar-project patterns are cached between requests; every test starts without."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def setup(world):
    """A county round through July: three projects (a laggard, a late form, a clean one) and two similar projects
    of 2024 paying evenly (the pattern: 7/12 by July)."""
    school = world.orgs["county"]["school"]
    for _ in range(2):
        pay(project_year(school, year=2024, amount="120000"), [10000] * 12)
    p = world.projects["county"]
    laggard, late, clean = p["school"], p["school2"], p["farm"]  # budgets 1.2m, 1.2m, 6m
    pay(laggard, [50000] * 7 + [90000])  # August paid too: after the cut-off, ignored
    pay(late, [100000] * 7)
    pay(clean, [500000] * 7)
    rnd = make_round(world.county)
    forms = {
        "laggard": make_form(rnd, laggard, indicators=[("受益学生人数", "≥1800人", "1800人", "certain")]),
        "late": make_form(rnd, late, submitted=datetime.date(2025, 8, 22), indicators=[
            ("培训人次", "≥500人次", "450人次", "possible"),
            ("完成时间", "2025年10月底前", "2025年10月底前", "certain")]),
        "clean": make_form(rnd, clean, submitted=datetime.date(2025, 8, 18), indicators=[
            ("灌溉面积", "≥3000亩", "3200亩", "certain"), ("满意度", "≥90%", "", "")]),
    }
    return rnd, forms


def stored(rnd, py):
    return sorted((w.code, w.level, w.message, w.figures, w.indicator)
                  for w in MonitoringWarning.objects.filter(round=rnd, project_year=py))


def expected(rnd, py):
    facts = sweeping.facts_for_project(py, rnd.through_month, round=rnd, as_of=AS_OF, min_pattern_projects=MIN)
    rules = sweeping.rule_values(resolve(rnd.region, rnd.year))
    return sorted((f.code, f.level, f.message, f.figures, f.indicator) for f in evaluate(facts, rules))


def test_sweep_stores_what_evaluate_finds(setup):
    rnd, forms = setup
    sweep = sweeping.run_sweep(rnd, as_of=AS_OF, min_pattern_projects=MIN)
    for form in forms.values():
        assert stored(rnd, form.project_year) == expected(rnd, form.project_year)
    assert MonitoringWarning.objects.filter(round=rnd).exclude(sweep=sweep).count() == 0
    assert (sweep.projects, sweep.red, sweep.yellow) == (3, 1, 1)
    assert sweep.ruleset == "全国默认" and sweep.as_of == AS_OF and sweep.seconds >= 0


def test_sweep_known_answers(setup, django_assert_max_num_queries):
    rnd, forms = setup
    sweeping.run_sweep(rnd, as_of=AS_OF, min_pattern_projects=MIN)
    laggard = forms["laggard"].project_year
    assert [(c, lv, m) for c, lv, m, *_ in stored(rnd, laggard)] == [
        ("BEHIND_TIME", "red", "截至7月底预算执行率 29.2%，序时进度 58.3%，落后 29.2个百分点（预警幅度 20个百分点）"),
        ("CHECKPOINT", "yellow", "按当前进度预计10月底执行率 41.7%，低于节点目标 60%"),
        ("CHECKPOINT", "yellow", "按当前进度预计年底执行率 50%，低于节点目标 85%"),
        ("FORM_MISSING", "red", "监控表填报截止日期为2025年8月20日，截至2025年8月25日仍未提交，已逾期 5天"),
    ]
    assert [(c, lv, m) for c, lv, m, *_ in stored(rnd, forms["late"].project_year)] == [
        ("FORM_LATE", "yellow", "监控表于2025年8月22日提交，晚于填报截止日期2025年8月20日 2天"),
        ("INDICATOR_FORECAST", "yellow", "指标“培训人次”预计完成 450人次，未达到目标 ≥500人次（完成可能性：有可能）"),
    ]
    assert stored(rnd, forms["clean"].project_year) == []
    levels = dict(MonitoringForm.objects.filter(round=rnd).values_list("pk", "level"))
    assert levels == {forms["laggard"].pk: "red", forms["late"].pk: "yellow", forms["clean"].pk: "green"}
    form = MonitoringForm.objects.get(pk=forms["laggard"].pk)
    assert form.system_forecast == D("600000.00")
    assert form.forecast_method == "按同类项目（2024年，功能分类2050201，2个）1-7月平均完成全年支出的 58.3%推算"
    assert MonitoringForm.objects.get(pk=forms["late"].pk).system_forecast == D("1200000.00")
    # the form page's forecast is the sweep's, and cheap: the similar-project patterns come from the cache
    with django_assert_max_num_queries(5):
        fc = sweeping.forecast_for(laggard, 7, round=rnd, min_pattern_projects=MIN)
    assert (fc.amount, fc.method, fc.basis) == (form.system_forecast, form.forecast_method, BASIS_PATTERN)


def test_rerun_replaces_the_rounds_warnings(setup):
    rnd, forms = setup
    first = sweeping.run_sweep(rnd, as_of=AS_OF, min_pattern_projects=MIN)
    n = MonitoringWarning.objects.filter(round=rnd).count()
    ExecutionYear.objects.filter(project_year=forms["laggard"].project_year).update(
        **{f: D(100000) for f in MONTH_FIELDS})
    FormForecastMethod.objects.filter(form=forms["clean"]).update(text="旧的预测方法")  # the sweep writes it anew
    second = sweeping.run_sweep(rnd, as_of=AS_OF, min_pattern_projects=MIN)
    clean = MonitoringForm.objects.get(pk=forms["clean"].pk)
    fc = sweeping.forecast_for(clean.project_year, 7, round=rnd, min_pattern_projects=MIN)
    assert clean.forecast_method == fc.method and clean.system_forecast == fc.amount
    assert FormForecastMethod.objects.filter(form__round=rnd).count() == 3  # one a form
    assert WarningSweep.objects.filter(round=rnd).count() == 2
    assert not MonitoringWarning.objects.filter(sweep=first).exists()
    assert MonitoringWarning.objects.filter(round=rnd).count() == n - 3  # the laggard's execution warnings went
    assert second.red == 1  # still FORM_MISSING
    assert stored(rnd, forms["laggard"].project_year) == expected(rnd, forms["laggard"].project_year)


def test_other_rounds_are_left_alone(setup, world):
    rnd, forms = setup
    other = make_round(world.county, through_month=10, code="m10")
    make_form(other, forms["laggard"].project_year)
    sweeping.run_sweep(other, as_of=AS_OF, min_pattern_projects=MIN)
    kept = MonitoringWarning.objects.filter(round=other).count()
    sweeping.run_sweep(rnd, as_of=AS_OF, min_pattern_projects=MIN)
    assert MonitoringWarning.objects.filter(round=other).count() == kept > 0
    other_form = MonitoringForm.objects.get(round=other)
    assert other_form.level == "red"
    # October is past in that round: the actual rate at October, not a forecast
    messages = [m for _c, _l, m, *_ in stored(other, forms["laggard"].project_year)]
    assert "截至10月底预算执行率 36.7%，低于节点目标 60%" in messages  # August's 90,000 counts now


def test_rule_set_override_is_honoured(setup, world):
    rnd, forms = setup
    revise(world.county, 2025, {"monitoring.checkpoints": {"10": 0.4, "12": 0.45},
                                "monitoring.behind_time_red_margin": 0.5}, world.users["county"]["perf"])
    sweep = sweeping.run_sweep(rnd, as_of=AS_OF, min_pattern_projects=MIN)
    assert sweep.ruleset == "全国默认 + 640323/2025/v1"
    messages = [(c, lv, m) for c, lv, m, *_ in stored(rnd, forms["laggard"].project_year)]
    assert messages == [
        ("BEHIND_TIME", "yellow",
         "截至7月底预算执行率 29.2%，序时进度 58.3%，落后 29.2个百分点（预警幅度 10个百分点）"),
        ("FORM_MISSING", "red", "监控表填报截止日期为2025年8月20日，截至2025年8月25日仍未提交，已逾期 5天"),
    ]


def test_forecast_falls_back_to_own_years_then_time_progress(setup, world):
    rnd, forms = setup
    laggard = forms["laggard"].project_year
    fc = sweeping.forecast_for(laggard, 7, round=rnd, min_pattern_projects=50)
    assert fc.basis == BASIS_LINEAR and fc.amount == D("600000.00")
    last_year = project_year(world.orgs["county"]["school"], year=2024, code=laggard.project.code, amount="100")
    pay(last_year, [0] * 6 + [10] * 6)  # half the year paid by July
    fc = sweeping.forecast_for(laggard, 7, round=rnd, min_pattern_projects=50)
    assert (fc.basis, fc.amount, fc.capped) == (BASIS_OWN, D("1200000.00"), True)  # 350,000 / (1/6), capped
    assert fc.method == ("按本项目以往年度（2024年）1-7月平均完成全年支出的 16.7%推算；"
                         "推算数超过全年预算，按预算数封顶（执行率100%）")


def test_pattern_widens_to_broader_groups(setup, world):
    rnd, forms = setup
    other_code = function_class("2130101", "农业农村")
    py = project_year(world.orgs["county"]["farm"], amount="120000", function_class=other_code)
    pay(py, [5000] * 7)
    make_form(rnd, py)
    fc = sweeping.forecast_for(py, 7, round=rnd, min_pattern_projects=MIN)
    assert fc.method == "按同类项目（2024年，不限功能分类，2个）1-7月平均完成全年支出的 58.3%推算"
    # another class: only the whole earlier year is similar enough
    py.project.project_class = "operating"
    py.project.save()
    fc = sweeping.forecast_for(py, 7, round=rnd, min_pattern_projects=MIN)
    assert fc.method == "按同类项目（2024年，全部项目，2个）1-7月平均完成全年支出的 58.3%推算"


def test_query_count_does_not_grow_with_projects(setup, world, django_assert_max_num_queries):
    rnd, forms = setup
    with CaptureQueriesContext(connection) as small:
        sweeping.run_sweep(rnd, as_of=AS_OF, min_pattern_projects=MIN)
    school = world.orgs["county"]["school2"]
    for i in range(40):
        py = project_year(school, amount="100000")
        pay(py, [1000 * (i % 9)] * 7)
        make_form(rnd, py, submitted=datetime.date(2025, 8, 10 + i % 20),
                  indicators=[("培训人次", "≥500人次", f"{400 + i * 5}人次", "possible")] * 3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        sweep = sweeping.run_sweep(rnd, as_of=AS_OF, min_pattern_projects=MIN)
    assert sweep.projects == 43
    assert len(small.captured_queries) <= 24  # PostgreSQL adds its SET LOCALs and an ANALYZE
    assert MonitoringForm.objects.filter(round=rnd, level="").count() == 0


def test_sweep_job(setup, world):
    rnd, forms = setup
    user = world.users["county"]["perf"]
    job = sweeping.start_sweep_job(rnd, user, as_of=AS_OF)
    assert job.params == {"handler": "perfbudget.monitoring.sweep.run_sweep_job", "round": rnd.pk,
                          "as_of": "2025-08-25"}
    Job.objects.filter(pk=job.pk).update(params={**job.params, "min": MIN})
    job.refresh_from_db()
    sweeping.run_sweep_job(job)
    job.refresh_from_db()
    sweep = WarningSweep.objects.get(round=rnd)
    assert job.done == job.total == 1
    assert job.result["sweep"] == sweep.pk and job.result["projects"] == 3
    assert sweep.created_by == user and sweep.as_of == AS_OF


def test_empty_round(world):
    rnd = make_round(world.sibling)
    sweep = sweeping.run_sweep(rnd)
    assert (sweep.projects, sweep.red, sweep.yellow) == (0, 0, 0)


def test_low_execution_candidates(world):
    p = world.projects["county"]
    school = world.orgs["county"]["school"]
    rows = {}
    for key, rate_2024, paid_2025 in (("school", "0.6", 350000), ("school2", "0.8", 100000), ("farm", None, 10)):
        py = p[key]
        pay(py, [paid_2025])
        if rate_2024:
            prev = project_year(school, year=2024, code=py.project.code, amount="1000000")
            pay(prev, [D(rate_2024) * 1000000])
        rows[key] = py
    ProjectYearModel = type(rows["school"])
    ProjectYearModel.objects.filter(pk=rows["school"].pk).update(adjusted_budget=D("1000000"))
    rules = resolve(world.county, 2025)
    found = sweeping.low_execution_candidates(world.city, 2025, rules)
    assert [r["code"] for r in found] == [rows["school"].project.code]
    row = found[0]
    assert row["rates"] == {2024: D("0.6000"), 2025: D("0.3500")}
    assert row["budgets"] == {2024: D("1000000.00"), 2025: D("1000000.00")}
    assert row["unit"] == rows["school"].project.unit.name and row["department"]
    # three years running: no 2023 year, nobody
    assert sweeping.low_execution_candidates(world.city, 2025, {**rules.values,
                                                               "monitoring.low_execution_years": 3}) == []
    # a higher line: school2 too (2025: 100,000 of 1.2m)
    found = sweeping.low_execution_candidates(world.city, 2025, {**rules.values, "monitoring.low_execution_rate": 0.9})
    assert [r["code"] for r in found] == sorted([rows["school"].project.code, rows["school2"].project.code])
    # outside the region: nothing
    assert sweeping.low_execution_candidates(world.sibling, 2025, rules) == []


@pytest.mark.django_db(transaction=True)  # the sweep opens the outermost transaction: it may read on two connections
def test_sweep_reads_side_by_side_as_in_order(setup, monkeypatch):
    from perfbudget.monitoring import sweep_side

    rnd, forms = setup
    started = []
    start = sweep_side.SideReads.start
    monkeypatch.setattr(sweep_side.SideReads, "start", lambda self: (started.append(self), start(self))[-1])
    sweep = sweeping.run_sweep(rnd, as_of=AS_OF, min_pattern_projects=MIN)
    assert len(started) == (connection.vendor == "postgresql")
    for form in forms.values():
        assert stored(rnd, form.project_year) == expected(rnd, form.project_year)
    assert (sweep.projects, sweep.red, sweep.yellow) == (3, 1, 1)
    form = MonitoringForm.objects.get(pk=forms["laggard"].pk)
    assert form.forecast_method == "按同类项目（2024年，功能分类2050201，2个）1-7月平均完成全年支出的 58.3%推算"
