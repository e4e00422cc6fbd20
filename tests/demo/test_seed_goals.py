"""The demo region's performance goals: a deterministic plan, and an idempotent seed through the real workflow."""

from collections import Counter
from decimal import Decimal

from auditlog.models import LogEntry
from django.db.models import Q

from perfbudget.core.models import TodoItem, WorkflowRecord
from perfbudget.demo import generator
from perfbudget.demo import goals as demo_goals
from perfbudget.goals import services
from perfbudget.goals.choices import IN_REVIEW, GoalKind, GoalStatus
from perfbudget.goals.gate import goals_gate
from perfbudget.goals.models import BudgetCut, Goal, GoalIndicator
from perfbudget.goals.rows import clean_rows
from perfbudget.orgs.choices import Role
from perfbudget.orgs.models import User
from perfbudget.projects.models import ProjectYear

CURRENT = demo_goals.CURRENT_YEAR
SUBMITTED = {GoalStatus.APPROVED, GoalStatus.RETURNED, GoalStatus.SUPERSEDED, *IN_REVIEW}
WEAK_CODES = {"VAGUE_TARGET", "INPUT_AS_GOAL", "MISSING_CATEGORY", "WEIGHT_SUM", "COPIED_FROM_HISTORY",
              "BELOW_HISTORY"}


# ------------------------------------------------------------------------------------------------- the plan

def _plan():
    return demo_goals.plan_goals(generator.build_plan())


def test_goal_plan_is_deterministic():
    assert _plan() == _plan()


def test_goal_plan_covers_most_current_project_years_in_every_state():
    plan = generator.build_plan()
    gplan = demo_goals.plan_goals(plan)
    current = [(p.code, y.year) for p in plan.projects for y in p.years if y.year == CURRENT]
    declared = {(g.project, g.year) for g in gplan.goals if g.year == CURRENT}
    assert 0.8 <= len(declared) / len(current) <= 0.92, "most project-years declare goals, some do not (无目标不预算)"
    states = Counter(g.state for g in gplan.goals if g.year == CURRENT)
    assert set(states) == {GoalStatus.DRAFT, GoalStatus.RETURNED, GoalStatus.APPROVED, *IN_REVIEW}
    assert states.most_common(1)[0][0] == GoalStatus.APPROVED
    history = {(g.project, g.year) for g in gplan.goals if g.year != CURRENT}
    assert len(history) > 400, "the executing year's goals were approved too (for the history checks)"


def test_planned_tables_are_valid_rows_and_sound_ones_follow_the_block_weights():
    plan = generator.build_plan()
    by_code = {p.code: p for p in plan.projects}
    for g in _plan().goals:
        for rows in filter(None, (g.rows, g.first_rows)):
            _cleaned, errors = clean_rows(rows, "10号")
            assert not errors, (g.project, g.year, errors[:1])
        if g.quality != "good":
            continue
        blocks = Counter()
        for r in g.rows:
            blocks[r["level1"]] += Decimal(r["weight"])
            assert Decimal(r["weight"]) <= 20
        assert blocks == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}, (g.project, g.year)
        if by_code[g.project].special_fund:
            assert sum(r["comparator"] != "qual" for r in g.rows) >= 10


def test_plan_mixes_sound_and_weak_tables():
    kinds = Counter(g.quality for g in _plan().goals)
    assert kinds["good"] > sum(kinds.values()) * 0.6
    assert {"vague", "copied", "below", "input", "no_satisfaction", "weights"} <= set(kinds)


# ------------------------------------------------------------------------------------------------- the seed
# One test seeds twice and runs every check (seeding takes half a minute; see test_seed_demo.py).

def _snapshot():
    goal_ct = Q(workflow="goal")
    return {
        "goals": Goal.objects.count(), "rows": GoalIndicator.objects.count(), "cuts": BudgetCut.objects.count(),
        "records": WorkflowRecord.objects.filter(goal_ct).count(), "todos": TodoItem.objects.filter(goal_ct).count(),
        "open": TodoItem.objects.open().filter(goal_ct).count(), "log": LogEntry.objects.count(),
        "users": User.objects.count(),
        "states": sorted(Counter(Goal.objects.values_list("status", flat=True)).items()),
    }


def _demo_goals():
    return Goal.objects.filter(project_year__project__code__in=[p.code for p in generator.build_plan().projects])


def run_checks(first_output):
    """The goal checks, run by tests/demo/test_seed_demo.py after its two seeds (one seeding for all)."""
    assert "绩效目标" in first_output
    _check_states_and_shares()
    _check_quality()
    _check_approved_tables()
    _check_workflow_records_and_todos()
    _check_adjustments_and_addition()
    _check_cuts()
    _check_budget_gate()


def _check_states_and_shares():
    goals = _demo_goals()
    states = Counter(goals.values_list("status", flat=True))
    assert set(states) == set(GoalStatus.values), states
    assert states[GoalStatus.APPROVED] > sum(states.values()) / 2
    assert not goals.filter(status=GoalStatus.APPROVED, approved_at__isnull=True).exists()
    assert not goals.exclude(status__in=[GoalStatus.APPROVED, GoalStatus.SUPERSEDED]).filter(
        approved_at__isnull=False).exists()
    codes = [p.code for p in generator.build_plan().projects]
    current = ProjectYear.objects.filter(year=CURRENT, project__code__in=codes)
    without = current.exclude(goals__isnull=False).count()
    assert 0.08 <= without / current.count() <= 0.2
    # The demo users' units show every stage of the review.
    unit_user = User.objects.get(username="unit_user")
    mine = Goal.objects.visible_to(unit_user).filter(project_year__year=CURRENT)
    assert {GoalStatus.DRAFT, GoalStatus.RETURNED, GoalStatus.APPROVED, *IN_REVIEW} <= set(
        mine.values_list("status", flat=True))


