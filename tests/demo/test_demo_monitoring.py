"""The demo region's execution data and monitoring: a deterministic execution plan, and an idempotent seed through
the monitoring services (rounds, forms, sweeps, actions, negative list)."""

from collections import Counter, defaultdict
from decimal import Decimal

from auditlog.models import LogEntry
from django.db.models import Max, Sum
from django.utils import timezone

from perfbudget.core.models import TodoItem, WorkflowRecord
from perfbudget.demo import generator
from perfbudget.demo import monitoring as demo_monitoring
from perfbudget.demo import tables as T
from perfbudget.demo.execution import EARLIER_YEAR, MONITORED_YEAR, plan_execution
from perfbudget.monitoring import services_forms
from perfbudget.monitoring.models import (
    MONTH_FIELDS,
    ExecutionBatch,
    ExecutionYear,
    FormIndicator,
    MonitoringAction,
    MonitoringForm,
    MonitoringRound,
    MonitoringWarning,
    NegativeListEntry,
    WarningSweep,
    paid_through,
)
from perfbudget.monitoring.sweep import low_execution_candidates
from perfbudget.orgs.models import Region, User
from perfbudget.projects.models import ProjectYear
from perfbudget.rulesets.services import resolve

REGIONS = [T.CITY[0], *(c for c, _n, _s in T.COUNTIES)]
LOW = Decimal("0.7")

# ------------------------------------------------------------------------------------------------- the plan


def test_execution_plan_is_deterministic_exact_and_within_budget():
    plan = generator.build_plan()
    xplan = plan_execution(plan)
    assert xplan == plan_execution(plan)
    assert plan_execution(generator.build_plan(1), 1) != xplan
    for ye in xplan.years:
        assert len(ye.monthly) == 12 and all(isinstance(m, Decimal) and m >= 0 for m in ye.monthly)
        assert all(m == m.quantize(Decimal("0.01")) for m in ye.monthly)
        assert 0 < ye.total <= ye.budget, ye


def test_execution_plan_has_seasonality_and_a_mix_of_progress():
    plan = generator.build_plan()
    classes = {pp.code: pp.project_class for pp in plan.projects}
    years = [ye for ye in plan_execution(plan).years if ye.year == MONITORED_YEAR]
    executing = {pp.code for pp in plan.projects for yp in pp.years
                 if yp.year == MONITORED_YEAR and yp.status in ("accepted", "budgeted")}
    assert {ye.project for ye in years} == executing
    by_month = [sum(ye.monthly[m] / ye.budget for ye in years) / len(years) for m in range(12)]
    assert by_month[11] > Decimal("1.5") * by_month[1], "a December rush after a slow February"

    def share_by_july(pclass):
        group = [ye for ye in years if classes[ye.project] == pclass]
        return sum(sum(ye.monthly[:7]) / ye.total for ye in group) / len(group)

    assert share_by_july("personnel") > Decimal("0.5") > share_by_july("specific"), "specific ones back-loaded"
    rates = [ye.rate for ye in years]
    assert sum(r < LOW for r in rates) >= len(rates) / 10, "some far behind"
    assert sum(r >= Decimal("0.9") for r in rates) >= len(rates) / 3, "many on track"


def test_earlier_year_covers_a_share_of_continuing_projects_some_low_twice():
    plan = generator.build_plan()
    by_code = {pp.code: pp for pp in plan.projects}
    xplan = plan_execution(plan)
    continuing = {pp.code for pp in plan.projects if pp.start_year <= EARLIER_YEAR
                  and any(yp.year == MONITORED_YEAR and yp.status == "accepted" for yp in pp.years)}
    earlier = {ey.project for ey in xplan.earlier}
    assert earlier < continuing and len(earlier) > len(continuing) / 2
    assert all(ey.is_new == (by_code[ey.project].start_year == EARLIER_YEAR) for ey in xplan.earlier)
    rates = {(ye.project, ye.year): ye.rate for ye in xplan.years}
    low_twice = [c for c in earlier if rates[(c, EARLIER_YEAR)] < LOW and rates[(c, MONITORED_YEAR)] < LOW]
    assert len(low_twice) >= 5


# ------------------------------------------------------------------------------------------------- the seed
# One test seeds twice and runs every check (see test_seed_demo.py for why not a module-scoped fixture).


