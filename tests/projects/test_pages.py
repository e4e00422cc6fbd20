"""The project library pages: list, filters, detail tabs, create, edit, workflow actions."""

import pytest
from django.urls import reverse

from perfbudget.projects.models import ProjectYear


def test_list_shows_only_scope_and_filters(world, login):
    c = login(world.users["county"]["unit"])
    r = c.get(reverse("projects:list"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "COUNTY-EDU-1" in html
    assert "COUNTY-EDU-2" not in html  # another unit of the same department
    assert "SIBLING" not in html and "CITY-" not in html


def test_list_search_sort_paginate(world, login):
    c = login(world.users["city"]["perf"])
    r = c.get(reverse("projects:list"), {"q": "农田", "sort": "-initial_budget"})
    html = r.content.decode()
    assert "CITY-AGR-1" in html and "COUNTY-AGR-1" in html
    assert "SIBLING-AGR-1" in html  # the city bureau sees every county below it
    assert "CITY-EDU-1" not in html
    r = c.get(reverse("projects:list"), {"status": "nonsense"})
    assert r.status_code == 200


@pytest.mark.parametrize("tab", ["info", "workflow", "history"])
def test_detail_tabs(world, login, tab):
    py = world.projects["county"]["school"]
    c = login(world.users["county"]["dept"])
    r = c.get(reverse("projects:detail", args=[py.pk]), {"tab": tab})
    assert r.status_code == 200
    assert py.project.name in r.content.decode()


def test_detail_out_of_scope_is_404(world, login):
    py = world.projects["sibling"]["school"]
    c = login(world.users["county"]["perf"])
    assert c.get(reverse("projects:detail", args=[py.pk])).status_code == 404
    url = reverse("core:history", args=["projects", "projectyear", py.pk])
    assert c.get(url).status_code == 404
    assert c.get(url, {"export": "xlsx"}).status_code == 404


def test_create_edit_and_history(world, login):
    u = world.users["county"]["unit"]
    c = login(u)
    form = {
        "code": "new-001", "name": "校园安全设施改造", "unit": world.orgs["county"]["school"].code, "year": 2026,
        "budget_type": "general", "function_class": "2050201", "project_class": "specific", "special_fund": "False",
        "key_work": "False", "is_new": "True", "start_year": 2026, "end_year": 2027, "initial_budget": "1500000",
        "adjusted_budget": "", "abc_class": "", "abc_override_reason": "", "description": "",
    }
    r = c.post(reverse("projects:create"), form)
    assert r.status_code == 302, r.content.decode()[:2000]
    py = ProjectYear.objects.get(project__code="NEW-001")
    assert py.abc_class == "B" and "全国默认" in py.abc_ruleset
    # Override the class without a reason: refused with a Chinese message.
    r = c.post(reverse("projects:edit", args=[py.pk]), {**form, "abc_class": "A"})
    assert r.status_code == 200 and "必须说明理由" in r.content.decode()
    r = c.post(reverse("projects:edit", args=[py.pk]), {**form, "abc_class": "A", "abc_override_reason": "县委重点"})
    assert r.status_code == 302
    py.refresh_from_db()
    assert py.abc_class == "A" and py.abc_computed == "B" and py.abc_overridden
    r = c.get(reverse("projects:detail", args=[py.pk]), {"tab": "history"})
    assert "县委重点" in r.content.decode()
    r = c.get(reverse("core:history", args=["projects", "projectyear", py.pk]), {"export": "xlsx"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_create_for_unit_out_of_scope_refused(world, login):
    c = login(world.users["county"]["unit"])
    form = {
        "code": "X-1", "name": "越权项目", "unit": world.orgs["sibling"]["school"].code, "year": 2026,
        "budget_type": "general", "function_class": "2050201", "project_class": "specific", "special_fund": "False",
        "key_work": "False", "is_new": "True", "start_year": 2026, "end_year": 2026, "initial_budget": "100",
    }
    r = c.post(reverse("projects:create"), form)
    assert r.status_code == 200 and "不在您的管理范围内" in r.content.decode()
    assert not ProjectYear.objects.filter(project__code="X-1").exists()


def test_pages_render_for_every_role(world, client):
    for key in ("city", "county"):
        for role, user in world.users[key].items():
            client.force_login(user)
            for name in ("core:inbox", "projects:list", "rulesets:list", "orgs:list"):
                r = client.get(reverse(name))
                assert r.status_code == 200, (role, name)


def test_delete_draft_only(world, login):
    from auditlog.models import LogEntry

    from perfbudget.core.workflow import transition
    from perfbudget.projects.models import Project
    from perfbudget.projects.workflow import PROJECT_WORKFLOW

    unit = world.users["county"]["unit"]
    c = login(unit)
    py = world.projects["county"]["school"]
    pk, project_pk = py.pk, py.project.pk
    # Another unit's draft: not in the change scope.
    other = world.projects["county"]["school2"]
    assert c.post(reverse("projects:delete", args=[other.pk])).status_code == 404
    # Once submitted it cannot be deleted.
    transition(py, PROJECT_WORKFLOW, "submit", unit)
    r = c.post(reverse("projects:delete", args=[pk]), follow=True)
    assert "不能删除" in r.content.decode() or "只能删除" in r.content.decode()
    assert ProjectYear.objects.filter(pk=pk).exists()
    fresh = world.projects["county"]["farm"]
    c = login(world.users["county"]["budget"])
    r = c.post(reverse("projects:delete", args=[fresh.pk]))
    assert r.status_code == 302 and not ProjectYear.objects.filter(pk=fresh.pk).exists()
    assert not Project.objects.filter(pk=fresh.project.pk).exists()
    gone = LogEntry.objects.filter(action=LogEntry.Action.DELETE, content_type__model="projectyear").get()
    assert gone.serialized_data and gone.actor == world.users["county"]["budget"]
    assert Project.objects.filter(pk=project_pk).exists()


def test_undo_by_history(world, login):
    from auditlog.models import LogEntry

    unit = world.users["county"]["unit"]
    c = login(unit)
    py = world.projects["county"]["school"]
    form = {
        "code": py.project.code, "name": py.project.name, "unit": world.orgs["county"]["school"].code,
        "year": py.year, "budget_type": "general", "function_class": "2050201", "project_class": "specific",
        "special_fund": "False", "key_work": "False", "is_new": "True", "start_year": py.project.start_year,
        "end_year": py.project.end_year, "initial_budget": "1200000", "description": "",
    }
    c.post(reverse("projects:edit", args=[py.pk]), {**form, "initial_budget": "7000000", "name": "改名后的项目"})
    py.refresh_from_db()
    assert py.initial_budget == 7000000 and py.abc_class == "A" and py.project.name == "改名后的项目"
    budget_entry = LogEntry.objects.get_for_object(py).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    name_entry = LogEntry.objects.get_for_object(py.project).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    html = c.get(reverse("projects:detail", args=[py.pk]), {"tab": "history"}).content.decode()
    assert f'data-revert="{budget_entry.pk}"' in html
    r = c.post(reverse("projects:revert", args=[py.pk, budget_entry.pk]), follow=True)
    assert "已撤销" in r.content.decode(), r.content.decode()[r.content.decode().find("alert"):][:400]
    py.refresh_from_db()
    assert py.initial_budget == 1200000 and py.abc_class == "B"  # the class follows the rules again
    c.post(reverse("projects:revert", args=[py.pk, name_entry.pk]))
    py.project.refresh_from_db()
    assert py.project.name == world.projects["county"]["school"].project.name
    undo = LogEntry.objects.get_for_object(py).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert undo.actor == unit and undo.changes_dict["initial_budget"] == ["7000000.00", "1200000.00"]
    # An entry of another project cannot be used here; another user outside the scope gets 404.
    other = world.projects["county"]["school2"]
    assert c.post(reverse("projects:revert", args=[other.pk, budget_entry.pk])).status_code == 404
    c = login(world.users["sibling"]["unit"])
    assert c.post(reverse("projects:revert", args=[py.pk, budget_entry.pk])).status_code == 404


def test_undo_refused_once_submitted(world, login):
    from auditlog.models import LogEntry

    from perfbudget.core.workflow import transition
    from perfbudget.projects.workflow import PROJECT_WORKFLOW

    unit = world.users["county"]["unit"]
    c = login(unit)
    py = world.projects["county"]["school"]
    form = {
        "code": py.project.code, "name": "新名称", "unit": world.orgs["county"]["school"].code, "year": py.year,
        "budget_type": "general", "function_class": "2050201", "project_class": "specific", "special_fund": "False",
        "key_work": "False", "is_new": "True", "start_year": py.project.start_year, "end_year": py.project.end_year,
        "initial_budget": "1200000",
    }
    c.post(reverse("projects:edit", args=[py.pk]), form)
    entry = LogEntry.objects.get_for_object(py.project).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    transition(py, PROJECT_WORKFLOW, "submit", unit)
    r = c.post(reverse("projects:revert", args=[py.pk, entry.pk]), follow=True)
    assert "不能修改" in r.content.decode()
    py.project.refresh_from_db()
    assert py.project.name == "新名称"


def test_region_filter_with_and_without_the_levels_below(world, login):
    c = login(world.users["city"]["perf"])
    html = c.get(reverse("projects:list"), {"region": "640300"}).content.decode()
    assert "CITY-EDU-1" in html and "COUNTY-EDU-1" in html
    html = c.get(reverse("projects:list"), {"region": "640300", "region_only": "true"}).content.decode()
    assert "CITY-EDU-1" in html and "COUNTY-EDU-1" not in html


def test_new_project_form_preselects_the_only_unit_and_the_newest_year(world, login):
    html = login(world.users["county"]["unit"]).get(reverse("projects:create")).content.decode()
    school = world.orgs["county"]["school"]
    assert f'<option value="{school.code}" selected>' in html
    assert '<option value="2026" selected>' in html
    html = login(world.users["county"]["budget"]).get(reverse("projects:create")).content.decode()
    assert f'<option value="{school.code}" selected>' not in html  # many units: the user chooses
