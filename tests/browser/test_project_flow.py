"""On the demo region: unit_user proposes a project; dept_user returns it with a comment; unit_user resubmits;
dept_user approves; the city budget section accepts it. Screenshots of the inbox and project list are kept."""

from perfbudget.orgs.models import RoleGrant
from perfbudget.projects.models import ProjectYear

from .demo_helpers import login, logout

NAME = "校园食堂设备更新"


def act(page, action, comment=""):
    if comment:
        page.fill("#id_comment", comment)
    page.click(f"button[data-action={action}]")
    page.wait_for_selector(".alert")


def open_todo(page, title):
    page.goto(f"/?q={NAME}")
    page.click(f"#todo-table >> text={title}")
    page.wait_for_selector("#project-status")


def test_propose_return_resubmit_accept(page, demo, screenshot):
    unit = RoleGrant.objects.get(user__username="unit_user").organisation
    login(page, "unit_user")
    assert page.locator("h1").first.inner_text().startswith("我的待办")
    screenshot("inbox-unit_user")
    page.click("#btn-new-project") if page.locator("#btn-new-project").count() else None
    page.goto("/projects/new/")
    page.fill("#id_code", "DEMO-2026-901")
    page.fill("#id_name", NAME)
    page.select_option("#id_unit", unit.code, force=True)
    page.select_option("#id_year", "2026", force=True)
    page.select_option("#id_function_class", "2050203", force=True)
    page.fill("#id_start_year", "2026")
    page.fill("#id_end_year", "2026")
    page.fill("#id_initial_budget", "一百八十万")
    page.click("#btn-save")
    assert "金额应为数字" in page.inner_text("#project-form")  # a clear Chinese error, nothing saved
    assert not ProjectYear.objects.filter(project__code="DEMO-2026-901").exists()
    page.fill("#id_initial_budget", "1,800,000")
    page.click("#btn-save")
    page.wait_for_selector("#project-status")
    assert "草稿" in page.inner_text("#project-status")
    act(page, "submit")
    assert "待主管部门审核" in page.inner_text("#project-status")
    logout(page)

    login(page, "dept_user")
    screenshot("inbox-dept_user")
    open_todo(page, f"审核项目入库申请：{NAME}（2026年）")
    act(page, "dept_return")  # no comment: refused
    assert "必须填写意见" in page.inner_text(".alert")
    act(page, "dept_return", "请补充设备清单及询价依据。")
    assert "已退回" in page.inner_text("#project-status")
    logout(page)

    login(page, "unit_user")
    open_todo(page, f"修改后重新提交：{NAME}（2026年）")
    assert "请补充设备清单及询价依据。" in page.inner_text("#return-comment")
    act(page, "submit", "已补充设备清单。")
    logout(page)

    login(page, "dept_user")
    open_todo(page, f"审核项目入库申请：{NAME}（2026年）")
    act(page, "dept_approve", "同意")
    logout(page)

    login(page, "city_budget")
    screenshot("inbox-city_budget")
    open_todo(page, f"财政审核项目入库：{NAME}（2026年）")
    act(page, "accept")
    assert "已入库" in page.inner_text("#project-status")
    page.click("#tab-workflow")
    assert page.locator("#workflow-history tbody tr").count() == 5
    page.click("#tab-history")
    assert page.locator("#change-history tbody tr").count() >= 2
    page.goto("/projects/?q=食堂设备")
    assert "DEMO-2026-901" in page.inner_text("#project-table")
    page.goto("/projects/?year=2026")
    screenshot("project-list-city_budget")
    py = ProjectYear.objects.get(project__code="DEMO-2026-901")
    assert py.status == "accepted" and py.abc_class == "B" and py.initial_budget == 1800000