def _snapshot():
    snap = {m.__name__: m.objects.count() for m in (
        ExecutionYear, ExecutionBatch, ProjectYear, MonitoringRound, MonitoringForm, FormIndicator,
        MonitoringWarning, WarningSweep, MonitoringAction, NegativeListEntry, WorkflowRecord, TodoItem, LogEntry)}
    snap["open_todos"] = TodoItem.objects.open().count()
    snap["rounds"] = sorted(Counter(MonitoringRound.objects.values_list("code", "status")).items())
    snap["forms"] = sorted(Counter(MonitoringForm.objects.values_list("round__code", "status", "level")).items())
    snap["paid"] = ExecutionYear.objects.aggregate(**{f: Sum(f) for f in MONTH_FIELDS})
    for m in (MonitoringRound, MonitoringForm, MonitoringAction, ProjectYear):
        snap[f"{m.__name__}.updated_at"] = m.objects.aggregate(v=Max("updated_at"))["v"]
    return snap


def _rounds(code):
    return MonitoringRound.objects.filter(region__code__in=REGIONS, year=MONITORED_YEAR, code=code)


def run_checks(first_output):
    """The monitoring checks, run by tests/demo/test_seed_demo.py after its two seeds (one seeding for all)."""
    assert "运行监控" in first_output and "处置" in first_output
    _check_execution()
    _check_history_round()
    _check_current_round()
    _check_submitted_forms_passed_the_checks()
    _check_actions()
    _check_negative_list()
    _check_low_execution_two_years()


def _check_execution():
    codes = [p.code for p in generator.build_plan().projects]
    pys = ProjectYear.objects.filter(project__code__in=codes)
    executing = pys.filter(year=MONITORED_YEAR, status__in=["accepted", "budgeted"])
    paid = ExecutionYear.objects.filter(project_year__in=executing)
    assert set(paid.values_list("project_year_id", flat=True)) == set(executing.values_list("pk", flat=True))
    months = paid.aggregate(**{f: Sum(f) for f in MONTH_FIELDS})
    assert all(months.values())
    assert months["m12"] > months["m02"] * Decimal("1.5"), "December pays more than February"
    totals = dict(ExecutionYear.objects.filter(project_year__project__code__in=codes)
                  .values_list("project_year_id", paid_through()))
    for py in pys.filter(pk__in=totals):
        assert Decimal(str(totals[py.pk])).quantize(Decimal("0.01")) <= py.budget, py
    earlier = pys.filter(year=EARLIER_YEAR)
    assert earlier.count() > 100 and set(earlier.values_list("status", flat=True)) == {"accepted"}
    assert ExecutionYear.objects.filter(project_year__in=earlier).count() == earlier.count()
    assert not earlier.exclude(abc_class__in=["A", "B", "C"]).exists()
    assert WorkflowRecord.objects.filter(workflow="project_library", object_id__in=earlier.values("pk")).exists()
    assert ExecutionBatch.objects.filter(region__code__in=REGIONS).count() == 2 * len(REGIONS)


def _check_history_round():
    rounds = _rounds("m07")
    assert rounds.count() == len(REGIONS)
    assert set(rounds.values_list("status", flat=True)) == {"closed"}
    assert {r.closed_at.year for r in rounds} == {MONITORED_YEAR}
    forms = MonitoringForm.objects.filter(round__in=rounds)
    states = Counter(forms.values_list("status", flat=True))
    assert states["approved"] > forms.count() * 0.8 and states["returned"] > 0 and states["draft"] > 0
    assert not forms.filter(status="approved", approved_at__isnull=True).exists()
    late = [f for f in forms.exclude(submitted_at__isnull=True) if f.is_late]
    assert 0 < len(late) < forms.count() / 5
    warnings = MonitoringWarning.objects.filter(round__in=rounds)
    codes = set(warnings.values_list("code", flat=True))
    assert {"BEHIND_TIME", "CHECKPOINT", "INDICATOR_FORECAST", "FORM_LATE", "FORM_MISSING"} <= codes
    levels = Counter(forms.values_list("level", flat=True))
    assert levels["red"] and levels["yellow"] and levels["green"]
    assert "2024年" in forms.filter(forecast_note__isnull=False).first().forecast_method, \
        "forecast from similar projects"
    records = WorkflowRecord.objects.filter(workflow="monitoring_form", object_id__in=forms.values("pk"))
    assert {r.at.year for r in records} == {MONITORED_YEAR}
    assert {"submit", "dept_approve", "section_approve", "office_approve"} <= set(
        records.values_list("action", flat=True))
    assert records.filter(action__endswith="_return").exclude(comment="").exists()
    assert not TodoItem.objects.open().filter(workflow="monitoring_form", object_id__in=forms.values("pk")).exists()
    assert not TodoItem.objects.open().filter(workflow="monitoring_round", object_id__in=rounds.values("pk")).exists()


