"""The demo region's evaluation stage: a deterministic plan of self-evaluations, and an idempotent seed through the
evaluation, spot-check, pool and key-evaluation services."""

import datetime
from collections import Counter
from decimal import Decimal

from auditlog.models import LogEntry
from django.db.models import Max
from django.utils import timezone

from perfbudget.core.models import TodoItem, WorkflowRecord
from perfbudget.demo import evaluation as demo_evaluation
from perfbudget.demo import evaluation_tables as E
from perfbudget.demo import generator
from perfbudget.demo import tables as T
from perfbudget.demo.execution import MONITORED_YEAR
from perfbudget.demo.pools import credit_code
from perfbudget.evaluation import services_spot
from perfbudget.evaluation.models import SelfEvaluation, SelfEvaluationProblem, SelfEvaluationRow
from perfbudget.evaluation.models_spot import SpotCheck, SpotCheckItem
from perfbudget.goals.models import Goal
from perfbudget.keyevals.models import Evaluator, KeyEvaluation, KeyFinding, Recommendation
from perfbudget.orgs.models import Region, User
from perfbudget.pools import services as pool_services
from perfbudget.pools.creditcode import problem as credit_problem
from perfbudget.pools.models import Agency, ConflictDeclaration, Draw, Expert, Rating, ViolationRecord
from perfbudget.rulesets.services import resolve

FINAL = {"draft": "draft", "dept_review": "dept_review", "bureau_review": "bureau_review",
         "bureau_review_fixed": "bureau_review", "returned": "returned", "returned_dept": "returned",
         "accepted": "accepted", "accepted_after_fix": "accepted"}
DEMO_UNITS = {"unit_user": T.UNIT_USER_ORG, "city_unit": "640300-WJW-01", "county_unit": "640323-NYJ-01"}

# ------------------------------------------------------------------------------------------------- the plan


def test_plan_is_deterministic_and_depends_on_the_seed():
    plan = generator.build_plan()
    items = demo_evaluation.plan_selfevals(plan)
    assert items == demo_evaluation.plan_selfevals(plan)
    assert demo_evaluation.plan_selfevals(generator.build_plan(1), 1) != items


def test_plan_covers_the_executing_projects_with_a_mix_of_states_and_errors():
    plan = generator.build_plan()
    items = demo_evaluation.plan_selfevals(plan)
    executing = {pp.code for pp in plan.projects for yp in pp.years
                 if yp.year == MONITORED_YEAR and yp.status in ("accepted", "budgeted")}
    assert {i.project for i in items} == executing
    states = Counter(i.state for i in items)
    assert set(states) == set(demo_evaluation.PATHS)
    assert states["accepted"] > len(items) / 3
    errors = Counter(i.error for i in items if i.error)
    assert set(errors) == set(E.ERROR_KINDS)
    assert 0.2 < sum(errors.values()) / len(items) < 0.4, "about 30% of the claims carry an error"


def test_demo_units_hold_every_state_through_the_services():
    items = demo_evaluation.plan_selfevals(generator.build_plan())
    for unit in DEMO_UNITS.values():
        mine = [i for i in items if i.unit == unit]
        assert all(i.engine for i in mine)
        assert {FINAL[i.state] for i in mine} == {"draft", "dept_review", "bureau_review", "returned", "accepted"}
    assert not any(i.engine for i in items if i.unit not in DEMO_UNITS.values())


def test_pool_credit_codes_are_valid_and_unique():
    codes = [credit_code(owner, serial) for _o, _n, owner, serial, *_rest in E.AGENCIES]
    assert len(set(codes)) == len(codes) == len(E.AGENCIES)
    assert all(credit_problem(c) is None for c in codes)


def test_finished_key_evaluation_adds_up_to_the_planned_total():
    assert sum(Decimal(d) for d in E.FINISHED_DEDUCTIONS.values()) == 100 - Decimal(E.FINISHED_TOTAL)
    assert sum(Decimal(s) for s in E.SPREAD) == 0


# ------------------------------------------------------------------------------------------------- the seed
# One test seeds twice and runs every check (as tests/demo/test_seed_demo.py does, and for the same reason).


