"""/api/monitoring/ and /api/negative-list/: rounds, forms (scopes, filling with per-row errors, staleness, submit and
the whole review path, adding a form), warnings (scopes and filters), and listing and lifting on the negative list.

Rounds are made by the services (plan_year / open_round) over the world's projects, made executing (已入库) here.
"""

import datetime

import pytest
from django.utils import timezone

from perfbudget.goals.models import Goal
from perfbudget.monitoring import services_rounds
from perfbudget.monitoring.models import (
    MonitoringForm,
    MonitoringWarning,
    NegativeListEntry,
    WarningSweep,
)
from perfbudget.projects.models import ProjectYear
from tests.factories import declare_goal, project_year
from tests.monitoring.helpers import pay

from .helpers import all_results

ROUNDS = "/api/monitoring/rounds/"
FORMS = "/api/monitoring/forms/"
WARNINGS = "/api/monitoring/warnings/"
NEGATIVE = "/api/negative-list/"


def open_first_round(world, key):
    """Plan region `key`'s 2025 rounds and open the first (1-7月, all projects); returns the round."""
    region = getattr(world, key)
    perf = world.users[key]["perf"]
    rounds = services_rounds.plan_year(region, 2025, perf)
    rnd = next(r for r in rounds if r.through_month == 7)
    services_rounds.open_round(rnd, perf)
    rnd.refresh_from_db()
    return rnd


@pytest.fixture
def rounds(world):
    """Open 1-7月 rounds in both counties; the county school has an approved goal (9 rows) and 70万 paid."""
    for key in ("county", "sibling"):
        ProjectYear.objects.filter(pk__in=[py.pk for py in world.projects[key].values()]).update(status="accepted")
    school = world.projects["county"]["school"]
    goal = declare_goal(school, world.users["county"]["unit"])
    Goal.objects.filter(pk=goal.pk).update(status="approved")
    pay(school, {m: 100000 for m in range(1, 8)})
    return {"county": open_first_round(world, "county"), "sibling": open_first_round(world, "sibling")}


@pytest.fixture
def county(world):
    return world.users["county"]


def form_of(rnd, py):
    return MonitoringForm.objects.get(round=rnd, project_year=py)


@pytest.fixture
def school_form(world, rounds):
    return form_of(rounds["county"], world.projects["county"]["school"])


def filled(form):
    """A complete PATCH body for `form`: forecast, and every row reached for sure."""
    return {"forecast_amount": "1150000", "overall_progress": "校舍维修按计划推进。",
            "indicators": [{"id": row.pk, "actual": "1600", "forecast": "3300", "likelihood": "certain"}
                           for row in form.indicators.all()]}


# --- rounds ---------------------------------------------------------------------------------------------------

def test_rounds_list_scope_and_filters(world, token_client, rounds, county):
    perf = token_client(county["perf"])
    listed = all_results(perf, ROUNDS)
    assert {(r["region_code"], r["code"]) for r in listed} == {("640323", c) for c in ("m07", "m10", "m12")}
    first = next(r for r in listed if r["code"] == "m07")
    assert {k: first[k] for k in ("year", "name", "through_month", "scope", "scope_label", "status", "status_label",
                                  "opens_on", "due_on")} == {
        "year": 2025, "name": "1-7月集中监控", "through_month": 7, "scope": "all", "scope_label": "全部项目",
        "status": "open", "status_label": "填报中", "opens_on": "2025-08-01", "due_on": "2025-08-20"}
    assert [r["code"] for r in all_results(perf, ROUNDS, status="open")] == ["m07"]
    assert all_results(perf, ROUNDS, year=2026) == []
    # A unit sees its region's rounds; the city bureau sees both counties'; a county never its sibling's.
    assert len(all_results(token_client(county["unit"]), ROUNDS)) == 3
    city = token_client(world.users["city"]["perf"])
    assert len(all_results(city, ROUNDS)) == 6
    assert {r["region_code"] for r in all_results(city, ROUNDS, region="640324")} == {"640324"}
    assert perf.get(f"{ROUNDS}{rounds['sibling'].pk}/").status_code == 404
    assert perf.get(f"{ROUNDS}{rounds['county'].pk}/").status_code == 200


