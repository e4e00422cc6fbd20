"""The workflow engine on the project-library flow: every allowed step, every refused one, the to-do items."""

import pytest
from django.contrib.contenttypes.models import ContentType

from perfbudget.core.models import TodoItem, WorkflowRecord
from perfbudget.core.workflow import WorkflowError, transition
from perfbudget.projects.models import ProjectYear
from perfbudget.projects.workflow import PROJECT_WORKFLOW as WF


def _open_todos(py):
    ct = ContentType.objects.get_for_model(ProjectYear)
    return list(TodoItem.objects.filter(content_type=ct, object_id=py.pk, closed_at__isnull=True))


def test_full_path_with_return_and_resubmit(world):
    py = world.projects["county"]["school"]
    u = world.users["county"]
    transition(py, WF, "submit", u["unit"])
    assert py.status == "dept_review"
    [todo] = _open_todos(py)
    assert todo.role == "department" and todo.organisation == world.orgs["county"]["edu"] and todo.due_date
    assert list(TodoItem.objects.for_user(u["dept"]).open()) == [todo]
    assert not TodoItem.objects.for_user(u["unit"]).open().exists()
    assert not TodoItem.objects.for_user(world.users["sibling"]["dept"]).open().exists()

    transition(py, WF, "dept_approve", u["dept"], comment="同意")
    [todo] = _open_todos(py)
    assert todo.role == "budget_section" and todo.region == world.county
    assert TodoItem.objects.for_user(u["budget"]).open().count() == 1
    assert not TodoItem.objects.for_user(world.users["city"]["budget"]).open().exists()

    transition(py, WF, "bureau_return", u["budget"], comment="绩效目标不明确，请补充。")
    assert py.status == "returned"
    [todo] = _open_todos(py)
    assert todo.role == "unit" and todo.organisation == world.orgs["county"]["school"]

    transition(py, WF, "submit", u["unit"], comment="已补充")
    transition(py, WF, "dept_approve", u["dept"])
    transition(py, WF, "accept", u["perf"])
    py.refresh_from_db()
    assert py.status == "accepted"
    assert _open_todos(py) == []
    records = list(WorkflowRecord.objects.filter(object_id=py.pk).order_by("at", "id"))
    assert [r.action for r in records] == ["submit", "dept_approve", "bureau_return", "submit", "dept_approve",
                                           "accept"]
    assert records[2].comment == "绩效目标不明确，请补充。" and records[2].user == u["budget"]
    closed = TodoItem.objects.filter(object_id=py.pk, closed_at__isnull=False)
    assert closed.count() == 5 and set(closed.values_list("closed_action", flat=True)) >= {"submit", "accept"}


def test_withdraw_and_dept_return(world):
    py = world.projects["county"]["school"]
    u = world.users["county"]
    transition(py, WF, "submit", u["unit"])
    transition(py, WF, "withdraw", u["unit"])
    assert py.status == "draft" and _open_todos(py) == []
    transition(py, WF, "submit", u["unit"])
    transition(py, WF, "dept_return", u["dept"], comment="金额测算依据不足")
    assert py.status == "returned"


@pytest.mark.parametrize("actor,action,status,message", [
    ("dept", "submit", "draft", "没有执行"),            # wrong role
    ("budget", "submit", "draft", "没有执行"),
    ("unit", "dept_approve", "dept_review", "没有执行"),
    ("unit", "accept", "bureau_review", "没有执行"),
    ("dept", "accept", "bureau_review", "没有执行"),
    ("oversight", "accept", "bureau_review", "没有执行"),
    ("funding", "accept", "bureau_review", "没有执行"),
    ("unit", "withdraw", "draft", "不能执行"),           # wrong state
    ("dept", "dept_approve", "draft", "不能执行"),
    ("budget", "accept", "dept_review", "不能执行"),
    ("unit", "submit", "accepted", "不能执行"),
    ("budget", "bureau_return", "accepted", "不能执行"),
    ("unit", "fly", "draft", "未知操作"),
])
def test_refused(world, actor, action, status, message):
    py = world.projects["county"]["school"]
    ProjectYear.objects.filter(pk=py.pk).update(status=status)
    py.refresh_from_db()
    before = (WorkflowRecord.objects.count(), TodoItem.objects.count(), py.row_version)
    with pytest.raises(WorkflowError, match=message):
        transition(py, WF, action, world.users["county"][actor], comment="x")
    py.refresh_from_db()
    assert py.status == status
    assert (WorkflowRecord.objects.count(), TodoItem.objects.count(), py.row_version) == before


def test_refused_outside_scope(world):
    """A department of another county cannot approve, even with the right role and state."""
    py = world.projects["county"]["school"]
    transition(py, WF, "submit", world.users["county"]["unit"])
    with pytest.raises(WorkflowError, match="没有执行"):
        transition(py, WF, "dept_approve", world.users["sibling"]["dept"])
    with pytest.raises(WorkflowError, match="没有执行"):
        transition(py, WF, "dept_approve", world.users["city"]["dept"])
    # The city budget section sees the county project but may not accept it (read-only below its level).
    transition(py, WF, "dept_approve", world.users["county"]["dept"])
    with pytest.raises(WorkflowError, match="没有执行"):
        transition(py, WF, "accept", world.users["city"]["budget"])


