"""The round dashboard: aggregates on constructed data, scopes in the drill-down, bounded query counts, export."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from perfbudget.monitoring import dashboard
from perfbudget.monitoring.models import (
    FormIndicator,
    MonitoringAction,
    MonitoringForm,
    MonitoringRound,
    MonitoringWarning,
    WarningSweep,
)
from tests.monitoring.helpers import pay

from ..factories import project_year

TODAY = datetime.date(2025, 9, 1)
D = Decimal


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def build_round(world, key="county"):
    """A county round through July with three forms (figures chosen so every total is easy to check).

    school  (教育局/第一中学)  budget 120万, executed 84万 (70%), approved on time, green; 7 × 12万 paid
    school2 (教育局/实验小学)  budget 120万, executed 30万 (25%), never submitted (late), red; 10万 in Mar, 20万 in Jun
    farm    (农业农村局)       budget 600万, executed 150万 (25%), submitted late, yellow; 150万 in May
    """
    reg = world.county if key == "county" else world.sibling
    perf = world.users[key]["perf"]
    rnd = MonitoringRound.objects.create(
        region=reg, year=2025, code="m07", name="1-7月集中监控", through_month=7, opens_on=datetime.date(2025, 8, 1),
        due_on=datetime.date(2025, 8, 20), report_due_on=datetime.date(2025, 9, 3), status="open")
    p = world.projects[key]
    spec = {
        "school": (D("1200000"), D("840000"), "approved", _at(datetime.date(2025, 8, 10)), "green"),
        "school2": (D("1200000"), D("300000"), "draft", None, "red"),
        "farm": (D("6000000"), D("1500000"), "dept_review", _at(datetime.date(2025, 8, 25)), "yellow"),
    }
    forms = {}
    for name, (budget, executed, status, submitted, level) in spec.items():
        forms[name] = MonitoringForm.objects.create(
            round=rnd, project_year=p[name], initial_budget=budget, full_budget=budget, executed=executed,
            status=status, submitted_at=submitted, due_on=rnd.due_on, level=level,
            forecast_amount=budget * D("0.9"))
    pay(p["school"], {m: "120000" for m in range(1, 8)})
    pay(p["school2"], {3: "100000", 6: "200000"})
    pay(p["farm"], {5: "1500000", 8: "999999"})  # August is after the round's data month: never counted
    sweep = WarningSweep.objects.create(round=rnd, as_of=TODAY, projects=3, red=1, yellow=1)
    MonitoringWarning.objects.bulk_create([
        MonitoringWarning(round=rnd, sweep=sweep, project_year=p["school2"], code="BEHIND_TIME", level="red",
                          message="执行率25.0%，落后序时进度33.3个百分点"),
        MonitoringWarning(round=rnd, sweep=sweep, project_year=p["school2"], code="FORM_MISSING", level="red",
                          message="监控表逾期未报"),
        MonitoringWarning(round=rnd, sweep=sweep, project_year=p["farm"], code="BEHIND_TIME", level="yellow",
                          message="执行率25.0%，落后序时进度33.3个百分点"),
    ])
    MonitoringAction.objects.create(project_year=p["farm"], round=rnd, kind="reduce", amount=D("500000"),
                                    reason="执行缓慢，核减部分预算", created_by=perf)
    MonitoringAction.objects.create(project_year=p["school2"], round=rnd, kind="urge", reason="督促尽快填报并加快执行",
                                    created_by=perf)
    FormIndicator.objects.create(form=forms["school"], level1="产出指标", name="维修校舍面积", target="≥3200平方米",
                                 actual="2000平方米", forecast="3200平方米", likelihood="certain")
    FormIndicator.objects.create(form=forms["school2"], level1="产出指标", name="课后服务覆盖率", target="≥90%",
                                 actual="40%", forecast="60%", likelihood="impossible", cause="funding",
                                 measure="申请调整目标")
    return rnd


@pytest.fixture
def rnd(world):
    return build_round(world)


def test_totals_curve_and_levels(world, rnd):
    data = dashboard.build_dashboard(rnd, world.users["county"]["perf"], today=TODAY)
    t = data["totals"]
    assert (t["projects"], t["budget"], t["executed"]) == (3, D("8400000"), D("2640000"))
    assert t["rate"] == D("2640000") / D("8400000")
    assert data["time_progress"] == D(7) / D(12)
    assert (t["submitted"], t["approved"], t["late"]) == (2, 1, 2)
    assert (t["red"], t["yellow"], t["green"], t["unswept"]) == (1, 1, 1, 0)
    assert t["forecast"] == D("7560000")
    curve = data["curve"]
    assert [p["month"] for p in curve] == list(range(1, 13))
    assert curve[0]["cumulative"] == D("120000")
    assert curve[2]["cumulative"] == D("460000")  # 3 × 12万 + 10万
    assert curve[6]["cumulative"] == D("2640000")  # equals the forms' executed total; August is left out
    assert curve[6]["rate"] == t["rate"]
    assert curve[7]["rate"] is None and curve[11]["time_progress"] == 1
    assert data["checkpoints"] == {10: D("0.6"), 12: D("0.85")}


def test_gaps_warnings_and_actions(world, rnd):
    data = dashboard.build_dashboard(rnd, world.users["county"]["perf"], today=TODAY)
    gaps = data["gaps"]
    assert [g["code"] for g in gaps] == ["COUNTY-AGR-1", "COUNTY-EDU-2"]  # school is ahead of time progress
    assert gaps[0]["gap"] == D("2000000.00") and gaps[1]["gap"] == D("400000.00")
    w = data["warnings"]
    assert w["total"] == 3
    assert w["by_level"]["red"] == {"warnings": 2, "projects": 1}
    assert w["by_level"]["yellow"] == {"warnings": 1, "projects": 1}
    assert {c["code"]: (c["red"], c["yellow"]) for c in w["by_code"]} == {"BEHIND_TIME": (1, 1),
                                                                          "FORM_MISSING": (1, 0)}
    by_dept = {d["name"]: (d["red"], d["yellow"], d["projects"]) for d in w["by_department"]}
    assert by_dept == {"盐池县教育局": (2, 0, 1), "盐池县农业农村局": (0, 1, 1)}
    actions = {a["name"]: a for a in data["actions"]}
    assert actions["盐池县农业农村局"]["reduce"] == 1
    assert actions["盐池县农业农村局"]["reduce_amount"] == D("500000")
    assert actions["盐池县教育局"]["urge"] == 1 and actions["盐池县教育局"]["amount"] == 0
    assert data["actions_total"]["count"] == 2 and data["actions_total"]["amount"] == D("500000")


def test_drill_down_levels(world, rnd):
    perf = world.users["county"]["perf"]
    # A county bureau has one region: the drill starts at its departments.
    drill = dashboard.drill_down(rnd, perf, today=TODAY)
    assert drill.level == "department" and drill.region == "640323"
    # The skipped level is not offered as a link (it would lead straight back here).
    assert [(c["label"], c["link"]) for c in drill.crumbs] == [("全部", False), ("盐池县", True)]
    rows = {r["name"]: r for r in drill.rows}
    assert set(rows) == {"盐池县教育局", "盐池县农业农村局"}
    edu = rows["盐池县教育局"]
    assert (edu["projects"], edu["budget"], edu["executed"], edu["late"], edu["red"]) == (
        2, D("2400000"), D("1140000"), 1, 1)
    assert edu["rate"] == D("1140000") / D("2400000")
    assert edu["gap"] == D("260000.00")  # 240万 × 7/12 − 114万
    assert rows["盐池县农业农村局"]["reduced"] == D("500000") and rows["盐池县农业农村局"]["actions"] == 1
    assert drill.total["projects"] == 3 and drill.total["executed"] == D("2640000")
    # Clicking a department lists its projects.
    drill = dashboard.drill_down(rnd, perf, region="640323", department=world.orgs["county"]["edu"].code,
                                 today=TODAY)
    assert drill.level == "project"
    assert [r["code"] for r in drill.rows] == ["COUNTY-EDU-1", "COUNTY-EDU-2"]
    school2 = drill.rows[1]
    assert (school2["late"], school2["warnings"], school2["actions"], school2["level"]) == (1, 2, 1, "red")
    assert [c["label"] for c in drill.crumbs] == ["全部", "盐池县", "盐池县教育局"]
    # A city bureau above sees the region level first when there is more than one region.
    build_round(world, "sibling")
    city = world.users["city"]["perf"]
    drill = dashboard.drill_down(rnd, city, today=TODAY)
    assert drill.level == "department"  # the round itself has one region's projects


def test_drill_down_scopes(world, rnd):
    unit = world.users["county"]["unit"]  # 第一中学
    drill = dashboard.drill_down(rnd, unit, today=TODAY)
    assert drill.level == "project" and [r["code"] for r in drill.rows] == ["COUNTY-EDU-1"]
    data = dashboard.build_dashboard(rnd, unit, today=TODAY)
    assert data["totals"]["projects"] == 1 and data["totals"]["executed"] == D("840000")
    assert data["warnings"]["total"] == 0 and data["actions"] == []
    assert data["curve"][6]["cumulative"] == D("840000")
    dept = world.users["county"]["dept"]  # 教育局
    drill = dashboard.drill_down(rnd, dept, today=TODAY)
    assert drill.level == "project" and [r["code"] for r in drill.rows] == ["COUNTY-EDU-1", "COUNTY-EDU-2"]
    # Asking for another department by URL gives nothing.
    drill = dashboard.drill_down(rnd, dept, region="640323", department=world.orgs["county"]["agri"].code,
                                 today=TODAY)
    assert drill.rows == []
    data = dashboard.build_dashboard(rnd, dept, today=TODAY)
    assert data["totals"]["projects"] == 2 and data["warnings"]["total"] == 2
    assert [g["code"] for g in data["gaps"]] == ["COUNTY-EDU-2"]


def test_page_and_scopes(world, rnd, login):
    url = reverse("monitoring:dashboard", args=[rnd.pk])
    client = login(world.users["county"]["perf"])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "1-7月集中监控" in html and "盐池县农业农村局" in html and "dashboard-data" in html
    assert "monitoring_dashboard.js" in html and "vendor/echarts/echarts.min.js" in html
    assert reverse("monitoring:report_pdf", args=[rnd.pk]) in html
    response = client.get(url, {"region": "640323", "department": world.orgs["county"]["agri"].code})
    assert "COUNTY-AGR-1" in response.content.decode() and "COUNTY-EDU-1" not in response.content.decode()
    # A unit sees only its own project, and no report buttons.
    html = login(world.users["county"]["unit"]).get(url).content.decode()
    assert "COUNTY-EDU-1" in html and "COUNTY-EDU-2" not in html and "COUNTY-AGR-1" not in html
    assert reverse("monitoring:report_pdf", args=[rnd.pk]) not in html
    # Another county's users do not see the round at all.
    assert login(world.users["sibling"]["perf"]).get(url).status_code == 404


def test_export_xlsx(world, rnd, login):
    url = reverse("monitoring:dashboard", args=[rnd.pk])
    response = login(world.users["county"]["perf"]).get(url, {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "主管部门" and "执行率" in rows[0]
    by_name = {r[0]: r for r in rows[1:]}
    header = rows[0]
    edu = by_name["盐池县教育局"]
    assert edu[header.index("全年预算(万元)")] == 240 and edu[header.index("已执行(万元)")] == 114
    assert edu[header.index("执行率")] == pytest.approx(0.475)
    assert by_name["合计"][header.index("项目数")] == 3
    # The project level exports the department's projects.
    response = login(world.users["county"]["perf"]).get(
        url, {"export": "xlsx", "region": "640323", "department": world.orgs["county"]["edu"].code})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["COUNTY-EDU-1", "COUNTY-EDU-2", None]


def _more_forms(world, rnd, n):
    school = world.orgs["county"]["school"]
    for i in range(n):
        py = project_year(school, code=f"EXTRA-{rnd.pk}-{i}", amount="100000")
        MonitoringForm.objects.create(round=rnd, project_year=py, initial_budget=D("100000"),
                                      full_budget=D("100000"), executed=D(i * 1000), due_on=rnd.due_on,
                                      level="yellow")
        pay(py, {2: i * 1000})


def test_query_count_does_not_grow(world, rnd, login, django_assert_max_num_queries):
    perf = world.users["county"]["perf"]
    dept = world.users["county"]["dept"]
    for user in (perf, dept):
        with django_assert_max_num_queries(20):
            dashboard.build_dashboard(rnd, user, today=TODAY)
    _more_forms(world, rnd, 25)
    perf = type(perf).objects.get(pk=perf.pk)
    for user in (perf, type(dept).objects.get(pk=dept.pk)):
        with django_assert_max_num_queries(20):
            data = dashboard.build_dashboard(rnd, user, today=TODAY)
    assert data["totals"]["projects"] == 27
    client = login(perf)
    url = reverse("monitoring:dashboard", args=[rnd.pk])
    with django_assert_max_num_queries(30):
        assert client.get(url, {"region": "640323", "department": world.orgs["county"]["edu"].code}).status_code \
            == 200