# --- forms: scopes and representation -------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "role", "expected"), [
    ("county", "unit", {"COUNTY-EDU-1"}),
    ("county", "dept", {"COUNTY-EDU-1", "COUNTY-EDU-2"}),
    ("county", "funding", {"COUNTY-EDU-1", "COUNTY-EDU-2"}),
    ("county", "perf", {"COUNTY-EDU-1", "COUNTY-EDU-2", "COUNTY-AGR-1"}),
    ("county", "oversight", {"COUNTY-EDU-1", "COUNTY-EDU-2", "COUNTY-AGR-1"}),
    ("county", "agency", set()),
    ("sibling", "perf", {"SIBLING-EDU-1", "SIBLING-EDU-2", "SIBLING-AGR-1"}),
    ("city", "perf", {f"{k}-{s}" for k in ("COUNTY", "SIBLING") for s in ("EDU-1", "EDU-2", "AGR-1")}),
    ("city", "unit", set()),
])
def test_forms_are_scoped(world, token_client, rounds, key, role, expected):
    client = token_client(world.users[key][role])
    assert {f["project_code"] for f in all_results(client, FORMS)} == expected
    for form in MonitoringForm.objects.select_related("project_year__project"):
        r = client.get(f"{FORMS}{form.pk}/")
        if form.project_year.project.code in expected:
            assert r.status_code == 200
        else:
            assert r.status_code == 404, (form.project_year.project.code, r.status_code)
            assert r.json() == {"detail": "记录不存在或不在您的查看范围内。"}


def test_form_detail_has_rows_rate_and_problems(token_client, county, school_form):
    detail = token_client(county["unit"]).get(f"{FORMS}{school_form.pk}/").json()
    assert {k: detail[k] for k in ("project_code", "unit_code", "department_code", "region_code", "year",
                                   "through_month", "status", "status_label", "full_budget", "executed",
                                   "execution_rate", "time_progress", "forecast_amount", "forecast_rate",
                                   "level", "level_label", "due_on")} == {
        "project_code": "COUNTY-EDU-1", "unit_code": "640323-JYJ-01", "department_code": "640323-JYJ",
        "region_code": "640323", "year": 2025, "through_month": 7, "status": "draft", "status_label": "填报中",
        "full_budget": "1200000.00", "executed": "700000.00", "execution_rate": "0.5833", "time_progress": "0.5833",
        "forecast_amount": None, "forecast_rate": None, "level": "", "level_label": "", "due_on": "2025-08-20"}
    rows = detail["indicators"]
    assert len(rows) == 9 and [r["position"] for r in rows] == list(range(9))
    assert {k: rows[0][k] for k in ("name", "target", "actual", "likelihood", "likelihood_label")} == {
        "name": "维修校舍面积", "target": "≥3200平方米", "actual": "", "likelihood": "", "likelihood_label": ""}
    assert "请填写全年预计执行数" in detail["problems"]
    assert detail["history"] == []
    listed = all_results(token_client(county["unit"]), FORMS)
    assert listed[0]["indicators"] == rows and listed[0]["problems"] is None and listed[0]["history"] is None


def test_form_filters(world, token_client, rounds, county):
    perf = token_client(county["perf"])
    MonitoringForm.objects.filter(project_year=world.projects["county"]["farm"]).update(level="red")
    assert {f["project_code"] for f in all_results(perf, FORMS, level="red")} == {"COUNTY-AGR-1"}
    assert {f["project_code"] for f in all_results(perf, FORMS, level="green")} == {"COUNTY-EDU-1", "COUNTY-EDU-2"}
    assert {f["project_code"] for f in all_results(perf, FORMS, department="640323-JYJ")} == {
        "COUNTY-EDU-1", "COUNTY-EDU-2"}
    assert len(all_results(perf, FORMS, round=rounds["county"].pk, status="draft")) == 3
    assert all_results(perf, FORMS, round=rounds["sibling"].pk) == []  # a filter never widens the scope
    assert all_results(perf, FORMS, status="approved") == []


# --- forms: filling -------------------------------------------------------------------------------------------

