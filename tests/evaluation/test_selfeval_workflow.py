"""Self-evaluations: creation (idempotent, 无目标 none), scoring through the engine, the submission guards, the
review path (department, joint bureau review, returns with problems and deadlines, fix and confirm)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from perfbudget.core.models import TodoItem
from perfbudget.core.workflow import WorkflowError
from perfbudget.evaluation import scoring, selfevalfile, services
from perfbudget.evaluation.choices import ProblemStatus, ReviewerRole, SelfEvalStatus
from perfbudget.evaluation.models import SelfEvaluation, SelfEvaluationProblem
from perfbudget.rulesets.services import resolve, revise

from ..monitoring.helpers import pay
from .helpers import NARRATIVE, fill, goal_for, make_selfeval

pytestmark = pytest.mark.django_db


# --- creation ------------------------------------------------------------------------------------------------

def test_creation_copies_funds_goal_and_locked_targets(world):
    py, goal = goal_for(world)
    py.adjusted_budget = Decimal("1500000.00")
    py.save()
    pay(py, [400000, "350000.50"])
    se, created = services.create_selfeval(py)
    assert created
    assert (se.initial_budget, se.full_budget, se.executed) == (Decimal("1200000.00"), Decimal("1500000.00"),
                                                                Decimal("750000.50"))
    assert se.goal == goal and se.overall_goal_expected == goal.overall_goal
    rows = list(se.rows.all())
    assert [(r.name, r.target, r.weight) for r in rows] == [(g.name, g.printed, g.weight)
                                                            for g in goal.rows.order_by("position", "id")]
    assert rows[0].target == "≥3200平方米"
    # The unit is asked to fill it.
    assert TodoItem.objects.for_user(world.users["county"]["unit"]).open().filter(object_id=se.pk,
                                                                                  stage="evaluation").exists()


def test_region_creation_is_idempotent_and_skips_projects_without_an_approved_goal(world):
    goal_for(world, name="school")
    perf = world.users["county"]["perf"]
    outcome = services.create_selfevals(world.county, 2025, perf)
    assert outcome["created"] == 1 and outcome["existing"] == 0
    assert sorted(outcome["without_goal"]) == ["COUNTY-AGR-1", "COUNTY-EDU-2"]
    again = services.create_selfevals(world.county, 2025, perf)
    assert again["created"] == 0 and again["existing"] == 1
    assert SelfEvaluation.objects.filter(project_year__project__region=world.county).count() == 1


def test_no_selfeval_without_an_approved_goal(world):
    py = world.projects["county"]["school2"]
    with pytest.raises(services.SelfEvalError, match="没有已批复的绩效目标"):
        services.create_selfeval(py)
    assert not SelfEvaluation.objects.filter(project_year=py).exists()


def test_only_the_regions_performance_office_creates(world):
    py, _goal = goal_for(world)
    for who in (world.users["county"]["unit"], world.users["county"]["funding"], world.users["sibling"]["perf"],
                world.users["city"]["perf"]):
        with pytest.raises(PermissionDenied):
            services.create_selfeval(py, who)
    with pytest.raises(PermissionDenied):
        services.create_selfevals(world.county, 2025, world.users["county"]["dept"])
    assert not SelfEvaluation.objects.filter(project_year=py).exists()


def test_management_command(world, capsys):
    goal_for(world)
    call_command("create_selfevals", region="640323", year=2025)
    out = capsys.readouterr().out
    assert "新生成自评表 1 份" in out and "COUNTY-EDU-2" in out
    call_command("create_selfevals", region="640323", year=2025)
    assert "新生成自评表 0 份，已有 1 份" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不存在"):
        call_command("create_selfevals", region="999999", year=2025)


def test_refresh_funds_follows_new_execution_data_and_is_logged(world):
    se = make_selfeval(world, paid=(600000,))
    assert se.execution_rate == Decimal("0.5000")
    pay(se.project_year, {2: 480000})
    unit = world.users["county"]["unit"]
    services.refresh_funds(se, unit)
    se.refresh_from_db()
    assert se.executed == Decimal("1080000.00") and se.execution_rate == Decimal("0.9000")
    assert se.funds_refreshed_at is not None
    from auditlog.models import LogEntry

    changed = [e.changes_dict for e in LogEntry.objects.get_for_object(se).filter(actor=unit)]
    assert any(c.get("executed") == ["600000.00", "1080000.00"] for c in changed)
    with pytest.raises(PermissionDenied):
        services.refresh_funds(se, world.users["county"]["dept"])


# --- scoring ---------------------------------------------------------------------------------------------------

def test_stored_score_equals_the_engine_on_the_same_document(world):
    se = make_selfeval(world, paid=(1_000_000,), qualitative=1)
    unit = world.users["county"]["unit"]
    rows = list(se.rows.all())
    fill(se, unit)
    services.save_selfeval(se, unit, {"claimed_total": "95", "claimed_grade": "优"},
                           {rows[0].pk: {"actual": "2800平方米", "claimed_score": "15"},
                            rows[1].pk: {"applicable": False}})
    se.refresh_from_db()
    doc = services.selfeval_document(se)
    expected = scoring.score_table(selfevalfile.load(doc),
                                   scoring.rules_from_values(resolve(world.county, 2025).values))
    assert se.total_score == Decimal(str(expected["total_score"])).quantize(Decimal("0.01"))
    assert se.grade == expected["grade"]
    assert se.execution_score == Decimal(str(expected["execution_score"])).quantize(Decimal("0.01"))
    stored = {r.position - 1: r for r in se.rows.all()}
    for item in expected["indicators"]:
        score = item["score"]
        assert stored[item["index"]].score == (None if score is None else Decimal(str(score)).quantize(Decimal("0.01")))
        assert stored[item["index"]].explanation == item["explanation"]
    # The claimed full score on a missed row is found, and the row's score follows 2800/3200.
    codes = {(f["code"], f["indicator"]) for f in se.result["findings"]}
    assert ("MISSED_BUT_FULL", 0) in codes or ("SCORE_DIFFERS", 0) in codes
    assert stored[0].completion == Decimal("0.8750")
    assert se.ruleset.startswith("全国默认")


def test_scores_follow_the_regions_rule_set(world):
    se = make_selfeval(world, paid=(600000,))
    revise(world.county, 2025, {"selfeval.execution_weight": 20,
                                "selfeval.block_weights": {"产出指标": 40, "效益指标": 30, "满意度指标": 10}},
           world.admin, "执行率20分")
    fill(se, world.users["county"]["unit"], header={"execution_reason": "部分工程款次年支付"})
    se.refresh_from_db()
    # 20 × 50%, the weights (20 + 90 of the approved goal) rescaled to 100: 10 × 100 / 110.
    assert se.execution_score == Decimal("9.09")
    assert "640323/2025/v1" in se.ruleset


# --- the submission guards -----------------------------------------------------------------------------------

def test_submission_guards_name_row_and_field(world):
    se = make_selfeval(world, paid=(600000,), qualitative=1)
    unit = world.users["county"]["unit"]
    with pytest.raises(WorkflowError) as exc:
        services.submit(se, unit)
    message = str(exc.value)
    assert "第1项指标「维修校舍面积」未填实际完成值" in message
    assert "第9项指标「师生满意度」是定性指标，请填写达成比例" in message
    assert "第9项指标「师生满意度」是定性指标，请填写评分理由" in message
    assert "预算执行率为50.0%，低于90%，请填写执行率偏低原因" in message
    assert "请填写自评结论" in message and "请填写改进措施" in message
    fill(se, unit)
    se.refresh_from_db()
    with pytest.raises(WorkflowError, match="执行率偏低原因"):
        services.submit(se, unit)
    services.save_selfeval(se, unit, {"execution_reason": "工程款按合同次年支付"})
    se.refresh_from_db()
    services.submit(se, unit)
    se.refresh_from_db()
    assert se.status == SelfEvalStatus.DEPT_REVIEW and se.submitted_at is not None


def test_inapplicable_rows_need_no_actual(world):
    se = make_selfeval(world)
    unit = world.users["county"]["unit"]
    fill(se, unit)
    first = se.rows.first()
    services.save_selfeval(se, unit, {}, {first.pk: {"actual": "", "applicable": "false"}})
    se.refresh_from_db()
    assert services.submission_problems(se) == []


@pytest.mark.parametrize("rows, header, message", [
    ({0: {"judgement": "0.5"}}, {}, "定量指标按实际完成值计分，不填达成比例"),
    ({8: {"judgement": "150"}}, {}, "应在0%到100%之间"),
    ({8: {"judgement": "101%"}}, {}, "应在0%到100%之间"),
    ({8: {"judgement": "-0.1"}}, {}, "应在0%到100%之间"),
    ({8: {"judgement": "很好"}}, {}, "应为数字"),
    ({0: {"claimed_score": "16"}}, {}, "应在0到15"),
    ({0: {"actual": "x" * 101}}, {}, "不能超过100个字"),
    ({}, {"claimed_grade": "甲"}, "应为：优、良、中、差"),
    ({}, {"claimed_total": "101"}, "应在0到100之间"),
])
def test_bad_entries_are_refused_whole(world, rows, header, message):
    se = make_selfeval(world, qualitative=1)
    unit = world.users["county"]["unit"]
    ids = [r.pk for r in se.rows.all()]
    before = se.row_version
    with pytest.raises(services.SelfEvalError) as exc:
        services.save_selfeval(se, unit, {"conclusion": "写了结论", **header},
                               {ids[i]: {"actual": "1", **v} for i, v in rows.items()} | {ids[1]: {"actual": "9"}})
    assert any(message in str(reason) for _row, _field, reason in exc.value.errors)
    se.refresh_from_db()
    assert se.row_version == before and se.conclusion == "" and se.rows.get(pk=ids[1]).actual == ""


def test_percent_judgement_and_stale_save(world):
    se = make_selfeval(world, qualitative=1)
    unit = world.users["county"]["unit"]
    last = list(se.rows.all())[-1]
    services.save_selfeval(se, unit, {}, {last.pk: {"judgement": "85%", "actual": "明显提升"}})
    last.refresh_from_db()
    assert last.judgement == Decimal("0.850") and last.score == Decimal("8.50")
    assert services.format_judgement(last.judgement) == "85%"
    with pytest.raises(services.SelfEvalError, match="已被他人修改"):
        services.save_selfeval(se, unit, {"conclusion": "x"}, expected_version=1)


@pytest.mark.parametrize("typed, share", [
    ("90%", "0.900"), ("0.9", "0.900"), ("90", "0.900"), ("９０％", "0.900"), (" 90 % ", "0.900"), ("1", "1.000"),
    ("100", "1.000"), ("0", "0.000"), ("85.5", "0.855"), ("1.5", "0.015"), ("", None),
])
def test_judgement_typed_as_share_or_percent(world, typed, share):
    se = make_selfeval(world, qualitative=1)
    last = list(se.rows.all())[-1]
    services.save_selfeval(se, world.users["county"]["unit"], {}, {last.pk: {"judgement": typed}})
    last.refresh_from_db()
    assert last.judgement == (Decimal(share) if share else None)


@pytest.mark.parametrize("stored, shown", [
    (Decimal("0.900"), "90%"), (Decimal("0.855"), "85.5%"), (Decimal("1.000"), "100%"), (Decimal("0"), "0%"),
    (Decimal("0.015"), "1.5%"), (None, ""),
])
def test_judgement_is_shown_as_a_percent(stored, shown):
    assert services.format_judgement(stored) == shown


def test_only_the_unit_fills_and_only_while_editable(world):
    se = make_selfeval(world)
    for who in (world.users["county"]["dept"], world.users["county"]["perf"], world.users["sibling"]["unit"]):
        with pytest.raises(PermissionDenied):
            services.save_selfeval(se, who, {"conclusion": "x"})
    unit = world.users["county"]["unit"]
    fill(se, unit)
    se.refresh_from_db()
    services.submit(se, unit)
    with pytest.raises(services.SelfEvalError, match="不能修改"):
        services.save_selfeval(se, unit, {"conclusion": "改"})


# --- the review path -------------------------------------------------------------------------------------------

def _submitted(world, rules=None):
    se = make_selfeval(world)
    unit = world.users["county"]["unit"]
    fill(se, unit)
    se.refresh_from_db()
    if rules:
        revise(world.county, 2025, rules, world.admin, "规则调整")
    services.submit(se, unit)
    return se


def test_department_then_joint_review_then_accept(world):
    u = world.users["county"]
    se = _submitted(world)
    assert TodoItem.objects.for_user(u["dept"]).open().filter(object_id=se.pk, stage="evaluation").exists()
    with pytest.raises(WorkflowError):
        services.review(se, u["perf"], "approve")  # the department has not passed it yet
    services.review(se, u["dept"], "approve")
    assert se.status == SelfEvalStatus.BUREAU_REVIEW
    assert TodoItem.objects.for_user(u["perf"]).open().filter(object_id=se.pk).exists()
    assert TodoItem.objects.for_user(u["funding"]).open().filter(object_id=se.pk).exists()
    with pytest.raises(WorkflowError, match="权限"):
        services.accept(se, u["funding"])  # the funding section reviews, the performance office decides
    services.review(se, u["perf"], "approve", comment="同意")
    se.refresh_from_db()
    assert se.status == SelfEvalStatus.ACCEPTED and se.accepted_at is not None
    assert services.open_todo_count(se) == 0


def test_department_return_needs_a_comment_and_goes_back_to_the_department(world):
    u = world.users["county"]
    se = _submitted(world)
    with pytest.raises(WorkflowError, match="必须填写意见"):
        services.review(se, u["dept"], "return")
    services.review(se, u["dept"], "return", comment="偏差原因写得太简单")
    assert se.status == SelfEvalStatus.RETURNED
    services.submit(se, u["unit"])
    assert se.status == SelfEvalStatus.DEPT_REVIEW


def test_without_department_consolidation_submission_goes_to_the_bureau(world):
    se = _submitted(world, rules={"goals.department_consolidates": False})
    assert se.status == SelfEvalStatus.BUREAU_REVIEW


def test_return_with_problems_fix_confirm_and_accept(world):
    u = world.users["county"]
    se = _submitted(world)
    services.review(se, u["dept"], "approve")
    with pytest.raises(WorkflowError, match="先提出至少一个审核问题"):
        services.bureau_return(se, u["perf"])
    row = se.rows.first()
    p1 = services.raise_problem(se, u["funding"], "实际完成值照抄目标，缺少佐证", row=row, code="ACTUAL_REPEATS_TARGET")
    p2 = services.raise_problem(se, u["perf"], "自评结论过于简略", deadline=timezone.localdate()
                                + datetime.timedelta(days=3))
    assert p1.raised_role == ReviewerRole.FUNDING_SECTION and p2.raised_role == ReviewerRole.PERFORMANCE_OFFICE
    assert p1.deadline == timezone.localdate() + datetime.timedelta(days=10)  # evaluation.review_return_days
    with pytest.raises(WorkflowError, match="还有2个审核问题未确认整改"):
        services.accept(se, u["perf"])
    services.bureau_return(se, u["funding"], comment="见审核问题")
    assert se.status == SelfEvalStatus.RETURNED
    todo = TodoItem.objects.for_user(u["unit"]).open().get(object_id=se.pk)
    assert todo.due_date == timezone.localdate() + datetime.timedelta(days=10)
    # The unit must fix every problem before resubmitting.
    with pytest.raises(WorkflowError, match="尚未整改"):
        services.submit(se, u["unit"])
    with pytest.raises(services.SelfEvalError, match="请填写整改说明"):
        services.fix_problem(p1, u["unit"], "")
    with pytest.raises(PermissionDenied):
        services.fix_problem(p1, u["perf"], "代为整改")
    services.fix_problem(p1, u["unit"], "已补充验收报告")
    services.fix_problem(p2, u["unit"], "已重写结论")
    services.submit(se, u["unit"])
    assert se.status == SelfEvalStatus.BUREAU_REVIEW  # returned by the bureau: straight back to it
    with pytest.raises(services.SelfEvalError, match="须写明原因"):
        services.settle_problem(p2, u["perf"], confirm=False)
    services.settle_problem(p1, u["funding"], confirm=True)
    services.settle_problem(p2, u["perf"], confirm=False, note="结论仍未写明指标完成情况")
    p1.refresh_from_db()
    p2.refresh_from_db()
    assert p1.status == ProblemStatus.CONFIRMED and p1.confirmed_by == u["funding"]
    assert p2.status == ProblemStatus.REOPENED
    with pytest.raises(WorkflowError, match="还有1个"):
        services.accept(se, u["perf"])
    services.bureau_return(se, u["perf"])
    services.fix_problem(p2, u["unit"], "已补充")
    services.submit(se, u["unit"])
    services.settle_problem(p2, u["perf"], confirm=True)
    services.accept(se, u["perf"])
    assert se.status == SelfEvalStatus.ACCEPTED
    summary = services.review_summary(u["perf"], 2025)
    assert summary == [{"year": 2025, "region_code": "640323", "region": "盐池县", "total": 1, "reviewed": 1,
                        "accepted": 1, "raised": 2, "fixed": 2, "confirmed": 2, "fix_rate": Decimal(1)}]


def test_problems_only_during_the_joint_review_and_by_reviewers(world):
    u = world.users["county"]
    se = _submitted(world)
    with pytest.raises(services.SelfEvalError, match="待财政联合审核"):
        services.raise_problem(se, u["perf"], "问题")
    services.review(se, u["dept"], "approve")
    for who in (u["unit"], u["dept"], u["oversight"], u["agency"], world.users["sibling"]["perf"]):
        with pytest.raises(PermissionDenied):
            services.raise_problem(se, who, "问题")
    with pytest.raises(services.SelfEvalError) as exc:
        services.raise_problem(se, u["perf"], " ", deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert {field for _row, field, _reason in exc.value.errors} == {"问题描述", "整改期限"}
    assert not SelfEvaluationProblem.objects.exists()


def test_an_added_agency_reviewer_raises_problems(world):
    u = world.users["county"]
    se = _submitted(world)
    services.review(se, u["dept"], "approve")
    with pytest.raises(PermissionDenied):
        services.add_agency_reviewer(se, u["funding"], u["agency"])
    with pytest.raises(services.SelfEvalError, match="不是第三方机构用户"):
        services.add_agency_reviewer(se, u["perf"], u["unit"])
    services.add_agency_reviewer(se, u["perf"], u["agency"])
    assert TodoItem.objects.for_user(u["agency"]).open().filter(object_id=se.pk, stage="evaluation").exists()
    problem = services.raise_problem(se, u["agency"], "满意度调查样本不足")
    assert problem.raised_role == ReviewerRole.AGENCY
    with pytest.raises(WorkflowError, match="权限"):
        services.bureau_return(se, u["agency"])  # the agency reviews; the bureau returns


def test_narrative_is_required(world):
    se = make_selfeval(world)
    unit = world.users["county"]["unit"]
    fill(se, unit, header={k: "" for k in NARRATIVE})
    se.refresh_from_db()
    problems = services.submission_problems(se)
    assert problems == ["请填写总体目标实际完成情况", "请填写自评结论", "请填写存在问题", "请填写改进措施"]
