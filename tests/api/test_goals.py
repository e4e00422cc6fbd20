"""/api/goals/: declaring (rows nested, the page's row errors), submitting, the whole review path, staleness,
scopes per role, filters, and /api/goals/check/ on perfbudget.goals/1 documents."""

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from perfbudget.goals.models import Goal
from perfbudget.rulesets.services import revise
from tests.factories import GOOD_ROWS, declare_goal, goal_rows, user

from .helpers import all_results

URL = "/api/goals/"
CHECK = "/api/goals/check/"
EXAMPLES = Path("/work/shared/formats/examples")
OVERALL = "完成校舍维修，消除安全隐患。"


def body(py, rows=None, **extra):
    return {"project_year": py.pk, "overall_goal": OVERALL, "annual_goal": OVERALL,
            "indicators": goal_rows() if rows is None else rows, **extra}


def warned_rows():
    """GOOD_ROWS with one unit left out: a MISSING_UNIT warning on row index 1 and nothing worse."""
    rows = goal_rows()
    rows[1]["unit"] = ""
    return rows


@pytest.fixture
def county(world):
    return world.users["county"]


@pytest.fixture
def unit_client(world, token_client):
    return token_client(world.users["county"]["unit"])


@pytest.fixture
def draft(world, county):
    return declare_goal(world.projects["county"]["school"], county["unit"])


# --- declaring ----------------------------------------------------------------------------------------------

def test_create_then_detail_and_list(world, unit_client):
    py = world.projects["county"]["school"]
    r = unit_client.post(URL, body(py, change_reason=""), format="json")
    assert r.status_code == 201, r.content
    goal = r.json()
    assert goal["url"] == f"http://testserver{URL}{goal['id']}/"
    assert {k: goal[k] for k in ("project_year", "project_code", "project_name", "year", "unit_code",
                                 "department_code", "region_code", "kind", "kind_label", "version", "status",
                                 "status_label", "overall_goal", "previous")} == {
        "project_year": py.pk, "project_code": "COUNTY-EDU-1", "project_name": "county学校校舍维修", "year": 2025,
        "unit_code": "640323-JYJ-01", "department_code": "640323-JYJ", "region_code": "640323",
        "kind": "annual", "kind_label": "年初申报", "version": 1, "status": "draft", "status_label": "草稿",
        "overall_goal": OVERALL, "previous": None}
    rows = goal["indicators"]
    assert [r["position"] for r in rows] == list(range(9))
    assert rows[0] == {"position": 0, "level1": "产出指标", "level2": "数量指标", "name": "维修校舍面积",
                       "comparator": "ge", "target": "3200", "upper": "", "unit": "平方米", "basis": "plan",
                       "weight": "15.00", "is_core": False, "entry": None, "note": "", "printed": "≥3200平方米"}
    assert rows[3]["printed"] == "2025年8月31日前"
    report = goal["quality_report"]
    assert report["counts"]["error"] == 0 and report["passed"] is True and report["indicator_count"] == 9
    assert goal["quality_score"] is not None
    assert goal["history"] == []
    assert goal["row_version"] >= 1

    detail = unit_client.get(f"{URL}{goal['id']}/").json()
    assert detail["indicators"] == rows and detail["history"] == []
    listed = all_results(unit_client, URL)
    assert [g["id"] for g in listed] == [goal["id"]]
    assert listed[0]["history"] is None  # detail only
    assert listed[0]["indicators"] == rows


def test_create_accepts_the_page_spellings(world, unit_client):
    rows = goal_rows()
    rows[0].update(comparator="≥", basis="行业标准", weight="15分", is_core="是")
    rows[2].update(comparator="区间", target="95", upper="100", unit="%")
    r = unit_client.post(URL, body(world.projects["county"]["school"], rows), format="json")
    assert r.status_code == 201, r.content
    first, third = r.json()["indicators"][0], r.json()["indicators"][2]
    assert (first["comparator"], first["basis"], first["weight"], first["is_core"]) == ("ge", "industry", "15.00",
                                                                                         True)
    assert (third["comparator"], third["printed"]) == ("range", "95%-100%")