def test_save_entries(token_client, county, school_form):
    unit = token_client(county["unit"])
    url = f"{FORMS}{school_form.pk}/"
    rows = list(school_form.indicators.all())
    r = unit.patch(url, {"forecast_amount": "115万元", "execution_note": "  按进度支付  ",
                         "indicators": [{"id": rows[1].pk, "actual": "300", "forecast": "600", "likelihood": "possible",
                                         "cause": "funding", "measure": "加快采购"}]}, format="json")
    assert r.status_code == 200, r.content
    data = r.json()
    assert (data["forecast_amount"], data["forecast_rate"], data["execution_note"]) == (
        "1150000.00", "0.9583", "按进度支付")
    row = data["indicators"][1]
    assert {k: row[k] for k in ("actual", "forecast", "likelihood", "likelihood_label", "cause", "cause_label",
                                "measure")} == {
        "actual": "300", "forecast": "600", "likelihood": "possible", "likelihood_label": "有可能",
        "cause": "funding", "cause_label": "经费保障", "measure": "加快采购"}
    assert data["indicators"][0]["actual"] == ""  # rows not sent are kept
    # Fields left out are kept too.
    r = unit.patch(url, {"overall_progress": "进展顺利"}, format="json")
    assert r.status_code == 200 and r.json()["forecast_amount"] == "1150000.00"


def test_bad_entries_are_400_naming_the_row_and_nothing_is_saved(token_client, county, school_form):
    unit = token_client(county["unit"])
    rows = list(school_form.indicators.all())
    r = unit.patch(f"{FORMS}{school_form.pk}/", {
        "forecast_amount": "600000",  # less than the 70万 executed
        "indicators": [{"id": rows[0].pk, "actual": "1600"},
                       {"id": rows[2].pk, "likelihood": "maybe"},
                       {"id": 999999, "actual": "1"}]}, format="json")
    assert r.status_code == 400
    data = r.json()
    assert data["detail"] == "监控表有3处错误，未保存。"
    assert data["errors"] == [
        {"row": None, "indicator": None, "field": "forecast_amount", "label": "全年预计执行数",
         "message": "不能小于截至目前已执行数"},
        {"row": 3, "indicator": rows[2].pk, "field": "likelihood", "label": "完成可能性",
         "message": "应为：确定能、有可能、完全不可能"},
        {"row": None, "indicator": None, "field": "indicators", "label": "指标",
         "message": "指标「999999」不属于本监控表"},
    ]
    school_form.refresh_from_db()
    assert school_form.forecast_amount is None
    assert school_form.indicators.get(pk=rows[0].pk).actual == ""
    r = unit.patch(f"{FORMS}{school_form.pk}/", {"indicators": [{"actual": "1"}]}, format="json")
    assert r.status_code == 400 and r.json() == {"indicators": {"0": {"id": ["该字段是必填项。"]}}}


def test_stale_row_version_is_409(token_client, county, school_form):
    unit = token_client(county["unit"])
    url = f"{FORMS}{school_form.pk}/"
    seen = unit.get(url).json()["row_version"]
    r = unit.patch(url, {"overall_progress": "第一次", "row_version": seen}, format="json")
    assert r.status_code == 200 and r.json()["row_version"] > seen
    r = unit.patch(url, {"overall_progress": "基于旧版本", "row_version": seen}, format="json")
    assert r.status_code == 409
    assert "已被他人修改" in r.json()["detail"]
    school_form.refresh_from_db()
    assert school_form.overall_progress == "第一次"
    r = unit.post(f"{url}submit/", {"row_version": seen}, format="json")
    assert r.status_code == 409


def test_who_may_fill_a_form(world, token_client, county, school_form):
    url = f"{FORMS}{school_form.pk}/"
    body = {"overall_progress": "改"}
    r = token_client(county["oversight"]).patch(url, body, format="json")
    assert r.status_code == 403 and r.json() == {"detail": "您只能查看该记录，无权修改。"}
    assert token_client(world.users["city"]["perf"]).patch(url, body, format="json").status_code == 403
    assert token_client(world.users["sibling"]["unit"]).patch(url, body, format="json").status_code == 404
    assert token_client(county["agency"]).patch(url, body, format="json").status_code == 404
    assert token_client(county["unit"]).put(url, body, format="json").status_code == 405
    school_form.refresh_from_db()
    assert school_form.overall_progress == ""