def _snapshot():
    models = (SelfEvaluation, SelfEvaluationRow, SelfEvaluationProblem, SpotCheck, SpotCheckItem, Agency, Expert,
              Rating, ViolationRecord, ConflictDeclaration, Draw, KeyEvaluation, Evaluator, KeyFinding,
              Recommendation, WorkflowRecord, TodoItem, LogEntry)
    snap = {m.__name__: m.objects.count() for m in models}
    snap["open_todos"] = TodoItem.objects.open().count()
    snap["states"] = sorted(Counter(SelfEvaluation.objects.values_list("status", "grade")).items())
    for m in (SelfEvaluation, SpotCheckItem, KeyEvaluation, Agency, Expert):
        snap[f"{m.__name__}.updated_at"] = m.objects.aggregate(v=Max("updated_at"))["v"]
    return snap


def run_checks(first_output):
    """Every check of the evaluation stage on a seeded demo (callable from tests/demo/test_seed_demo.py)."""
    assert "单位自评" in first_output and "重点评价" in first_output and "抽评" in first_output
    _check_selfevals_as_planned()
    _check_typical_errors_are_findings()
    _check_reviews_and_problems()
    _check_demo_users_see_their_examples()
    _check_spot_check()
    _check_pool()
    _check_key_evaluations_and_draws()


def _demo_selfevals():
    return SelfEvaluation.objects.filter(project_year__project__code__in=[
        p.code for p in generator.build_plan().projects], project_year__year=MONITORED_YEAR)


def _check_selfevals_as_planned():
    ses = _demo_selfevals()
    approved = Goal.objects.filter(project_year__year=MONITORED_YEAR, status="approved",
                                   project_year__in=ses.values("project_year"))
    goals = Goal.objects.filter(project_year__year=MONITORED_YEAR, status="approved")
    assert ses.count() == goals.values("project_year").distinct().count() == approved.values(
        "project_year").distinct().count() > 400
    items = {i.project: i for i in demo_evaluation.plan_selfevals(generator.build_plan())}
    for se in ses.select_related("project_year__project__region"):
        item = items[se.project_year.project.code]
        expected = FINAL[item.state]
        consolidates = resolve(se.project_year.project.region, MONITORED_YEAR).get(
            "goals.department_consolidates", True)
        if expected == "dept_review" and not consolidates:
            expected = "bureau_review"
        assert se.status == expected, (se.project_year.project.code, item)
        assert se.rows.exists() and se.total_score is not None and se.grade
        if se.status != "draft":
            assert se.submitted_at is not None and se.claimed_total is not None and se.conclusion
            assert not se_submission_problems(se), se
        if se.status == "accepted":
            assert se.accepted_at is not None and se.error_count == 0, "accepted tables are clean"


def se_submission_problems(se):
    from perfbudget.evaluation.services import submission_problems

    return [p for p in submission_problems(se) if "审核问题" not in p]


def _check_typical_errors_are_findings():
    ses = _demo_selfevals()
    items = {i.project: i for i in demo_evaluation.plan_selfevals(generator.build_plan())}
    codes = Counter()
    for se in ses.select_related("project_year__project"):
        found = {f["code"] for f in se.result.get("findings", []) if f["severity"] == "error"}
        codes.update(found)
        item = items[se.project_year.project.code]
        if item.error and item.state in demo_evaluation.ERROR_VISIBLE and se.claimed_total is not None:
            assert found, (se.project_year.project.code, item)
        if not item.error:
            assert not found, (se.project_year.project.code, found)
    for code in E.ERROR_KINDS:
        assert codes[code] >= 3, (code, codes)
    claimed = ses.exclude(claimed_total=None)
    share = claimed.filter(error_count__gt=0).count() / claimed.count()
    assert 0.1 < share < 0.4, share
    # The audit on the page says the same as the stored result.
    se = claimed.filter(error_count__gt=0).first()
    stored = sorted(f["code"] for f in se.result["findings"])
    from perfbudget.evaluation.services import rescore

    assert sorted(f["code"] for f in rescore(se)["findings"]) == stored


