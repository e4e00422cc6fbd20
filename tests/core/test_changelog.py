"""The change log: who, when, request id, before/after, on every business write; the history page and export."""

import io

from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from perfbudget.projects.models import ProjectYear


def _form(world, **over):
    base = {
        "code": "CL-1", "name": "乡村道路养护", "unit": world.orgs["county"]["school"].code, "year": 2026,
        "budget_type": "general", "function_class": "2050201", "project_class": "specific", "special_fund": "False",
        "key_work": "False", "is_new": "True", "start_year": 2026, "end_year": 2026, "initial_budget": "900000",
    }
    return {**base, **over}


def test_create_and_update_are_logged_with_user_and_request_id(world, client):
    user = world.users["county"]["unit"]
    client.force_login(user)
    r = client.post(reverse("projects:create"), _form(world), HTTP_X_REQUEST_ID="req-create-1")
    assert r.status_code == 302 and r["X-Request-ID"] == "req-create-1"
    py = ProjectYear.objects.get(project__code="CL-1")
    created = LogEntry.objects.get_for_object(py).get()
    assert created.action == LogEntry.Action.CREATE and created.actor == user and created.cid == "req-create-1"
    r = client.post(reverse("projects:edit", args=[py.pk]), _form(world, initial_budget="1,100,000"),
                    HTTP_X_REQUEST_ID="req-edit-2")
    assert r.status_code == 302
    update = LogEntry.objects.get_for_object(py).filter(action=LogEntry.Action.UPDATE).get()
    assert update.cid == "req-edit-2"
    assert update.changes_dict["initial_budget"] == ["900000.00", "1100000.00"]
    assert update.changes_dict["abc_class"] == ["C", "B"]


def test_generated_request_id_when_none_given(world, client):
    client.force_login(world.users["county"]["unit"])
    r = client.post(reverse("projects:create"), _form(world))
    entry = LogEntry.objects.filter(content_type__model="projectyear").latest("timestamp")
    assert entry.cid and len(entry.cid) == 32 and r["X-Request-ID"] == entry.cid


def test_history_page_and_export(world, client):
    client.force_login(world.users["county"]["unit"])
    client.post(reverse("projects:create"), _form(world))
    py = ProjectYear.objects.get(project__code="CL-1")
    client.post(reverse("projects:edit", args=[py.pk]), _form(world, name="乡村道路养护（调整）"))
    url = reverse("core:history", args=["projects", "project", py.project.pk])
    html = client.get(url).content.decode()
    assert "乡村道路养护（调整）" in html and "修改" in html
    r = client.get(url, {"export": "xlsx"})
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert any(row[3] == "项目名称" and row[4] == "乡村道路养护" and row[5] == "乡村道路养护（调整）" for row in rows)
    assert all(row[6] == str(world.users["county"]["unit"]) for row in rows)


def test_history_of_unknown_or_unlogged_models_is_404(world, client):
    client.force_login(world.admin)
    assert client.get(reverse("core:history", args=["core", "todoitem", 1])).status_code == 404
    assert client.get(reverse("core:history", args=["nope", "nope", 1])).status_code == 404


def test_organisation_history_is_scoped(world, client):
    org = world.orgs["sibling"]["school"]
    url = reverse("core:history", args=["orgs", "organisation", org.pk])
    client.force_login(world.users["county"]["perf"])
    assert client.get(url).status_code == 404
    client.force_login(world.users["city"]["perf"])
    assert client.get(url).status_code == 200


def test_workflow_step_outside_a_request_names_its_actor(world):
    """Jobs and commands have no request: the change log still names who took the step."""
    from perfbudget.core.workflow import transition
    from perfbudget.projects.workflow import PROJECT_WORKFLOW

    py = world.projects["county"]["school"]
    transition(py, PROJECT_WORKFLOW, "submit", world.users["county"]["unit"])
    entry = LogEntry.objects.get_for_object(py).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == world.users["county"]["unit"]
    assert entry.changes_dict["status"] == ["draft", "dept_review"]


def test_many_to_many_changes_are_described(world):
    from auditlog.context import set_actor

    from perfbudget.core.history import describe
    from tests.pools.helpers import agency

    school = world.orgs["county"]["school"]
    a = agency(world.county)
    with set_actor(world.admin):
        a.ties.add(school)
        a.ties.remove(school)
    added, removed = LogEntry.objects.get_for_object(a).filter(changes__has_key="ties").order_by("pk")
    assert describe(added) == [("关联单位", "", f"新增：{school}")]
    assert describe(removed) == [("关联单位", f"移除：{school}", "")]


def test_creation_shows_neither_the_key_nor_reverse_relations_and_json_reads_in_chinese(world):
    from perfbudget.core.history import describe
    from tests.evaluation.helpers import make_selfeval

    se = make_selfeval(world)
    created = LogEntry.objects.get_for_object(se).get(action=LogEntry.Action.CREATE)
    assert {"id", "rows", "review_problems"} <= set(created.changes_dict)  # what auditlog logs on creation
    rows = describe(created)
    labels = {str(label) for label, _before, _after in rows}
    assert not labels & {"ID", "rows", "review_problems"}, labels
    assert not any(".None" in str(after) for _label, _before, after in rows)
    assert "项目年度" in labels or "项目" in labels, labels


def test_logged_json_reads_in_chinese():
    from perfbudget.core.history import _shown

    assert _shown('{"\\u4ea7\\u51fa": 50}') == '{"产出": 50}'
    assert _shown('[{"name": "\\u51b3\\u7b56", "chi...') == '[{"name": "决策", "chi...'  # cut short by the log
    assert _shown("None") == "" and _shown("[1, 2]") == "[1, 2]"


def test_creation_shows_no_generic_key(world):
    from perfbudget.core.history import describe
    from perfbudget.pools import services
    from tests.pools.helpers import expert

    expert(world.county)
    school = world.orgs["county"]["school"]
    draw = services.commit_draw(world.users["county"]["perf"], kind="expert", count=1, region=world.county,
                                purpose="专家抽取", subject_orgs=[world.orgs["county"]["edu"]], target=school)
    created = LogEntry.objects.get_for_object(draw).get(action=LogEntry.Action.CREATE)
    assert "target" in created.changes_dict  # auditlog logs the generic key beside its two columns
    labels = {str(label) for label, _before, _after in describe(created)}
    assert "target" not in labels and {"对象类型", "对象编号"} <= labels, labels
