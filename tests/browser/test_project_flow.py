"""A unit proposes a project; the department returns it with a comment; the unit resubmits; it is accepted."""

import pytest

from perfbudget.projects.models import ProjectYear
from tests.factories import PASSWORD, World


@pytest.fixture
def world_live(transactional_db):
    return World.get()


def login(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def logout(page):
    page.click("text=退出")
    page.wait_for_url("**/accounts/login/**")


def act(page, action, comment=""):
    if comment:
        page.fill("#id_comment", comment)
    page.click(f"button[data-action={action}]")
    page.wait_for_selector(".alert")


def test_propose_return_resubmit_accept(page, world_live, screenshot):
    w = world_live
    school = w.orgs["county"]["school"]
    login(page, "county_unit")
    assert page.locator("h1").first.inner_text().startswith("我的待办")
    page.click("#btn-new-project") if page.locator("#btn-new-project").count() else page.goto("/projects/new/")
    page.goto("/projects/new/")
    page.fill("#id_code", "YC-2026-001")
    page.fill("#id_name", "校园食堂设备更新")
    page.select_option("#id_unit", school.code, force=True)
    page.select_option("#id_year", "2026", force=True)
    page.select_option("#id_function_class", "2050201", force=True)
    page.fill("#id_start_year", "2026")
    page.fill("#id_end_year", "2026")
    page.fill("#id_initial_budget", "abc")
    page.click("#btn-save")
    assert page.locator(".invalid-feedback").count() >= 1  # a clear error, nothing saved
    assert not ProjectYear.objects.filter(project__code="YC-2026-001").exists()
    page.fill("#id_initial_budget", "1800000")
    page.click("#btn-save")
    page.wait_for_selector("#project-status")
    assert "草稿" in page.inner_text("#project-status")
    act(page, "submit")
    assert "待主管部门审核" in page.inner_text("#project-status")
    logout(page)

    login(page, "county_dept")
    screenshot("inbox-department")
    page.click("text=审核项目入库申请：校园食堂设备更新（2026年）")
    act(page, "dept_return")  # no comment: refused
    assert "必须填写意见" in page.inner_text(".alert")
    act(page, "dept_return", "请补充设备清单及询价依据。")
    assert "已退回" in page.inner_text("#project-status")
    logout(page)

    login(page, "county_unit")
    page.click("text=修改后重新提交：校园食堂设备更新（2026年）")
    page.click("#tab-workflow")
    assert "请补充设备清单及询价依据。" in page.inner_text("#workflow-history")
    act(page, "submit", "已补充设备清单。")
    logout(page)

    login(page, "county_dept")
    page.click("text=审核项目入库申请：校园食堂设备更新（2026年）")
    act(page, "dept_approve", "同意")
    logout(page)

    login(page, "county_budget")
    screenshot("inbox-budget-section")
    page.click("text=财政审核项目入库：校园食堂设备更新（2026年）")
    act(page, "accept")
    assert "已入库" in page.inner_text("#project-status")
    page.click("#tab-history")
    assert page.locator("#change-history tbody tr").count() >= 2
    page.goto("/projects/?q=食堂")
    assert "YC-2026-001" in page.inner_text("#project-table")
    page.goto("/projects/")
    screenshot("project-list")
    py = ProjectYear.objects.get(project__code="YC-2026-001")
    assert py.status == "accepted" and py.abc_class == "B"