def _check_reviews_and_problems():
    ses = _demo_selfevals()
    today = timezone.localdate()
    for se in ses.filter(status="returned", return_stage="bureau"):
        open_ = se.review_problems.filter(status__in=("open", "reopened"))
        assert open_.exists() and all(p.deadline >= today for p in open_)
    assert ses.filter(status="returned", return_stage="dept").exists()
    problems = SelfEvaluationProblem.objects.filter(self_evaluation__in=ses)
    states = Counter(problems.values_list("status", flat=True))
    assert states["open"] and states["fixed"] and states["confirmed"]
    for p in problems.filter(status="confirmed").select_related("self_evaluation"):
        assert p.fixed_at <= p.confirmed_at <= p.self_evaluation.accepted_at, p.pk
    assert set(problems.values_list("raised_role", flat=True)) == {"performance_office", "funding_section"}
    raisers = set(problems.values_list("raised_by__username", flat=True))
    assert {"city_perf", "city_funding", "county_perf"} <= raisers
    assert set(E.ERROR_KINDS) <= set(problems.values_list("code", flat=True))
    records = WorkflowRecord.objects.filter(workflow="selfeval", object_id__in=ses.values("pk"))
    assert {"submit", "dept_approve", "dept_return", "bureau_return", "accept"} <= set(
        records.values_list("action", flat=True))
    assert all(r.at <= timezone.now() for r in records.order_by("-at")[:5])
    # Every self-evaluation has exactly its state's open to-do items.
    open_states = Counter(TodoItem.objects.open().filter(workflow="selfeval", object_id__in=ses.values("pk"))
                          .values_list("state", flat=True))
    statuses = Counter(ses.values_list("status", flat=True))
    assert open_states["draft"] == statuses["draft"] and open_states["returned"] == statuses["returned"]
    assert open_states["dept_review"] == statuses["dept_review"]
    assert open_states["bureau_review"] >= statuses["bureau_review"]
    assert not TodoItem.objects.open().filter(workflow="selfeval", state="accepted").exists()


def _check_demo_users_see_their_examples():
    for username, unit in DEMO_UNITS.items():
        user = User.objects.get(username=username)
        mine = SelfEvaluation.objects.visible_to(user).filter(project_year__year=MONITORED_YEAR)
        assert set(mine.values_list("project_year__project__unit__code", flat=True)) == {unit}
        assert {"draft", "dept_review", "bureau_review", "returned", "accepted"} <= set(
            mine.values_list("status", flat=True)), username
        assert TodoItem.objects.open().for_user(user).filter(workflow="selfeval").exists(), username
        logged = LogEntry.objects.filter(content_type__model="selfevaluationrow", actor=user)
        assert logged.exists(), "filled through the services"
    for username, state in (("dept_user", "dept_review"), ("city_perf", "bureau_review"),
                            ("city_funding", "bureau_review"), ("county_perf", "bureau_review"),
                            ("city_agency", "bureau_review")):
        user = User.objects.get(username=username)
        assert TodoItem.objects.open().for_user(user).filter(workflow="selfeval", state=state).exists(), username
    city_perf, county_perf = User.objects.get(username="city_perf"), User.objects.get(username="county_perf")
    county = SelfEvaluation.objects.visible_to(county_perf)
    assert county.exists() and set(county.values_list("project_year__project__region__code", flat=True)) == {
        T.FEATURED_COUNTY}
    assert SelfEvaluation.objects.visible_to(city_perf).count() == _demo_selfevals().count()
    agency = User.objects.get(username="city_agency")
    reviewed = SelfEvaluation.objects.visible_to(agency)
    assert set(reviewed) == set(SelfEvaluation.objects.filter(agency_reviewers=agency)) != set()
    assert set(reviewed.values_list("project_year__project__unit__code", flat=True)) <= set(DEMO_UNITS.values())


def _check_spot_check():
    city = Region.objects.get(code=T.CITY[0])
    sc = SpotCheck.objects.get(region=city, year=MONITORED_YEAR)
    ok, problems, _record = services_spot.verify_spot_check(sc)
    assert ok, problems
    assert sc.status == "exchanging"
    assert sc.population_size == services_spot.population(city, MONITORED_YEAR).count()
    assert sc.sample_size >= sc.population_size * Decimal("0.1") and len(sc.strata) > 1
    items = SpotCheckItem.objects.filter(spot_check=sc).select_related("self_evaluation__project_year__project")
    assert items.count() == sc.sample_size
    assert all(i.review_total is not None and i.reviewer_signed_at for i in items)
    assert {i.reviewer.username for i in items} == {"city_perf", "city_agency"}
    assert any(i.difference for i in items), "some re-scored lower"
    signed = [i for i in items if i.unit_signed_at]
    assert 0 < len(signed) < len(items) and any(i.agreed is False for i in signed)
    waiting = {i.self_evaluation.project_year.project.unit_id for i in items if not i.unit_signed_at}
    todos = TodoItem.objects.open().filter(workflow="spot_check", object_id=sc.pk, role="unit")
    assert waiting <= set(todos.values_list("organisation_id", flat=True))