def test_only_the_unit_fills_its_form(token_client, county, school_form):
    for role in ("dept", "funding", "perf", "budget"):
        r = token_client(county[role]).patch(f"{FORMS}{school_form.pk}/", {"overall_progress": role}, format="json")
        assert r.status_code == 403, role

def test_closed_round_is_409(token_client, county, rounds, school_form):
    services_rounds.close_round(rounds["county"], county["perf"])
    r = token_client(county["unit"]).patch(f"{FORMS}{school_form.pk}/", {"overall_progress": "晚了"}, format="json")
    assert r.status_code == 409 and r.json()["detail"] == "本轮监控已结束，不能再修改。"


# --- forms: submit and review ---------------------------------------------------------------------------------

def test_submit_lists_the_problems(token_client, county, school_form):
    unit = token_client(county["unit"])
    r = unit.post(f"{FORMS}{school_form.pk}/submit/", {}, format="json")
    assert r.status_code == 409
    data = r.json()
    assert "请填写全年预计执行数" in data["problems"]
    assert "第1项指标「维修校舍面积」未填截至目前完成值" in data["problems"]
    assert data["detail"] == "；".join(data["problems"])
    school_form.refresh_from_db()
    assert school_form.status == "draft"


def test_save_submit_review_round_trip(token_client, county, school_form):
    unit, url = token_client(county["unit"]), f"{FORMS}{school_form.pk}/"
    assert unit.patch(url, filled(school_form), format="json").status_code == 200
    assert unit.get(url).json()["problems"] == []
    r = unit.post(f"{url}submit/", {"comment": "请审核"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "dept_review" and r.json()["submitted_at"]
    assert unit.patch(url, {"overall_progress": "再改"}, format="json").status_code == 409  # no longer editable

    dept = token_client(county["dept"])
    r = dept.post(f"{url}review/", {"decision": "return"}, format="json")
    assert r.status_code == 400 and "comment" in r.json()
    r = dept.post(f"{url}review/", {"decision": "return", "comment": "第3项预计值偏低，请核实"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "returned"
    r = unit.post(f"{url}submit/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "dept_review"

    for role, after in (("dept", "section_review"), ("funding", "office_review"), ("perf", "approved")):
        client = token_client(county[role])
        seen = client.get(url).json()["row_version"]
        r = client.post(f"{url}review/", {"decision": "approve", "comment": "同意", "row_version": seen},
                        format="json")
        assert r.status_code == 200, (role, r.content)
        assert r.json()["status"] == after
    data = unit.get(url).json()
    assert data["approved_at"] and data["status_label"] == "已审核"
    assert [(h["action"], h["to_state"]) for h in data["history"]] == [
        ("submit", "dept_review"), ("dept_return", "returned"), ("submit", "dept_review"),
        ("dept_approve", "section_review"), ("section_approve", "office_review"), ("office_approve", "approved")]
    assert data["history"][1]["comment"] == "第3项预计值偏低，请核实"
    assert token_client(county["perf"]).post(f"{url}review/", {"decision": "approve"}, format="json").status_code \
        == 409


def test_only_the_reviewer_of_the_step_may_review(world, token_client, county, school_form):
    unit, url = token_client(county["unit"]), f"{FORMS}{school_form.pk}/"
    r = token_client(county["dept"]).post(f"{url}review/", {"decision": "approve"}, format="json")
    assert r.status_code == 409 and r.json()["detail"] == "该监控表当前不在审核环节。"
    unit.patch(url, filled(school_form), format="json")
    r = token_client(county["dept"]).post(f"{url}submit/", {}, format="json")
    assert r.status_code == 403 and r.json()["detail"] == "您没有执行「提交审核」的权限。"
    assert unit.post(f"{url}submit/", {}, format="json").status_code == 200
    for role in ("unit", "perf", "funding"):
        r = token_client(county[role]).post(f"{url}review/", {"decision": "approve"}, format="json")
        assert r.status_code == 403, role
        assert r.json()["detail"] == "您没有执行「审核通过」的权限。"
    assert token_client(county["oversight"]).post(f"{url}review/", {"decision": "approve"},
                                                  format="json").status_code == 403
    assert token_client(world.users["sibling"]["dept"]).post(f"{url}review/", {"decision": "approve"},
                                                             format="json").status_code == 404
    r = token_client(county["dept"]).post(f"{url}review/", {"decision": "maybe"}, format="json")
    assert r.status_code == 400 and "decision" in r.json()
    school_form.refresh_from_db()
    assert school_form.status == "dept_review"


# --- forms: adding one to an open round ----------------------------------------------------------------------

def test_perf_office_adds_a_form(world, token_client, county, rounds):
    rnd = rounds["county"]
    late = project_year(world.orgs["county"]["school"], status="accepted", name="开学后新增项目")
    body = {"round": rnd.pk, "project_year": late.pk}
    assert token_client(county["unit"]).post(FORMS, body, format="json").status_code == 403
    assert token_client(county["dept"]).post(FORMS, body, format="json").status_code == 403
    assert token_client(world.users["city"]["perf"]).post(FORMS, body, format="json").status_code == 403
    r = token_client(world.users["sibling"]["perf"]).post(FORMS, body, format="json")
    assert r.status_code == 400  # neither the round nor the project is in the sibling's view
    assert not MonitoringForm.objects.filter(project_year=late).exists()

    perf = token_client(county["perf"])
    r = perf.post(FORMS, body, format="json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert (data["round"], data["project_year"], data["status"], data["full_budget"], data["indicators"]) == (
        rnd.pk, late.pk, "draft", "1200000.00", [])
    assert data["project_code"] in {f["project_code"] for f in all_results(token_client(county["unit"]), FORMS)}
    r = perf.post(FORMS, body, format="json")
    assert r.status_code == 409 and r.json()["detail"] == "该项目在本轮已有监控表。"

    other_year = project_year(world.orgs["county"]["school"], year=2026, status="accepted")
    r = perf.post(FORMS, {"round": rnd.pk, "project_year": other_year.pk}, format="json")
    assert r.status_code == 400 and r.json()["project_year"] == ["该项目不属于本轮监控的区划和年度。"]
    draft = project_year(world.orgs["county"]["school"], status="draft")
    r = perf.post(FORMS, {"round": rnd.pk, "project_year": draft.pk}, format="json")
    assert r.status_code == 400 and "已入库或预算已批复" in r.json()["project_year"][0]

    services_rounds.close_round(rnd, county["perf"])
    another = project_year(world.orgs["county"]["farm"], status="budgeted")
    r = perf.post(FORMS, {"round": rnd.pk, "project_year": another.pk}, format="json")
    assert r.status_code == 409 and r.json()["detail"] == "只有填报中的监控轮次可以添加监控表。"


# --- warnings -------------------------------------------------------------------------------------------------

@pytest.fixture
def warnings(world, rounds):
    today = timezone.localdate()
    for key in ("county", "sibling"):
        rnd = rounds[key]
        sweep = WarningSweep.objects.create(round=rnd, as_of=today, projects=3, red=2, yellow=1)
        p = world.projects[key]
        MonitoringWarning.objects.bulk_create([
            MonitoringWarning(round=rnd, sweep=sweep, project_year=p["school"], code="BEHIND_TIME", level="red",
                              message="执行进度落后序时进度", figures={"rate": 0.3}),
            MonitoringWarning(round=rnd, sweep=sweep, project_year=p["school"], code="INDICATOR_FORECAST",
                              level="yellow", message="指标预计完不成", indicator="维修校舍面积"),
            MonitoringWarning(round=rnd, sweep=sweep, project_year=p["school2"], code="FORM_MISSING", level="red",
                              message="监控表逾期未报"),
            MonitoringWarning(round=rnd, sweep=sweep, project_year=p["farm"], code="CHECKPOINT", level="yellow",
                              message="执行率低于节点目标"),
        ])


def test_warnings_are_scoped(world, token_client, rounds, warnings, county):
    unit = all_results(token_client(county["unit"]), WARNINGS)
    assert {(w["project_code"], w["code"]) for w in unit} == {("COUNTY-EDU-1", "BEHIND_TIME"),
                                                              ("COUNTY-EDU-1", "INDICATOR_FORECAST")}
    first = next(w for w in unit if w["code"] == "BEHIND_TIME")
    assert {k: first[k] for k in ("round", "year", "level", "level_label", "code_label", "message", "figures",
                                  "unit_code", "department_code")} == {
        "round": rounds["county"].pk, "year": 2025, "level": "red", "level_label": "红色预警",
        "code_label": "执行进度落后序时进度", "message": "执行进度落后序时进度", "figures": {"rate": 0.3},
        "unit_code": "640323-JYJ-01", "department_code": "640323-JYJ"}
    assert {w["project_code"] for w in all_results(token_client(county["dept"]), WARNINGS)} == {
        "COUNTY-EDU-1", "COUNTY-EDU-2"}
    assert {w["project_code"][:6] for w in all_results(token_client(county["perf"]), WARNINGS)} == {"COUNTY"}
    assert len(all_results(token_client(world.users["city"]["perf"]), WARNINGS)) == 8
    assert all_results(token_client(county["agency"]), WARNINGS) == []
    other = MonitoringWarning.objects.get(project_year=world.projects["county"]["school2"])
    assert token_client(county["unit"]).get(f"{WARNINGS}{other.pk}/").status_code == 404
    assert token_client(county["dept"]).get(f"{WARNINGS}{other.pk}/").status_code == 200
    assert token_client(county["perf"]).post(WARNINGS, {}, format="json").status_code == 405


def test_warning_filters(world, token_client, rounds, warnings, county):
    perf = token_client(county["perf"])

    def pairs(**params):
        return {(w["project_code"], w["code"]) for w in all_results(perf, WARNINGS, **params)}

    assert pairs(level="red") == {("COUNTY-EDU-1", "BEHIND_TIME"), ("COUNTY-EDU-2", "FORM_MISSING")}
    assert pairs(round=rounds["county"].pk, level="yellow") == {("COUNTY-EDU-1", "INDICATOR_FORECAST"),
                                                                ("COUNTY-AGR-1", "CHECKPOINT")}
    assert pairs(code="CHECKPOINT") == {("COUNTY-AGR-1", "CHECKPOINT")}
    assert pairs(department="640323-NYJ") == {("COUNTY-AGR-1", "CHECKPOINT")}
    assert pairs(round=rounds["sibling"].pk) == set()
    assert perf.get(WARNINGS, {"level": "purple"}).status_code == 400


# --- negative list --------------------------------------------------------------------------------------------

def listing(project=None, unit=None, **extra):
    body = {"subject": "project" if project else "unit", "reason": "连续两年执行率低于70%", "source": "monitoring",
            **extra}
    if project:
        body["project"] = project
    if unit:
        body["unit"] = unit
    return body


def test_negative_list_add_and_lift(world, token_client, county):
    perf = token_client(county["perf"])
    r = perf.post(NEGATIVE, listing("COUNTY-EDU-1", source_detail="2025年1-7月监控"), format="json")
    assert r.status_code == 201, r.content
    entry = r.json()
    today = timezone.localdate()
    assert {k: entry[k] for k in ("subject", "subject_label", "project_code", "unit_code", "region_code", "source",
                                  "source_label", "listed_on", "is_active", "lifted_at")} == {
        "subject": "project", "subject_label": "项目", "project_code": "COUNTY-EDU-1", "unit_code": "640323-JYJ-01",
        "region_code": "640323", "source": "monitoring", "source_label": "运行监控", "listed_on": today.isoformat(),
        "is_active": True, "lifted_at": None}
    expires = datetime.date.fromisoformat(entry["expires_on"])
    assert 360 <= (expires - today).days <= 370  # the rule set's default of 12 months
    r = perf.post(NEGATIVE, listing(unit="640323-NYJ-01", expires_on=None), format="json")
    assert r.status_code == 201 and r.json()["expires_on"] is None and r.json()["project_code"] is None

    # The unit sees its own listing, not another unit's; the sibling county sees none.
    assert [e["id"] for e in all_results(token_client(county["unit"]), NEGATIVE)] == [entry["id"]]
    assert all_results(token_client(world.users["sibling"]["perf"]), NEGATIVE) == []
    assert len(all_results(token_client(world.users["city"]["perf"]), NEGATIVE)) == 2

    url = f"{NEGATIVE}{entry['id']}/lift/"
    r = token_client(county["unit"]).post(url, {"reason": "已整改"}, format="json")
    assert r.status_code == 403
    assert token_client(world.users["sibling"]["perf"]).post(url, {"reason": "x"}, format="json").status_code == 404
    r = perf.post(url, {"reason": "  "}, format="json")
    assert r.status_code == 400 and "reason" in r.json()
    r = perf.post(url, {"reason": "整改到位，经复核移出"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["is_active"] is False and r.json()["lifted_reason"] == "整改到位，经复核移出"
    r = perf.post(url, {"reason": "再次移出"}, format="json")
    assert r.status_code == 409 and r.json()["detail"] == "该记录已移出负面清单。"


def test_negative_list_filters(world, token_client, county):
    perf = token_client(county["perf"])
    for body in (listing("COUNTY-EDU-1"), listing("COUNTY-AGR-1"), listing(unit="640323-JYJ-02")):
        assert perf.post(NEGATIVE, body, format="json").status_code == 201
    lifted = NegativeListEntry.objects.get(project__code="COUNTY-AGR-1")
    assert perf.post(f"{NEGATIVE}{lifted.pk}/lift/", {"reason": "误列"}, format="json").status_code == 200

    def who(**params):
        return {e["project_code"] or e["unit_code"] for e in all_results(perf, NEGATIVE, **params)}

    assert who() == {"COUNTY-EDU-1", "COUNTY-AGR-1", "640323-JYJ-02"}
    assert who(active="true") == {"COUNTY-EDU-1", "640323-JYJ-02"}
    assert who(active="false") == {"COUNTY-AGR-1"}
    assert who(subject="unit") == {"640323-JYJ-02"}
    assert who(unit="640323-JYJ-01") == {"COUNTY-EDU-1"}
    assert who(project="COUNTY-AGR-1") == {"COUNTY-AGR-1"}


def test_who_may_list(world, token_client, county):
    body = listing("COUNTY-EDU-1")
    for role in ("unit", "dept", "oversight"):
        r = token_client(county[role]).post(NEGATIVE, body, format="json")
        assert r.status_code == 403, role
    assert token_client(county["budget"]).post(NEGATIVE, body, format="json").status_code == 201
    assert token_client(county["funding"]).post(NEGATIVE, body, format="json").status_code == 201
    # A funding section only reaches its own departments' units; the city bureau does not change a county's list.
    r = token_client(county["funding"]).post(NEGATIVE, listing("COUNTY-AGR-1"), format="json")
    assert r.status_code == 400 and "project" in r.json()
    r = token_client(world.users["city"]["perf"]).post(NEGATIVE, listing("COUNTY-AGR-1"), format="json")
    assert r.status_code == 403
    r = token_client(world.users["sibling"]["perf"]).post(NEGATIVE, listing("COUNTY-AGR-1"), format="json")
    assert r.status_code == 400
    assert NegativeListEntry.objects.count() == 2


def test_listing_needs_its_fields(token_client, county):
    perf = token_client(county["perf"])
    r = perf.post(NEGATIVE, {"subject": "project", "unit": "640323-JYJ-01", "reason": "x", "source": "audit"},
                  format="json")
    assert r.status_code == 400 and r.json()["project"] == ["列入对象为项目时必须指定项目。"]
    r = perf.post(NEGATIVE, {"subject": "unit", "reason": "x", "source": "audit"}, format="json")
    assert r.status_code == 400 and "unit" in r.json()
    r = perf.post(NEGATIVE, listing("COUNTY-EDU-1", unit="640323-NYJ-01"), format="json")
    assert r.status_code == 400 and "unit" in r.json()
    r = perf.post(NEGATIVE, listing("COUNTY-EDU-1", reason=""), format="json")
    assert r.status_code == 400 and "reason" in r.json()
    r = perf.post(NEGATIVE, listing("COUNTY-EDU-1", listed_on="2025-06-01", expires_on="2025-05-01"), format="json")
    assert r.status_code == 400 and r.json()["detail"] == "到期日期不能早于列入日期。"
    assert not NegativeListEntry.objects.exists()


def test_schema_lists_the_monitoring_paths(db, client):
    paths = set(client.get("/api/schema/", {"format": "json"}).json()["paths"])
    assert {ROUNDS, f"{ROUNDS}{{id}}/", FORMS, f"{FORMS}{{id}}/", f"{FORMS}{{id}}/submit/", f"{FORMS}{{id}}/review/",
            WARNINGS, NEGATIVE, f"{NEGATIVE}{{id}}/lift/"} <= paths