def test_row_errors_are_400_and_nothing_is_created(world, unit_client):
    py = world.projects["county"]["school"]
    rows = goal_rows()
    rows[0]["comparator"] = "大约"
    rows[1]["target"] = ""
    rows[2]["level1"] = "投入指标"
    rows[4]["weight"] = "很多"
    r = unit_client.post(URL, body(py, rows), format="json")
    assert r.status_code == 400
    data = r.json()
    assert data["detail"] == "绩效指标有4处需要修改。"
    assert [(e["row"], e["field"]) for e in data["errors"]] == [(1, "comparator"), (2, "target"), (3, "level1"),
                                                                (5, "weight")]
    assert data["errors"][1]["message"] == "请填写指标值。"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in data["errors"])
    assert not Goal.objects.filter(project_year=py).exists()  # the draft is rolled back with the rows

    r = unit_client.post(URL, body(py, []), format="json")
    assert r.status_code == 400
    assert r.json()["errors"] == [{"row": None, "field": "", "message": "至少填写一个绩效指标。"}]
    assert not Goal.objects.filter(project_year=py).exists()


@pytest.mark.parametrize(("payload", "fields"), [
    ({}, {"project_year", "indicators"}),
    ({"project_year": 999999, "indicators": []}, {"project_year"}),
    ({"project_year": "x", "indicators": "not a list"}, {"project_year", "indicators"}),
    ({"indicators": [1, 2]}, {"indicators"}),  # field errors first; the missing project year after
])
def test_create_needs_a_project_year_and_rows(world, unit_client, payload, fields):
    r = unit_client.post(URL, payload, format="json")
    assert r.status_code == 400
    assert set(r.json()) == fields, r.json()


def test_create_is_for_the_unit_of_the_project(world, token_client, county):
    # Another unit's project is not even offered (400 on the field); a department may not declare (403).
    r = token_client(county["unit"]).post(URL, body(world.projects["county"]["farm"]), format="json")
    assert r.status_code == 400 and "project_year" in r.json()
    r = token_client(county["dept"]).post(URL, body(world.projects["county"]["school"]), format="json")
    assert r.status_code == 403
    assert r.json() == {"detail": "无权为该项目申报绩效目标。"}
    r = token_client(county["oversight"]).post(URL, body(world.projects["county"]["school"]), format="json")
    assert r.status_code == 403
    assert not Goal.objects.exists()


def test_second_goal_for_the_same_year_is_409(world, unit_client, draft):
    r = unit_client.post(URL, body(world.projects["county"]["school"]), format="json")
    assert r.status_code == 409
    assert "已有绩效目标" in r.json()["detail"]