def _check_pool():
    regions = Region.objects.filter(code__in=["640300", "640323"])
    agencies = Agency.objects.filter(region__in=regions)
    assert agencies.count() == len(E.AGENCIES)
    for code in (T.CITY_AGENCY[0], T.COUNTY_AGENCY[0]):
        assert agencies.get(organisation__code=code).status == "approved"
    suspended = agencies.get(status="suspended")
    assert ViolationRecord.objects.filter(agency=suspended, major=True).exists() and suspended.status_reason
    experts = Expert.objects.filter(region__in=regions)
    assert experts.count() == len(E.EXPERTS)
    assert experts.get(user__username="city_expert").name == "陈思远"
    assert experts.get(user__username="county_expert").status == "approved"
    assert ConflictDeclaration.objects.filter(expert__in=experts).count() == len(E.CONFLICTS)
    assert Counter(experts.values_list("status", flat=True))["approved"] >= 15
    city_perf = User.objects.get(username="city_perf")
    rows, _rules = pool_services.ranking_for(city_perf, "expert", Region.objects.get(code="640300"))
    assert [r.name for r in rows if r.drop] == ["丁卫东"]
    rows, _rules = pool_services.ranking_for(city_perf, "agency", Region.objects.get(code="640300"))
    assert [r.name for r in rows if r.drop] == ["固原市宏达会计师事务所有限公司"]


def _check_key_evaluations_and_draws():
    evaluations = KeyEvaluation.objects.filter(year=MONITORED_YEAR)
    assert Counter(evaluations.values_list("status", flat=True)) == {"finished": 1, "scoring": 1, "planned": 1}
    finished = evaluations.get(status="finished")
    assert finished.total == Decimal(E.FINISHED_TOTAL) and finished.grade == "优"
    assert finished.region.code == E.FINISHED_REGION
    assert finished.findings.count() == len(E.FINDINGS) and finished.recommendations.count() == len(
        E.RECOMMENDATIONS)
    assert all(e.submitted_at and e.rated_at for e in finished.evaluators.all())
    assert finished.evaluators.filter(user__username="county_expert").exists()
    assert finished.evaluators.get(kind="agency").organisation.code == T.COUNTY_AGENCY[0]
    county_unit = User.objects.get(username="county_unit")
    assert KeyEvaluation.objects.visible_to(county_unit).filter(pk=finished.pk).exists(), "released to the unit"
    scoring = evaluations.get(status="scoring")
    assert scoring.evaluators.get(kind="agency").organisation.code == T.CITY_AGENCY[0]
    expert = User.objects.get(username="city_expert")
    column = scoring.evaluators.get(user=expert)
    assert column.submitted_at is None
    assert scoring.evaluators.filter(kind="expert", submitted_at__isnull=False).count() == 1
    assert TodoItem.objects.open().for_user(expert).filter(workflow="key_evaluation", object_id=scoring.pk).exists()
    assert KeyEvaluation.objects.visible_to(expert).filter(pk=scoring.pk).exists()
    agency = User.objects.get(username="city_agency")
    assert TodoItem.objects.open().for_user(agency).filter(workflow="key_evaluation").exists()
    planned = evaluations.get(status="planned")
    assert planned.plan_source == "candidate" and not planned.evaluators.exists()
    draws = Draw.objects.filter(region__code__in=["640300", "640323"])
    assert draws.count() == 4
    for draw in draws:
        ok, problems, _record = pool_services.verify_draw(draw)
        assert ok, problems
        assert draw.status == "revealed" and draw.result
    assert (finished.finished_at or timezone.now()) <= timezone.now() + datetime.timedelta(seconds=1)