def _check_quality():
    goals = _demo_goals()
    scores = set(goals.values_list("quality_score", flat=True))
    assert len(scores) >= 6 and min(scores) < 60 and max(scores) == 100
    found = Counter(f["code"] for g in goals.filter(quality_score__lt=100) for f in g.quality_report["findings"])
    assert WEAK_CODES <= set(found), found
    weak = goals.filter(quality_score__lt=100, status=GoalStatus.RETURNED).first()
    assert weak.quality_report["findings"] and weak.warning_reasons
    # Stored scores are what the services compute now (bulk-written goals included).
    for goal in goals.select_related("project_year__project__unit"):
        assert float(services.check_goal(goal)["quality_score"]) == float(goal.quality_score), goal
    # Whatever was submitted passed the submission check: no errors, a reason for every warning.
    for goal in goals.filter(status__in=list(SUBMITTED)):
        report = goal.quality_report
        assert report["counts"]["error"] == 0, goal
        assert all(services.reason_for(goal, f) for f in report["findings"] if f["severity"] == "warning"), goal


def _check_approved_tables():
    for goal in _demo_goals().filter(status=GoalStatus.APPROVED).prefetch_related("rows"):
        rows = services.goal_rows(goal)
        assert not clean_rows(rows, services.layout_for(goal.project_year))[1], goal
        assert sum(r["weight"] or 0 for r in rows) == 90, goal


def _check_workflow_records_and_todos():
    goals = _demo_goals()
    records = WorkflowRecord.objects.filter(workflow="goal", object_id__in=goals.values("pk"))
    by_goal = {}
    for object_id, action in records.order_by("at", "id").values_list("object_id", "action"):
        by_goal.setdefault(object_id, []).append(action)
    for pk, status in goals.values_list("pk", "status"):
        actions = by_goal.get(pk, [])
        if status in SUBMITTED:
            assert actions and actions[0] == "submit", (pk, status, actions)
        if status in (GoalStatus.APPROVED, GoalStatus.SUPERSEDED):
            assert actions[-1] == "office_approve", (pk, actions)
    users = set(records.values_list("user__username", flat=True))
    assert {"unit_user", "dept_user", "city_funding", "city_perf", "county_perf", "county_unit"} <= users
    office = records.filter(action="office_approve")
    assert set(office.values_list("role", flat=True)) == {Role.PERFORMANCE_OFFICE}
    returns = records.filter(action__endswith="_return")
    assert returns.exists() and not returns.filter(comment="").exists()
    assert returns.filter(remarks__has_key="indicators").exists(), "returns carry per-indicator comments"
    assert records.filter(remarks__has_key="criteria").exists(), "reviews score the four criteria"
    # One open to-do per goal waiting for someone, in the goal's state; none for the others.
    todos = TodoItem.objects.open().filter(workflow="goal", object_id__in=goals.values("pk"))
    states = dict(goals.values_list("pk", "status"))
    assert Counter(todos.values_list("object_id", flat=True)).most_common(1)[0][1] == 1
    assert all(states[pk] == state for pk, state in todos.values_list("object_id", "state"))
    waiting = goals.filter(status__in=[GoalStatus.RETURNED, *IN_REVIEW])
    assert todos.count() == waiting.count()
    for username, state in (("unit_user", GoalStatus.RETURNED), ("dept_user", GoalStatus.DEPT_REVIEW),
                            ("city_funding", GoalStatus.SECTION_REVIEW), ("city_perf", GoalStatus.OFFICE_REVIEW),
                            ("county_perf", GoalStatus.OFFICE_REVIEW)):
        assert todos.for_user(User.objects.get(username=username)).filter(state=state).exists(), username


def _check_adjustments_and_addition():
    goals = _demo_goals()
    adjusted = goals.filter(kind=GoalKind.ADJUSTMENT, status=GoalStatus.APPROVED)
    assert adjusted.count() >= 2
    for goal in adjusted:
        assert goal.version == 2 and goal.previous.status == GoalStatus.SUPERSEDED and goal.change_reason
    assert goals.filter(kind=GoalKind.ADJUSTMENT, status__in=list(IN_REVIEW)).exists()
    addition = goals.get(kind=GoalKind.ADDITION)
    assert addition.addition_amount > 0 and addition.change_reason


def _check_cuts():
    cuts = BudgetCut.objects.filter(project_year__project__code__in=[p.code for p in generator.build_plan().projects])
    assert 2 <= cuts.count() <= 3
    for cut in cuts.select_related("goal", "recorded_by"):
        assert cut.amount > 0 and cut.amount <= cut.project_year.budget and cut.reason
        assert cut.recorded_by.has_role(Role.PERFORMANCE_OFFICE)
        assert cut.goal.status == GoalStatus.RETURNED
        last = WorkflowRecord.objects.filter(workflow="goal", object_id=cut.goal_id).order_by("at", "id").last()
        assert last.action == "office_return"


def _check_budget_gate():
    current = ProjectYear.objects.filter(year=CURRENT, status="accepted",
                                         project__code__in=[p.code for p in generator.build_plan().projects])
    without = current.exclude(goals__status=GoalStatus.APPROVED).first()
    with_goal = current.filter(goals__status=GoalStatus.APPROVED).first()
    assert goals_gate(without) and goals_gate(with_goal) is None
