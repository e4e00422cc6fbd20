"""On the demo region: unit_user declares goals from the library, sees a quality warning and fixes it, submits;
dept_user returns it with a comment on one indicator; unit_user revises and resubmits; the department, the
funding section and the performance office approve it. Screenshots of the grid, the review and the list."""

from perfbudget.goals.models import Goal
from perfbudget.orgs.models import RoleGrant
from perfbudget.projects.models import FunctionClass
from tests.factories import project_year

from .demo_helpers import login, logout

NAME = "普惠性幼儿园扩容改造"
PICKS = ["新建改扩建公办幼儿园数", "新增普惠性学前教育学位数", "学前三年毛入园率", "幼儿园建设项目竣工时间",
         "普惠性民办幼儿园生均奖补标准", "适龄幼儿就近入园率", "公办园在园幼儿占比", "幼儿家长满意度"]


def _username(role, **where):
    return RoleGrant.objects.filter(role=role, **where).select_related("user").first().user.username


def pick(page, name):
    page.fill("#library-q", name)
    page.wait_for_selector(f"#library-list .pick-entry[data-name='{name}']")
    page.click(f"#library-list .pick-entry[data-name='{name}']")


def rows(page):
    return page.locator("#goal-rows tr.goal-row")


def test_declare_from_library_fix_warning_submit_return_approve(page, demo, screenshot):
    unit = RoleGrant.objects.get(user__username="unit_user").organisation
    py = project_year(unit, year=2026, amount="2400000", name=NAME, code="DEMO-2026-GOAL",
                      function_class=FunctionClass.objects.get(code="2050201"))
    department = unit.department
    funding_user = _username("funding_section", organisation=department.funding_section)
    perf_user = _username("performance_office", organisation__region=unit.region)
    dept_user = _username("department", organisation=department)

    login(page, "unit_user")
    page.goto(f"/projects/{py.pk}/")
    page.click("#btn-declare-goal")
    page.wait_for_selector("#goal-grid")
    page.fill("#id_overall_goal", "新增普惠性学位600个，改扩建公办幼儿园3所，提高学前教育普及普惠水平。")
    for name in PICKS:
        pick(page, name)
    assert rows(page).count() == len(PICKS)
    deadline = rows(page).nth(PICKS.index("幼儿园建设项目竣工时间"))
    assert deadline.locator("[data-field=target]").input_value() == "8月底前"
    assert deadline.locator("[data-field=unit]").input_value() == ""  # a date has no unit
    page.click("#default-weights")
    assert page.inner_text("#weight-total") == "90"
    # a vague row: the live check flags it
    page.click("#add-row")
    last = rows(page).last
    last.locator("[data-field=level1]").select_option("效益指标")
    last.locator("[data-field=level2]").select_option("社会效益指标")
    last.locator("[data-field=name]").fill("学前教育发展水平")
    last.locator("[data-field=comparator]").select_option("qual")
    last.locator("[data-field=target]").fill("明显提升")
    page.wait_for_selector("#quality-findings [data-code=VAGUE_TARGET]")
    screenshot("goal-grid-warning")
    # fix it: move it up and then remove it; the warning goes away
    last.locator(".move-up").click()
    assert rows(page).nth(len(PICKS) - 1).locator("[data-field=name]").input_value() == "学前教育发展水平"
    rows(page).nth(len(PICKS) - 1).locator(".remove-row").click()
    page.wait_for_function("!document.querySelector('#quality-findings [data-code=VAGUE_TARGET]')")
    page.click("#btn-save")
    page.wait_for_selector(".alert-success")
    goal = Goal.objects.get(project_year=py)
    assert goal.rows.count() == len(PICKS) and goal.rows.filter(entry__isnull=False).count() == len(PICKS)
    assert sum(r.weight for r in goal.rows.all()) == 90
    page.goto(f"/goals/{goal.pk}/")
    for field in page.locator("#submit-form input[name^=reason-]").all():
        field.fill("按行业标准设定，已与主管部门确认。")
    screenshot("goal-detail-unit")
    page.click("#submit-form button[data-action=submit]")
    page.wait_for_selector(".alert-success")
    assert "待主管部门审核" in page.inner_text("#goal-status")
    logout(page)

    login(page, dept_user)
    page.goto(f"/?q={NAME}")
    page.click(f"#todo-table >> text=审核绩效目标：{NAME}（2026年）")
    page.wait_for_selector("#review-form")
    page.fill("#crit-completeness", "20")
    page.fill("input[name=note-1]", "新增学位数应与改扩建规模匹配，请核实。")
    page.fill("#id_review_comment", "请核实学位数。")
    screenshot("goal-review-dept")
    page.click("#btn-return")
    page.wait_for_selector(".alert-success")
    assert "已退回" in page.inner_text("#goal-status")
    logout(page)

    login(page, "unit_user")
    page.goto(f"/goals/{goal.pk}/")
    assert "请核实学位数。" in page.inner_text("#return-comment")
    assert "新增学位数应与改扩建规模匹配" in page.inner_text("#goal-indicators")
    page.click("#btn-edit-goal")
    rows(page).nth(1).locator("[data-field=target]").fill("720")
    page.click("#btn-save")
    page.wait_for_selector(".alert-success")
    page.goto(f"/goals/{goal.pk}/")
    for field in page.locator("#submit-form input[name^=reason-]").all():
        if not field.input_value():
            field.fill("按行业标准设定。")
    page.click("#submit-form button[data-action=submit]")
    page.wait_for_selector(".alert-success")
    logout(page)

    for username in (dept_user, funding_user, perf_user):
        login(page, username)
        page.goto(f"/goals/{goal.pk}/")
        if username == dept_user:
            assert "720" in page.inner_text("#goal-diff")  # what changed since the return
        page.click("#btn-approve")
        page.wait_for_selector(".alert-success")
        logout(page)
    goal.refresh_from_db()
    assert goal.status == "approved"
    login(page, perf_user)
    page.goto(f"/goals/{goal.pk}/?tab=workflow")
    assert page.locator("#workflow-history tbody tr").count() == 6
    page.goto("/goals/?year=2026")
    screenshot("goal-list-perf")
    page.goto("/goals/summary/?year=2026")
    assert page.locator("#summary-total").count() == 1
    screenshot("goal-summary-perf")
    page.goto("/indicators/?q=yejz")  # pinyin initials
    assert "幼儿" in page.inner_text("#indicator-table")
    screenshot("indicator-library")