def test_update_put_and_patch(unit_client, draft):
    url = f"{URL}{draft.pk}/"
    r = unit_client.patch(url, {"annual_goal": "年内完成3200平方米校舍维修。"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["annual_goal"] == "年内完成3200平方米校舍维修。"
    assert len(r.json()["indicators"]) == 9  # rows kept when not sent
    rows = goal_rows(GOOD_ROWS[:8] + (("满意度指标", "服务对象满意度指标", "家长满意度", "ge", "92", "%", "10"),))
    r = unit_client.put(url, {"overall_goal": OVERALL, "annual_goal": "x", "indicators": rows}, format="json")
    assert r.status_code == 200, r.content
    assert [row["name"] for row in r.json()["indicators"]][-1] == "家长满意度"
    draft.refresh_from_db()
    assert draft.rows.count() == 9 and draft.annual_goal == "x"
    r = unit_client.patch(url, {"project_year": draft.project_year_id + 1}, format="json")
    assert r.status_code == 400 and "project_year" in r.json()


def test_update_row_errors(unit_client, draft):
    rows = goal_rows()
    rows[8]["level2"] = "质量指标"
    r = unit_client.patch(f"{URL}{draft.pk}/", {"indicators": rows}, format="json")
    assert r.status_code == 400
    (error,) = r.json()["errors"]
    assert (error["row"], error["field"]) == (9, "level2")
    assert error["message"].startswith("「质量指标」不属于「满意度指标」")


def test_stale_row_version_is_409(unit_client, draft):
    url = f"{URL}{draft.pk}/"
    seen = unit_client.get(url).json()["row_version"]
    r = unit_client.patch(url, {"overall_goal": "第一次修改", "row_version": seen}, format="json")
    assert r.status_code == 200
    assert r.json()["row_version"] > seen
    r = unit_client.patch(url, {"overall_goal": "基于旧版本的修改", "row_version": seen}, format="json")
    assert r.status_code == 409
    assert "已被他人修改" in r.json()["detail"]
    draft.refresh_from_db()
    assert draft.overall_goal == "第一次修改"


def test_who_may_change_a_draft(world, token_client, county, draft):
    url = f"{URL}{draft.pk}/"
    patch = {"overall_goal": "改"}
    assert token_client(county["dept"]).patch(url, patch, format="json").status_code == 403
    r = token_client(county["oversight"]).patch(url, patch, format="json")
    assert r.status_code == 403 and r.json() == {"detail": "您只能查看该记录，无权修改。"}
    assert token_client(world.users["city"]["perf"]).patch(url, patch, format="json").status_code == 403
    r = token_client(world.users["sibling"]["unit"]).patch(url, patch, format="json")
    assert r.status_code == 404
    r = token_client(county["agency"]).patch(url, patch, format="json")
    assert r.status_code == 404
    draft.refresh_from_db()
    assert draft.overall_goal == OVERALL


# --- submitting and reviewing -------------------------------------------------------------------------------

def review(client, goal, action, **extra):
    return client.post(f"{URL}{goal.pk}/review/", {"action": action, **extra}, format="json")


def test_whole_review_path_through_the_api(world, token_client, county):
    unit = token_client(county["unit"])
    r = unit.post(URL, body(world.projects["county"]["school"]), format="json")
    goal = Goal.objects.get(pk=r.json()["id"])
    r = unit.post(f"{URL}{goal.pk}/submit/", {}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "dept_review"
    r = review(token_client(county["dept"]), goal, "approve", comment="同意")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "section_review"
    r = review(token_client(county["funding"]), goal, "approve", comment="业务上可行",
               criteria={"completeness": 24, "relevance": "23", "feasibility": 22.5, "appropriateness": None})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "office_review"
    seen = r.json()["row_version"]
    r = review(token_client(county["perf"]), goal, "approve", row_version=seen)
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["status"] == "approved" and data["approved_at"]
    steps = [(h["action"], h["from_state"], h["to_state"]) for h in data["history"]]
    assert steps == [("submit", "draft", "dept_review"), ("dept_approve", "dept_review", "section_review"),
                     ("section_approve", "section_review", "office_review"),
                     ("office_approve", "office_review", "approved")]
    funding = data["history"][2]
    assert funding["comment"] == "业务上可行" and funding["role"] == "funding_section"
    assert funding["remarks"] == {"criteria": {"completeness": 24.0, "relevance": 23.0, "feasibility": 22.5},
                                  "criteria_total": 69.5}
    assert data["history"][0]["user"] == "county_unit"
    # Approved: no more changes, no more reviews.
    assert unit.patch(f"{URL}{goal.pk}/", {"overall_goal": "x"}, format="json").status_code == 403
    r = review(token_client(county["perf"]), goal, "approve")
    assert r.status_code == 409 and r.json()["detail"] == "该绩效目标当前不在审核环节。"


def test_return_with_comments_then_resubmit(world, token_client, county):
    goal = declare_goal(world.projects["county"]["school"], county["unit"], submit=True)
    review(token_client(county["dept"]), goal, "approve")
    funding = token_client(county["funding"])
    r = review(funding, goal, "return")
    assert r.status_code == 400 and r.json() == {"comment": ["退回修改必须填写意见。"]}
    r = review(funding, goal, "return", comment="受益学生人数偏低", indicator_comments={"9": "x", "a": "y"})
    assert r.status_code == 400 and r.json() == {"indicator_comments": ["逐项意见指向不存在的指标行：9、a"]}
    r = review(funding, goal, "return", comment="受益学生人数偏低", indicator_comments={"6": "请按在校生人数填写"},
               criteria={"completeness": 20})
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["status"] == "returned"
    last = data["history"][-1]
    assert (last["action"], last["comment"]) == ("section_return", "受益学生人数偏低")
    assert last["remarks"]["indicators"] == {"6": {"name": "受益学生人数", "comment": "请按在校生人数填写"}}
    assert last["remarks"]["criteria"] == {"completeness": 20.0}
    # The unit revises and resubmits; the review starts again at the department.
    unit = token_client(county["unit"])
    rows = goal_rows()
    rows[6]["target"] = "2100"
    r = unit.patch(f"{URL}{goal.pk}/", {"indicators": rows}, format="json")
    assert r.status_code == 200, r.content
    r = unit.post(f"{URL}{goal.pk}/submit/", {"comment": "已按意见修改"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "dept_review"
    assert r.json()["history"][-1]["comment"] == "已按意见修改"


def test_review_criteria_are_checked(world, token_client, county):
    goal = declare_goal(world.projects["county"]["school"], county["unit"], submit=True)
    r = review(token_client(county["dept"]), goal, "approve", criteria={"completeness": 26})
    assert r.status_code == 400 and "completeness" in r.json()["criteria"]
    r = review(token_client(county["dept"]), goal, "maybe")
    assert r.status_code == 400 and "action" in r.json()
    goal.refresh_from_db()
    assert goal.status == "dept_review"


def test_only_the_reviewer_of_the_step_may_review(world, token_client, county):
    goal = declare_goal(world.projects["county"]["school"], county["unit"], submit=True)
    for role in ("unit", "perf", "funding"):
        r = review(token_client(county[role]), goal, "approve")
        assert r.status_code == 403, role
        assert r.json()["detail"] == "您没有执行「审核通过」的权限。"
    assert review(token_client(county["oversight"]), goal, "approve").status_code == 403
    assert review(token_client(world.users["city"]["perf"]), goal, "approve").status_code == 403
    assert review(token_client(world.users["sibling"]["dept"]), goal, "approve").status_code == 404
    assert review(token_client(county["agency"]), goal, "approve").status_code == 404
    dept = token_client(county["dept"])
    seen = dept.get(f"{URL}{goal.pk}/").json()["row_version"]
    r = review(dept, goal, "approve", row_version=seen - 1)
    assert r.status_code == 409 and "已被他人修改" in r.json()["detail"]
    goal.refresh_from_db()
    assert goal.status == "dept_review"
    assert review(dept, goal, "approve", row_version=seen).status_code == 200


def test_adjustment_of_an_approved_goal(world, token_client, county):
    goal = declare_goal(world.projects["county"]["school"], county["unit"], submit=True)
    for role in ("dept", "funding", "perf"):
        assert review(token_client(county[role]), goal, "approve").status_code == 200
    unit = token_client(county["unit"])
    rows = goal_rows()
    rows[0]["target"] = "3600"
    r = unit.post(URL, body(world.projects["county"]["school"], rows, kind="adjustment"), format="json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert (data["kind"], data["version"], data["previous"], data["status"]) == ("adjustment", 2, goal.pk, "draft")
    assert data["indicators"][0]["printed"] == "≥3600平方米"
    r = unit.post(f"{URL}{data['id']}/submit/", {}, format="json")
    assert r.status_code == 409 and "须说明理由" in r.json()["detail"]
    r = unit.patch(f"{URL}{data['id']}/", {"change_reason": "追加维修面积"}, format="json")
    assert r.status_code == 200
    assert unit.post(f"{URL}{data['id']}/submit/", {}, format="json").json()["status"] == "dept_review"


def test_review_of_a_draft_is_409(token_client, county, draft):
    r = review(token_client(county["dept"]), draft, "approve")
    assert r.status_code == 409
    assert r.json()["detail"] == "该绩效目标当前不在审核环节。"


def test_submit_needs_reasons_for_warnings(world, token_client, county):
    goal = declare_goal(world.projects["county"]["school"], county["unit"], rows=warned_rows())
    unit = token_client(county["unit"])
    detail = unit.get(f"{URL}{goal.pk}/").json()
    warning = next(f for f in detail["quality_report"]["findings"] if f["severity"] == "warning")
    assert (warning["code"], warning["indicator"], warning["key"], warning["reason"]) == (
        "MISSING_UNIT", 1, "MISSING_UNIT:1", "")
    r = unit.post(f"{URL}{goal.pk}/submit/", {}, format="json")
    assert r.status_code == 409
    assert r.json()["detail"].startswith("有1项质量提示尚未说明理由")
    r = unit.post(f"{URL}{goal.pk}/submit/", {"reasons": {"OTHER:3": "无关"}}, format="json")
    assert r.status_code == 409
    goal.refresh_from_db()
    assert goal.warning_reasons == {} and goal.status == "draft"  # nothing saved when the submission fails
    r = unit.post(f"{URL}{goal.pk}/submit/", {"reasons": {"MISSING_UNIT:1": "课桌椅按套计，单位见指标名称"}},
                  format="json")
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["status"] == "dept_review"
    assert data["warning_reasons"] == {"MISSING_UNIT:1": "课桌椅按套计，单位见指标名称"}
    finding = next(f for f in data["quality_report"]["findings"] if f["key"] == "MISSING_UNIT:1")
    assert finding["reason"] == "课桌椅按套计，单位见指标名称"
    r = unit.post(f"{URL}{goal.pk}/submit/", {}, format="json")
    assert r.status_code == 409 and "不能执行" in r.json()["detail"]


def test_submit_is_for_the_unit(world, token_client, county, draft):
    r = token_client(county["dept"]).post(f"{URL}{draft.pk}/submit/", {}, format="json")
    assert r.status_code == 403 and r.json()["detail"] == "您没有执行「提交审核」的权限。"
    assert token_client(county["oversight"]).post(f"{URL}{draft.pk}/submit/", {}, format="json").status_code == 403
    assert token_client(world.users["sibling"]["unit"]).post(f"{URL}{draft.pk}/submit/", {},
                                                             format="json").status_code == 404
    unit = token_client(county["unit"])
    r = unit.post(f"{URL}{draft.pk}/submit/", {"row_version": draft.row_version + 5}, format="json")
    assert r.status_code == 409
    draft.refresh_from_db()
    assert draft.status == "draft"


# --- scopes and filters -------------------------------------------------------------------------------------

@pytest.fixture
def spread(world):
    """Goals of the county's school (submitted) and farm, the county's second school, the city and the sibling."""
    o = world.orgs["county"]
    return {
        "county-school": declare_goal(world.projects["county"]["school"], world.users["county"]["unit"],
                                      submit=True),
        "county-school2": declare_goal(world.projects["county"]["school2"],
                                       user("api-unit-school2", "unit", organisation=o["school2"])),
        "county-farm": declare_goal(world.projects["county"]["farm"],
                                    user("api-unit-farm", "unit", organisation=o["farm"])),
        "city-school": declare_goal(world.projects["city"]["school"], world.users["city"]["unit"]),
        "sibling-school": declare_goal(world.projects["sibling"]["school"], world.users["sibling"]["unit"]),
    }


COUNTY_ALL = {"county-school", "county-school2", "county-farm"}
SCOPES = {
    ("county", "unit"): {"county-school"},
    ("county", "dept"): {"county-school", "county-school2"},
    ("county", "funding"): {"county-school", "county-school2"},
    ("county", "budget"): COUNTY_ALL,
    ("county", "perf"): COUNTY_ALL,
    ("county", "oversight"): COUNTY_ALL,
    ("county", "agency"): set(),
    ("sibling", "unit"): {"sibling-school"},
    ("sibling", "perf"): {"sibling-school"},
    ("city", "unit"): {"city-school"},
    ("city", "perf"): COUNTY_ALL | {"city-school", "sibling-school"},
}


@pytest.mark.parametrize(("key", "role"), list(SCOPES), ids=[f"{k}-{r}" for k, r in SCOPES])
def test_role_sees_exactly_its_goals(world, token_client, spread, key, role):
    client = token_client(world.users[key][role])
    ids = {g.pk: name for name, g in spread.items()}
    assert {ids[g["id"]] for g in all_results(client, URL)} == SCOPES[key, role]
    for name, goal in spread.items():
        r = client.get(f"{URL}{goal.pk}/")
        if name in SCOPES[key, role]:
            assert r.status_code == 200 and r.json()["id"] == goal.pk
        else:
            assert r.status_code == 404, (name, r.status_code)
            assert r.json() == {"detail": "记录不存在或不在您的查看范围内。"}


@pytest.mark.parametrize(("params", "expected"), [
    ({"region": "640323"}, COUNTY_ALL),
    ({"region": "640300"}, COUNTY_ALL | {"city-school", "sibling-school"}),
    ({"department": "640323-NYJ"}, {"county-farm"}),
    ({"status": "dept_review"}, {"county-school"}),
    ({"status": "draft", "region": "640324"}, {"sibling-school"}),
    ({"year": 2025}, COUNTY_ALL | {"city-school", "sibling-school"}),
    ({"q": "农田"}, {"county-farm"}),
    ({"q": "实验小学"}, {"county-school2"}),
    ({"kind": "adjustment"}, set()),
])
def test_filters(world, token_client, spread, params, expected):
    client = token_client(world.users["city"]["perf"])
    ids = {g.pk: name for name, g in spread.items()}
    assert {ids[g["id"]] for g in all_results(client, URL, **params)} == expected


def test_filters_cannot_widen_the_scope(world, token_client, spread):
    client = token_client(world.users["county"]["perf"])
    r = client.get(URL, {"region": "640324"})
    assert r.status_code == 400 and "region" in r.json()
    assert client.get(URL, {"q": "SIBLING"}).json()["count"] == 0


def test_list_ordering_and_query_count(world, token_client, spread):
    client = token_client(world.users["city"]["perf"])
    codes = [g["project_code"] for g in all_results(client, URL, ordering="-code")]
    assert codes == sorted(codes, reverse=True)

    def count_queries(**params):
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(URL, {"page_size": 500, **params})
        assert r.status_code == 200
        return len(ctx.captured_queries), r.json()["count"]

    few, n_few = count_queries()
    for key in ("school2", "farm"):
        declare_goal(world.projects["city"][key], user(f"api-city-{key}", "unit", organisation=world.orgs["city"][key]))
    many, n_many = count_queries()
    assert (n_few, n_many) == (5, 7)
    assert few == many <= 6  # token, grants, fiscal years of the filter, count, page, rows


def test_requires_authentication(api, world):
    assert api.get(URL).status_code == 401
    assert api.post(CHECK, {"format": "perfbudget.goals/1", "indicators": []}, format="json").status_code == 401


# --- the quality check of a document ------------------------------------------------------------------------

def check(client, data, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    url = f"{CHECK}?{query}" if query else CHECK
    if isinstance(data, bytes):
        return client.post(url, data, content_type="application/json")
    return client.post(url, data, format="json")


def test_check_a_good_table(world, token_client):
    doc = json.loads((EXAMPLES / "goals_good.json").read_text(encoding="utf-8"))
    r = check(token_client(world.users["county"]["unit"]), doc)
    assert r.status_code == 200, r.content
    report = r.json()
    assert report["findings"] == [] and report["passed"] is True
    assert report["counts"] == {"error": 0, "warning": 0, "info": 0}
    assert report["quality_score"] == 100
    assert report["indicator_count"] == len(doc["indicators"])
    assert report["rules"]["layout"] == "10号"
    assert report["format"] == "perfbudget.goals/1"


def test_check_a_weak_table(world, token_client):
    raw = (EXAMPLES / "goals_weak.json").read_bytes()
    r = check(token_client(world.users["county"]["agency"]), raw)
    assert r.status_code == 200, r.content
    report = r.json()
    codes = {f["code"] for f in report["findings"]}
    assert {"VAGUE_TARGET", "INPUT_AS_GOAL", "MISSING_CATEGORY", "MULTIPLE_IN_ONE", "BELOW_HISTORY"} <= codes
    assert report["passed"] is False and report["quality_score"] < 60
    assert report["counts"]["error"] >= 1
    for f in report["findings"]:
        assert f["severity"] in ("error", "warning", "info")
        assert f["key"] == f"{f['code']}:{'' if f['indicator'] is None else f['indicator']}"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in f["message"])


def test_check_reads_gb18030(world, token_client):
    raw = (EXAMPLES / "goals_good.json").read_text(encoding="utf-8").encode("gb18030")
    r = check(token_client(world.users["county"]["unit"]), raw)
    assert r.status_code == 200 and r.json()["passed"] is True


@pytest.mark.parametrize(("data", "field"), [
    (b"{not json", "$"),
    (b"", "$"),
    ({"indicators": []}, "format"),
    ({"format": "perfbudget.selfeval/1", "indicators": []}, "format"),
    ({"format": "perfbudget.goals/1"}, "indicators"),
    ({"format": "perfbudget.goals/1", "indicators": "many"}, "indicators"),
    ([1, 2, 3], "$"),
])
def test_check_a_bad_body(world, token_client, data, field):
    r = check(token_client(world.users["county"]["unit"]), data)
    assert r.status_code == 400, r.content
    error = r.json()
    assert error["field"] == field
    assert error["reason"] and any("\u4e00" <= ch <= "\u9fff" for ch in error["reason"])
    assert error["detail"] == f"{field}: {error['reason']}"


def test_check_by_a_regions_rules(world, token_client):
    doc = json.loads((EXAMPLES / "goals_good.json").read_text(encoding="utf-8"))
    revise(world.county, 2025, {"goals.layout": "101号", "selfeval.execution_weight": 20},
           world.users["county"]["perf"])
    client = token_client(world.users["county"]["unit"])
    r = check(client, doc, region="640323", year=2025)
    assert r.status_code == 200, r.content
    report = r.json()
    assert report["rules"]["layout"] == "101号" and report["rules"]["weight_total"] == 80
    assert report["passed"] is False
    assert "WEIGHT_SUM" in {f["code"] for f in report["findings"]}
    # Another year keeps the national defaults; so does no region at all.
    assert check(client, doc, region="640323", year=2026).json()["rules"]["layout"] == "10号"
    assert check(client, doc).json()["passed"] is True
    # The year defaults to the document's project year (2025 in the example).
    assert check(client, doc, region="640323").json()["rules"]["layout"] == "101号"
    doc["project"]["year"] = 2026
    assert check(client, doc, region="640323").json()["rules"]["layout"] == "10号"


@pytest.mark.parametrize(("params", "field"), [
    ({"region": "640324"}, "region"),  # the sibling county is out of the unit's view
    ({"region": "999999"}, "region"),
    ({"region": "640323", "year": "abc"}, "year"),
])
def test_check_bad_region_or_year(world, token_client, params, field):
    doc = json.loads((EXAMPLES / "goals_good.json").read_text(encoding="utf-8"))
    r = check(token_client(world.users["county"]["unit"]), doc, **params)
    assert r.status_code == 400
    assert field in r.json()


def test_schema_lists_the_goal_endpoints(db, client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert {"/api/goals/", "/api/goals/{id}/", "/api/goals/{id}/submit/", "/api/goals/{id}/review/",
            "/api/goals/check/"} <= set(paths)
    params = {p["name"] for p in paths["/api/goals/"]["get"]["parameters"]}
    assert {"q", "year", "status", "department", "region", "ordering", "page", "page_size"} <= params
    assert {"200", "400", "403", "404", "409"} <= set(paths["/api/goals/{id}/review/"]["post"]["responses"])
