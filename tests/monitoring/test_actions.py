"""Actions on warned projects (urge, adjust, suspend, reduce, stop) and the negative list."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from perfbudget.core.models import TodoItem
from perfbudget.goals import services as goal_services
from perfbudget.monitoring import services_actions as svc
from perfbudget.monitoring.models import MonitoringAction, NegativeListEntry
from perfbudget.projects.models import ProjectYear

from .helpers import approve_goal, open_round, pay

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 8, 25)


@pytest.fixture
def school(world):
    py = world.projects["county"]["school"]
    pay(py, {1: 100000, 2: 100000})  # 200,000 paid of 1,200,000
    return py


def test_urge_opens_a_todo_for_the_unit_with_the_deadline(world, school):
    perf = world.users["county"]["perf"]
    action = svc.take_action(school, perf, "urge", "执行进度滞后，请加快支付", today=TODAY)
    assert action.deadline == TODAY + datetime.timedelta(days=10)  # monitoring.urge_days
    todo = TodoItem.objects.get(workflow="monitoring_action", object_id=action.pk)
    assert (todo.role, todo.organisation_id, todo.due_date) == ("unit", school.project.unit_id, action.deadline)
    svc.respond(action, world.users["county"]["unit"], "已完成采购合同签订，9月支付60万元")
    action.refresh_from_db()
    todo.refresh_from_db()
    assert action.closed_at is not None and todo.closed_at is not None


def test_reduce_lowers_the_budget_and_records_before_and_after(world, school):
    action = svc.take_action(school, world.users["county"]["perf"], "reduce", "项目实施条件不具备",
                             amount=Decimal("300000"), today=TODAY)
    school.refresh_from_db()
    assert school.budget == Decimal("900000.00")
    assert (action.budget_before, action.budget_after, action.amount) == (Decimal("1200000.00"),
                                                                           Decimal("900000.00"), Decimal("300000"))


def test_stop_withdraws_everything_unpaid_by_default(world, school):
    action = svc.take_action(school, world.users["county"]["budget"], "stop", "项目已终止", today=TODAY)
    school.refresh_from_db()
    assert action.amount == Decimal("1000000.00") and school.budget == Decimal("200000.00")


def test_suspend_keeps_the_budget(world, school):
    action = svc.take_action(school, world.users["county"]["perf"], "suspend", "资金使用不合规，暂缓拨付",
                             amount=Decimal("500000"), today=TODAY)
    school.refresh_from_db()
    assert school.budget == Decimal("1200000.00") and action.amount == Decimal("500000")


@pytest.mark.parametrize("kind, kwargs, message", [
    ("reduce", {"amount": Decimal("1000000.01")}, "超过未支付预算"),
    ("reduce", {}, "涉及金额"),
    ("suspend", {"amount": Decimal("0")}, "涉及金额"),
    ("adjust", {}, "调整后的全年预算数"),
    ("adjust", {"new_budget": Decimal("100000")}, "不能低于已执行数"),
    ("urge", {"deadline": datetime.date(2025, 8, 1)}, "不能早于今天"),
])
def test_bad_actions_are_refused_and_change_nothing(world, school, kind, kwargs, message):
    with pytest.raises(svc.ActionError, match=message):
        svc.take_action(school, world.users["county"]["perf"], kind, "理由", today=TODAY, **kwargs)
    school.refresh_from_db()
    assert school.budget == Decimal("1200000.00") and not MonitoringAction.objects.exists()


def test_reason_is_required(world, school):
    with pytest.raises(svc.ActionError, match="理由"):
        svc.take_action(school, world.users["county"]["perf"], "urge", "  ", today=TODAY)


@pytest.mark.parametrize("level, role", [("county", "unit"), ("county", "dept"), ("sibling", "perf"),
                                         ("county", "oversight"), ("city", "perf")])
def test_only_the_bureau_of_the_projects_region_acts(world, school, level, role):
    with pytest.raises(PermissionDenied):
        svc.take_action(school, world.users[level][role], "urge", "理由", today=TODAY)


def test_adjust_applies_the_budget_when_the_goal_adjustment_is_approved(world, school):
    users = world.users["county"]
    approve_goal(school, world)
    action = svc.take_action(school, users["perf"], "adjust", "政策调整，任务量减少", new_budget=Decimal("800000"),
                             today=TODAY)
    school.refresh_from_db()
    assert school.budget == Decimal("1200000.00")  # nothing changes until the adjusted goal is approved
    goal = goal_services.start_goal(school, users["unit"], kind="adjustment", reason="按监控意见调整")
    goal_services.submit(goal, users["unit"])
    for role in ("dept", "funding", "perf"):
        goal.refresh_from_db()
        goal_services.review(goal, users[role], "approve", criteria={})
    school.refresh_from_db()
    action.refresh_from_db()
    assert school.budget == Decimal("800000.00")
    assert action.closed_at is not None and action.goal_id == goal.pk


def test_reduction_totals_by_department_and_round(world, school):
    rnd = open_round(world, goals=())
    farm = ProjectYear.objects.get(pk=world.projects["county"]["farm"].pk)
    perf = world.users["county"]["perf"]
    svc.take_action(school, perf, "reduce", "滞后", amount=Decimal("100000"), rnd=rnd, today=TODAY)
    svc.take_action(farm, perf, "reduce", "滞后", amount=Decimal("250000"), rnd=rnd, today=TODAY)
    svc.take_action(farm, perf, "suspend", "不合规", amount=Decimal("50000"), today=TODAY)
    svc.take_action(school, perf, "urge", "加快", rnd=rnd, today=TODAY)
    totals = svc.reduction_totals(MonitoringAction.objects.all())
    by_dept = {r["project_year__project__department__name"]: (r["reduced"], r["suspended"], r["count"])
               for r in totals["by_department"]}
    assert by_dept == {"盐池县农业农村局": (Decimal("250000.00"), Decimal("50000.00"), 2),
                       "盐池县教育局": (Decimal("100000.00"), None, 2)}
    by_round = {r["round_id"]: (r["reduced"], r["count"]) for r in totals["by_round"]}
    assert by_round == {rnd.pk: (Decimal("350000.00"), 3), None: (None, 1)}
    assert totals["total"]["reduced"] == Decimal("350000.00")


def test_negative_list_from_an_action_touches_the_project_and_expires(world, school):
    perf = world.users["county"]["perf"]
    svc.take_action(school, perf, "stop", "虚报冒领", today=TODAY, negative_list=True)
    entry = NegativeListEntry.objects.get()
    assert (entry.subject, entry.project_id, entry.source) == ("project", school.project_id, "monitoring")
    assert entry.expires_on == datetime.date(2026, 8, 25)  # monitoring.negative_list_months = 12
    assert svc.listings_for(project=school.project) == []  # listed from TODAY (2025), expired by now
    entry.listed_on, entry.expires_on = datetime.date.today(), None
    entry.save()
    assert svc.listings_for(project=school.project) == [entry]
    assert svc.listings_for(project=world.projects["county"]["school2"].project) == []


def test_a_listed_unit_touches_all_its_projects(world, school):
    perf = world.users["county"]["perf"]
    entry = svc.add_listing(perf, "unit", school.project.unit, "连续两年绩效评价为差", "evaluation")
    assert svc.listings_for(project=school.project) == [entry]
    svc.lift_listing(entry, perf, "整改到位")
    assert svc.listings_for(project=school.project) == []
    with pytest.raises(svc.ActionError, match="已移出"):
        svc.lift_listing(entry, perf, "再次")


def test_negative_list_is_scoped(world, school):
    entry = svc.add_listing(world.users["county"]["perf"], "project", school.project.unit, "问题", "audit",
                            project=school.project)
    seen = {(lvl, role): NegativeListEntry.objects.visible_to(world.users[lvl][role]).filter(pk=entry.pk).exists()
            for lvl in ("county", "sibling", "city") for role in ("perf", "unit", "dept")}
    assert seen[("county", "perf")] and seen[("county", "unit")] and seen[("county", "dept")] and seen[("city", "perf")]
    assert not seen[("sibling", "perf")] and not seen[("sibling", "unit")] and not seen[("city", "unit")]
    with pytest.raises(PermissionDenied):
        svc.lift_listing(entry, world.users["county"]["unit"], "自行移出")


def test_listing_outside_ones_region_is_refused(world, school):
    with pytest.raises(PermissionDenied):
        svc.add_listing(world.users["sibling"]["perf"], "unit", school.project.unit, "越权", "other")
    assert not NegativeListEntry.objects.exists()


def test_listing_default_term_comes_from_the_rule_set(world, school):
    entry = svc.add_listing(world.users["county"]["perf"], "unit", school.project.unit, "问题", "other",
                            listed_on=datetime.date(2025, 1, 31))
    assert entry.expires_on == datetime.date(2026, 1, 31)
    forever = svc.add_listing(world.users["county"]["perf"], "unit", school.project.unit, "问题", "other",
                              expires_on=None)
    assert forever.expires_on is None