def test_return_needs_comment_and_stale_form_refused(world):
    py = world.projects["county"]["school"]
    u = world.users["county"]
    transition(py, WF, "submit", u["unit"])
    with pytest.raises(WorkflowError, match="必须填写意见"):
        transition(py, WF, "dept_return", u["dept"], comment="  ")
    seen = py.row_version
    transition(py, WF, "dept_approve", u["dept"], expected_version=seen)
    py.refresh_from_db()
    with pytest.raises(WorkflowError, match="已被他人修改"):
        transition(py, WF, "accept", u["budget"], expected_version=seen)
    assert ProjectYear.objects.get(pk=py.pk).status == "bureau_review"


def test_guard_blocks_submit_of_zero_budget(world):
    py = world.projects["county"]["school"]
    ProjectYear.objects.filter(pk=py.pk).update(initial_budget=0)
    py.refresh_from_db()
    with pytest.raises(WorkflowError, match="预算金额必须大于0"):
        transition(py, WF, "submit", world.users["county"]["unit"])


def test_available_actions(world):
    py = world.projects["county"]["school"]
    u = world.users["county"]
    assert [t.action for t in WF.available(py, u["unit"])] == ["submit"]
    assert WF.available(py, u["dept"]) == []
    transition(py, WF, "submit", u["unit"])
    assert {t.action for t in WF.available(py, u["dept"])} == {"dept_approve", "dept_return"}
    assert WF.available(py, world.users["county"]["oversight"]) == []


def test_transition_view_and_inbox(world, client):
    from django.urls import reverse

    py = world.projects["county"]["school"]
    client.force_login(world.users["county"]["unit"])
    r = client.post(reverse("projects:transition", args=[py.pk]), {"action": "submit", "row_version": py.row_version})
    assert r.status_code == 302
    client.force_login(world.users["county"]["dept"])
    r = client.get(reverse("core:inbox"))
    assert "审核项目入库申请" in r.content.decode() and py.project.name in r.content.decode()
    r = client.post(reverse("projects:transition", args=[py.pk]), {"action": "dept_return", "comment": ""},
                    follow=True)
    assert "必须填写意见" in r.content.decode()
    client.force_login(world.users["sibling"]["dept"])
    r = client.post(reverse("projects:transition", args=[py.pk]), {"action": "dept_approve"})
    assert r.status_code == 404
    assert ProjectYear.objects.get(pk=py.pk).status == "dept_review"


def test_a_class_projects_also_reach_the_performance_office(world):
    """Either bureau role may accept; when one does, the other's to-do closes with it."""
    u = world.users["county"]
    py = world.projects["county"]["farm"]  # 6,000,000 元: class A
    ProjectYear.objects.filter(pk=py.pk).update(status="dept_review")
    py.refresh_from_db()
    agri_dept = user_for(world, "agri")
    transition(py, WF, "dept_approve", agri_dept)
    assert {t.role for t in _open_todos(py)} == {"budget_section", "performance_office"}
    assert TodoItem.objects.for_user(u["perf"]).open().filter(object_id=py.pk).exists()
    transition(py, WF, "accept", u["perf"])
    assert _open_todos(py) == []
    school = world.projects["county"]["school"]  # class B: the budget section only
    transition(school, WF, "submit", u["unit"])
    transition(school, WF, "dept_approve", u["dept"])
    assert {t.role for t in _open_todos(school)} == {"budget_section"}


def user_for(world, org_key):
    """A department user of `org_key` in the county (the world's dept user is the education bureau's)."""
    from perfbudget.orgs.choices import Role
    from tests.factories import user

    return user("county_agri_dept", Role.DEPARTMENT, organisation=world.orgs["county"][org_key])


def test_a_role_granted_on_a_region_sees_only_its_own_todos(world):
    """Experts are granted on a region: an item for another expert (role set, no node) must not reach them."""
    from perfbudget.orgs.models import RoleGrant, User

    py = world.projects["county"]["school"]
    ct = ContentType.objects.get_for_model(ProjectYear)
    experts = []
    for name in ("expert_a", "expert_b"):
        u = User.objects.create_user(name, password="x")
        RoleGrant.objects.create(user=u, role="expert", region=world.county)
        experts.append(User.objects.get(pk=u.pk))
    common = {"content_type": ct, "object_id": py.pk, "stage": "evaluation", "workflow": "t", "state": "s",
              "title": "评分"}
    mine = TodoItem.objects.create(role="expert", user=experts[0], **common)
    TodoItem.objects.create(role="expert", user=experts[1], **common)
    TodoItem.objects.create(role="expert", **common)
    assert list(TodoItem.objects.for_user(experts[0])) == [mine]


@pytest.mark.parametrize("expected, what, message", [
    (None, None, None), ("", None, None), (1, None, None), ("1", "监控表", None),
    (3, None, "该记录已被他人修改（您看到的是第 3 版，当前为第 1 版），请刷新后重试。"),
    ("0", "自评表", "该自评表已被他人修改（您看到的是第 0 版，当前为第 1 版），请刷新后重试。"),
])
def test_stale_message(expected, what, message):
    py = ProjectYear(row_version=1)
    assert py.stale_message(expected, what) == message


def test_assign_changed_sets_only_what_differs():
    from perfbudget.core.models import assign_changed

    py = ProjectYear(year=2025, status="draft")
    assert assign_changed(py, {"year": 2025, "status": "accepted"}) == ["status"]
    assert py.status == "accepted" and assign_changed(py, {"status": "accepted"}) == []
