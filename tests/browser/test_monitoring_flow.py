"""On the demo region: a unit fills and submits its monitoring form; the performance office sweeps the round,
sees the red warning on the project, urges the unit, then reduces the budget. Screenshots of each page."""

import datetime
from decimal import Decimal

from django.utils import timezone

from perfbudget.goals import services as goal_services
from perfbudget.monitoring import services_rounds
from perfbudget.monitoring.models import MonitoringAction, MonitoringForm, MonitoringRound
from perfbudget.orgs.models import RoleGrant
from perfbudget.projects.models import FunctionClass
from tests.factories import declare_goal, project_year
from tests.monitoring.helpers import pay

from .demo_helpers import login, logout

NAME = "校园安全设施改造"


def _user(role, **where):
    return RoleGrant.objects.filter(role=role, **where).select_related("user").first().user


def _setup():
    """A 2025 project of unit_user with approved goals, slow spending, and a fresh round that covers it."""
    unit_user = RoleGrant.objects.get(user__username="unit_user").user
    unit = unit_user.grants[0].organisation
    py = project_year(unit, year=2025, amount="2400000", name=NAME, code="DEMO-2025-MON", status="accepted",
                      function_class=FunctionClass.objects.get(code="2050201"))
    goal = declare_goal(py, unit_user, submit=True)
    for role, where in (("department", {"organisation": unit.department}),
                        ("funding_section", {"organisation": unit.department.funding_section}),
                        ("performance_office", {"organisation__region": unit.region})):
        goal.refresh_from_db()
        goal_services.review(goal, _user(role, **where), "approve", criteria={})
    pay(py, {3: 60000, 5: 90000, 7: 150000})  # 300,000 of 2,400,000 by July: 12.5%
    perf = _user("performance_office", organisation__region=unit.region)
    today = timezone.localdate()
    rnd = MonitoringRound.objects.create(
        region=unit.region, year=2025, code="browser", name="浏览器测试专项监控", through_month=7, scope="class_a",
        opens_on=today, due_on=today + datetime.timedelta(days=10))
    py.abc_class = "A"
    py.save()
    services_rounds.open_round(rnd, perf)
    return py, rnd, perf


def test_unit_fills_form_bureau_sees_warning_urges_and_reduces(page, demo, screenshot):
    py, rnd, perf = _setup()
    form = MonitoringForm.objects.get(round=rnd, project_year=py)

    login(page, "unit_user")
    page.goto(f"/monitoring/forms/{form.pk}/")
    page.wait_for_selector("#form-indicators")
    page.fill("#id_forecast_amount", "200万")
    page.fill("#id_execution_note", "设备采购9月完成招标，10月起集中支付")
    for row in page.locator("#form-indicators tbody tr").all():
        target = row.locator("td").nth(4).inner_text().strip()
        row.locator("input[name$='-actual']").fill("完成60%")
        row.locator("input[name$='-forecast']").fill(target)
        row.locator("select[name$='-likelihood']").select_option("certain")
    screenshot("monitoring-form-unit")
    page.click("#btn-submit")
    page.wait_for_selector("text=监控表已提交审核")
    assert page.inner_text("#form-status") == "待主管部门审核"
    logout(page)

    login(page, perf.username)
    page.goto(f"/monitoring/rounds/{rnd.pk}/")
    page.click("#btn-sweep")
    page.wait_for_selector("text=预警扫描完成")
    assert int(page.inner_text("#count-red")) >= 1
    screenshot("monitoring-round")
    page.click("#link-warnings")
    page.wait_for_selector("#warning-table")
    assert NAME in page.inner_text("#warning-table")
    page.goto(f"/monitoring/forms/{form.pk}/")
    warnings = page.inner_text("#warnings")
    assert "截至7月底预算执行率 12.5%，序时进度 58.3%" in warnings
    screenshot("monitoring-form-warning")

    page.click("#btn-urge")
    page.fill("#id_reason", "执行进度严重滞后，请于10日内加快支付并报送整改情况")
    page.click("#btn-take-action")
    page.wait_for_selector("text=已记录处置：督促整改")
    assert page.inner_text("#action-state") == "办理中"

    page.goto(f"/monitoring/forms/{form.pk}/")
    page.click("#btn-reduce")
    page.select_option("#id_kind", "reduce")
    page.fill("#id_reason", "年内无法完成设备采购，核减部分预算")
    page.fill("#id_amount", "300万")  # more than is unpaid: refused with the numbers
    page.click("#btn-take-action")
    page.wait_for_selector("#action-errors")
    assert "超过未支付预算" in page.inner_text("#action-errors")
    page.fill("#id_amount", "50万")
    page.click("#btn-take-action")
    page.wait_for_selector("text=已记录处置：核减预算")
    assert page.inner_text("#action-budget") == "240.00 → 190.00"
    screenshot("monitoring-action-reduce")
    py.refresh_from_db()
    assert py.budget == Decimal("1900000.00")
    assert list(MonitoringAction.objects.filter(project_year=py).values_list("kind", flat=True)
                .order_by("created_at")) == ["urge", "reduce"]
    page.goto(f"/projects/{py.pk}/")
    assert "核减预算" in page.inner_text("#monitoring-panel")
