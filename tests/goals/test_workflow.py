"""The goal review path: unit → department → funding section → performance office; returns, resubmission
diff, adjustments, batch approval, and the budget gate (无目标不预算)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from perfbudget.core.models import TodoItem
from perfbudget.core.workflow import WorkflowError, transition
from perfbudget.goals import services
from perfbudget.goals.choices import GoalKind, GoalStatus
from perfbudget.goals.models import Goal
from perfbudget.projects.workflow import PROJECT_WORKFLOW
from perfbudget.rulesets.services import revise
from tests.factories import GOOD_ROWS, declare_goal, goal_rows

pytestmark = pytest.mark.django_db


def _approve_all(goal, w, level="county"):
    u = w.users[level]
    services.review(goal, u["dept"], "approve")
    services.review(goal, u["funding"], "approve", criteria={"completeness": 24, "relevance": 23})
    services.review(goal, u["perf"], "approve")
    goal.refresh_from_db()
    return goal


def test_whole_review_path_with_todos(world):
    py = world.projects["county"]["school"]
    u = world.users["county"]
    goal = declare_goal(py, u["unit"], submit=True)
    assert goal.status == GoalStatus.DEPT_REVIEW
    assert TodoItem.objects.for_user(u["dept"]).open().filter(object_id=goal.pk, stage="goals").exists()
    services.review(goal, u["dept"], "approve")
    assert goal.status == GoalStatus.SECTION_REVIEW
    assert TodoItem.objects.for_user(u["funding"]).open().filter(object_id=goal.pk).exists()
    record = services.review(goal, u["funding"], "approve", comment="业务上可行",
                             criteria={"completeness": 24, "relevance": 23, "feasibility": 22, "appropriateness": 20})
    assert record.remarks["criteria_total"] == 89
    assert goal.status == GoalStatus.OFFICE_REVIEW
    assert TodoItem.objects.for_user(u["perf"]).open().filter(object_id=goal.pk).exists()
    services.review(goal, u["perf"], "approve")
    goal.refresh_from_db()
    assert goal.status == GoalStatus.APPROVED and goal.approved_at is not None
    assert not TodoItem.objects.filter(object_id=goal.pk, stage="goals", closed_at__isnull=True).exists()


def test_reviewers_cannot_skip_steps(world):
    py = world.projects["county"]["school"]
    u = world.users["county"]
    goal = declare_goal(py, u["unit"], submit=True)
    with pytest.raises(WorkflowError):
        services.review(goal, u["perf"], "approve")  # the department has not reviewed yet
    with pytest.raises(WorkflowError):
        services.review(goal, u["unit"], "approve")
    with pytest.raises(WorkflowError):
        services.review(goal, world.users["sibling"]["dept"], "approve")


def test_return_with_comments_then_resubmit_shows_diff(world):
    py = world.projects["county"]["school"]
    u = world.users["county"]
    goal = declare_goal(py, u["unit"], submit=True)
    services.review(goal, u["dept"], "approve")
    with pytest.raises(WorkflowError, match="意见"):
        services.review(goal, u["funding"], "return")
    record = services.review(goal, u["funding"], "return", comment="受益学生人数偏低",
                             indicator_comments={"6": "请按在校生人数填写"})
    assert record.remarks["indicators"]["6"] == {"name": "受益学生人数", "comment": "请按在校生人数填写"}
    goal.refresh_from_db()
    assert goal.status == GoalStatus.RETURNED
    assert TodoItem.objects.for_user(u["unit"]).open().filter(object_id=goal.pk).exists()
    rows = goal_rows()
    rows[6]["target"] = "2100"
    rows.append({**rows[1], "name": "更换图书角书架个数", "target": "20", "unit": "个", "weight": "0"})
    services.save_goal(goal, u["unit"], {}, rows)
    services.submit(goal, u["unit"])
    diff = services.diff_since_review(goal)
    kinds = {(d["kind"], d["name"]) for d in diff}
    assert kinds == {("changed", "受益学生人数"), ("added", "更换图书角书架个数")}
    changed = next(d for d in diff if d["kind"] == "changed")
    assert changed["fields"] == [("指标值", "1800", "2100")]


def test_bad_review_input_is_refused(world):
    py = world.projects["county"]["school"]
    u = world.users["county"]
    goal = declare_goal(py, u["unit"], submit=True)
    with pytest.raises(WorkflowError, match="0到25"):
        services.review(goal, u["dept"], "approve", criteria={"completeness": 30})
    with pytest.raises(WorkflowError, match="不存在的指标行"):
        services.review(goal, u["dept"], "return", comment="x", indicator_comments={"99": "?"})
    with pytest.raises(WorkflowError):
        services.review(goal, u["dept"], "maybe")
    goal.refresh_from_db()
    assert goal.status == GoalStatus.DEPT_REVIEW


def test_department_step_follows_the_rule_set(world):
    revise(world.county, 2025, {"goals.department_consolidates": False}, world.admin, "不经主管部门汇总")
    goal = declare_goal(world.projects["county"]["school"], world.users["county"]["unit"], submit=True)
    assert goal.status == GoalStatus.SECTION_REVIEW


def test_quality_errors_block_and_warnings_need_reasons(world):
    py = world.projects["county"]["school"]
    u = world.users["county"]
    rows = goal_rows(GOOD_ROWS[:4])  # too few rows, no 效益/满意度: errors
    goal = declare_goal(py, u["unit"], rows=rows)
    with pytest.raises(WorkflowError, match="错误"):
        services.submit(goal, u["unit"])
    vague = list(GOOD_ROWS)
    vague[7] = ("效益指标", "可持续影响指标", "学校办学条件", "qual", "明显改善", "", "5")
    unit2 = _unit_of(world, "school2")
    goal2 = declare_goal(world.projects["county"]["school2"], unit2, rows=goal_rows(vague))
    warnings = [f for f in services.check_goal(goal2)["findings"] if f["severity"] == "warning"]
    assert warnings, "a vague target is a warning"
    with pytest.raises(WorkflowError, match="理由"):
        services.submit(goal2, unit2)
    reasons = {services.finding_key(f): "该指标为定性描述，以验收结论为准" for f in warnings}
    services.save_goal(goal2, unit2, {"warning_reasons": reasons}, services.goal_rows(goal2))
    services.submit(goal2, unit2)
    assert goal2.status == GoalStatus.DEPT_REVIEW


def test_only_drafts_can_be_edited(world):
    py = world.projects["county"]["school"]
    u = world.users["county"]
    goal = declare_goal(py, u["unit"], submit=True)
    with pytest.raises(PermissionDenied):
        services.save_goal(goal, u["unit"], {}, goal_rows())
    transition(goal, services.GOAL_WORKFLOW, "withdraw", u["unit"])
    services.save_goal(goal, u["unit"], {"overall_goal": "改"}, goal_rows())


def test_budget_gate_refuses_without_approved_goal(world):
    py = world.projects["county"]["school"]
    py.status = "accepted"
    py.save()
    u = world.users["county"]
    with pytest.raises(WorkflowError, match="无目标不预算"):
        transition(py, PROJECT_WORKFLOW, "approve_budget", u["budget"])
    goal = declare_goal(py, u["unit"], submit=True)
    with pytest.raises(WorkflowError, match="无目标不预算"):
        transition(py, PROJECT_WORKFLOW, "approve_budget", u["budget"])
    _approve_all(goal, world)
    transition(py, PROJECT_WORKFLOW, "approve_budget", u["budget"])
    py.refresh_from_db()
    assert py.status == "budgeted"


def test_adjustment_supersedes_the_approved_version(world):
    py = world.projects["county"]["school"]
    u = world.users["county"]
    first = _approve_all(declare_goal(py, u["unit"], submit=True), world)
    with pytest.raises(services.GoalError):
        services.start_goal(py, u["unit"])  # one live goal per project year
    adj = services.start_goal(py, u["unit"], kind=GoalKind.ADJUSTMENT, reason="工程量调整")
    assert adj.version == 2 and adj.previous_id == first.pk and adj.rows.count() == len(GOOD_ROWS)
    rows = services.goal_rows(adj)
    rows[0]["target"] = "2800"
    services.save_goal(adj, u["unit"], {}, rows)
    services.submit(adj, u["unit"])
    _approve_all(adj, world)
    first.refresh_from_db()
    assert first.status == GoalStatus.SUPERSEDED
    assert services.approved_goal(py).pk == adj.pk
    assert Goal.objects.filter(project_year=py).count() == 2  # the earlier version is kept


def test_adjustment_needs_an_approved_goal_and_a_reason(world):
    py = world.projects["county"]["school"]
    u = world.users["county"]
    with pytest.raises(services.GoalError, match="尚无已批复"):
        services.start_goal(py, u["unit"], kind=GoalKind.ADJUSTMENT)
    goal = declare_goal(py, u["unit"])
    goal.kind = GoalKind.ADDITION
    goal.save()
    with pytest.raises(WorkflowError, match="理由"):
        services.submit(goal, u["unit"])


def test_batch_approval_reports_each_failure(world):
    u = world.users["county"]
    school = declare_goal(world.projects["county"]["school"], u["unit"], submit=True)
    school2 = declare_goal(world.projects["county"]["school2"], _unit_of(world, "school2"), submit=True)
    goals = [school, school2]
    done, failed = services.batch_review(goals, u["dept"], "approve")
    assert len(done) == 2 and not failed
    done, failed = services.batch_review(goals, u["dept"], "approve")  # already past this step
    assert not done and len(failed) == 2


def _unit_of(world, key):
    from tests.factories import user

    org = world.orgs["county"][key]
    return user(f"u-{org.code}", "unit", organisation=org)


def test_cut_is_recorded_by_the_performance_office_only(world):
    py = world.projects["county"]["school"]
    u = world.users["county"]
    goal = declare_goal(py, u["unit"])
    with pytest.raises(PermissionDenied):
        services.record_cut(py, u["budget"], Decimal(1000), "目标不合格")
    with pytest.raises(PermissionDenied):
        services.record_cut(py, world.users["sibling"]["perf"], Decimal(1000), "目标不合格")
    with pytest.raises(services.GoalError):
        services.record_cut(py, u["perf"], Decimal(1000), "")
    with pytest.raises(services.GoalError):
        services.record_cut(py, u["perf"], Decimal(10**9), "太多")
    cut = services.record_cut(py, u["perf"], Decimal("120000"), "绩效目标不合格，核减10%")
    assert cut.goal_id == goal.pk and cut.recorded_by == u["perf"]


def test_mid_year_addition_needs_amount_and_reason_then_goes_through_review(world):
    py = world.projects["county"]["school"]
    u = world.users["county"]
    goal = services.start_goal(py, u["unit"], kind=GoalKind.ADDITION)
    services.save_goal(goal, u["unit"], {"overall_goal": "追加设备购置", "addition_amount": "12万"}, goal_rows())
    with pytest.raises(WorkflowError, match="理由"):
        services.submit(goal, u["unit"])
    with pytest.raises(services.GoalError, match="追加金额"):
        services.save_goal(goal, u["unit"], {"addition_amount": "若干"}, goal_rows())
    services.save_goal(goal, u["unit"], {"change_reason": "秋季学期新增班级"}, goal_rows())
    goal.refresh_from_db()
    assert goal.addition_amount == Decimal("120000")
    services.submit(goal, u["unit"])
    _approve_all(goal, world)
    assert goal.status == GoalStatus.APPROVED and goal.kind == GoalKind.ADDITION


def test_cuts_add_up_to_at_most_the_budget(world):
    py = world.projects["county"]["school"]  # 1,200,000 元
    perf = world.users["county"]["perf"]
    services.record_cut(py, perf, Decimal("1000000"), "第一次核减")
    with pytest.raises(services.GoalError, match="累计"):
        services.record_cut(py, perf, Decimal("300000"), "第二次核减")
    services.record_cut(py, perf, Decimal("200000"), "第二次核减")


def test_history_checks_compare_with_approved_goals_only(world):
    from tests.factories import project_year

    unit = world.users["county"]["unit"]
    school = world.orgs["county"]["school"]
    earlier = project_year(school, year=2024, code="HIST-1", name="历史项目")
    later = project_year(school, year=2025, code="HIST-1")
    declare_goal(earlier, unit)  # a draft of 2024: not history
    assert services.history_for(later) == []
    goal = services.live_goal(earlier)
    services.submit(goal, unit)
    _approve_all(goal, world)
    history = services.history_for(later)
    assert [h["year"] for h in history] == [2024] and history[0]["indicators"][0]["name"] == "维修校舍面积"


def test_quality_report_records_the_rule_set_it_used(world):
    goal = declare_goal(world.projects["county"]["school"], world.users["county"]["unit"])
    assert goal.ruleset == services.rules_for(goal.project_year).label
    revise(world.county, 2025, {"goals.min_indicators": 12}, world.admin, "更严")
    services.save_goal(goal, world.users["county"]["unit"], {}, services.goal_rows(goal))
    goal.refresh_from_db()
    assert "640323/2025" in goal.ruleset
    assert any(f["code"] == "TOO_FEW_INDICATORS" for f in goal.quality_report["findings"])