def _check_current_round():
    rounds = _rounds("m10")
    assert rounds.count() == len(REGIONS)
    today = timezone.localdate()
    for rnd in rounds:
        assert rnd.status == "open" and rnd.opens_on <= today < rnd.due_on
    forms = MonitoringForm.objects.filter(round__in=rounds)
    assert forms.count() >= 20
    states = set(forms.values_list("status", flat=True))
    assert {"draft", "dept_review", "section_review", "office_review", "approved", "returned"} <= states
    levels = Counter(MonitoringWarning.objects.filter(round__in=rounds).values_list("level", flat=True))
    assert levels["red"] and levels["yellow"]
    assert forms.filter(level="green").exists()
    assert not MonitoringWarning.objects.filter(round__in=rounds, code="FORM_MISSING").exists(), "not yet due"
    # The demo accounts' department went through the services: change log and to-dos for its reviewers.
    filled = LogEntry.objects.filter(content_type__model="formindicator", object_pk__in=[
        str(pk) for pk in FormIndicator.objects.filter(form__in=forms).values_list("pk", flat=True)])
    assert filled.filter(actor__username__in=["city_unit", "county_unit"]).exists()
    for username, state in (("dept_user", "dept_review"), ("city_funding", "section_review")):
        user = User.objects.get(username=username)
        assert TodoItem.objects.open().for_user(user).filter(workflow="monitoring_form", state=state).exists(), \
            username
    assert TodoItem.objects.open().filter(workflow="monitoring_round", object_id__in=rounds.values("pk")).exists()


def _check_submitted_forms_passed_the_checks():
    forms = (MonitoringForm.objects.filter(round__in=[*_rounds("m07"), *_rounds("m10")])
             .exclude(status__in=["draft"]).select_related("round", "project_year__project__region"))
    for form in forms:
        problems = [p for p in services_forms.submission_problems(form) if "本轮监控已结束" not in p]
        assert not problems, (form.pk, problems)
        assert form.forecast_amount is not None and form.executed <= form.forecast_amount <= 2 * form.full_budget


def _check_actions():
    actions = MonitoringAction.objects.filter(round__region__code__in=REGIONS).select_related("project_year")
    kinds = Counter(actions.values_list("kind", flat=True))
    assert kinds["reduce"] == 2 and kinds["suspend"] == 1 and kinds["adjust"] == 1 and kinds["urge"] >= 3
    red = set(MonitoringWarning.objects.filter(level="red").values_list("project_year_id", flat=True))
    for action in actions:
        assert action.reason and action.project_year_id in red and action.warning_codes
    for action in actions.filter(kind__in=["reduce", "suspend"]):
        assert action.amount > 0
    for action in actions.filter(kind="reduce"):
        assert action.budget_after == action.budget_before - action.amount == action.project_year.budget
    adjust = actions.get(kind="adjust")
    assert adjust.amount > 0 and adjust.budget_after < adjust.budget_before and adjust.closed_at is None
    urges = actions.filter(kind="urge")
    answered = urges.exclude(response="")
    assert answered.count() == 1 and answered.get().closed_at is not None
    unit_user = User.objects.get(username="unit_user")
    assert TodoItem.objects.open().for_user(unit_user).filter(workflow="monitoring_action").exists()
    total = actions.filter(kind="reduce").aggregate(s=Sum("amount"))["s"]
    assert total > 0


def _check_negative_list():
    entries = NegativeListEntry.objects.filter(unit__region__code__in=REGIONS)
    assert Counter(entries.values_list("subject", flat=True)) == {"project": 1, "unit": 1}
    for entry in entries:
        assert entry.reason and entry.expires_on and entry.expires_on > entry.listed_on and entry.is_active
    project_entry = entries.get(subject="project")
    assert project_entry.action is not None and project_entry.action.kind == "reduce"


def _check_low_execution_two_years():
    city = Region.objects.get(code=T.CITY[0])
    candidates = low_execution_candidates(city, MONITORED_YEAR, resolve(city, MONITORED_YEAR))
    assert len(candidates) >= 5
    for row in candidates:
        assert row["years"] == [EARLIER_YEAR, MONITORED_YEAR]
        assert all(rate < LOW for rate in row["rates"].values())
    counts = demo_monitoring.monitoring_counts()
    assert counts["low_two_years"] == len(candidates)
    by_round = defaultdict(int)
    for name, states in counts["forms"].items():
        by_round[name] = sum(states.values())
    assert by_round["1-7月集中监控"] > by_round["10月节点监控"] > 0
