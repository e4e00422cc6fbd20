"""On the demo region: the city's performance office assigns a key evaluation by random draw (one agency, two
experts; the expert employed by the evaluated unit is excluded), the two experts score it in their own browser
sessions (the far-off score must be explained), and the office sees the columns side by side, the mean and the
grade. Screenshots of each page."""

from decimal import Decimal

from perfbudget.keyevals import services
from perfbudget.keyevals.choices import Status
from perfbudget.keyevals.models import KeyEvaluation

from .demo_helpers import login, logout
from .evaluation_helpers import key_evaluation_on_demo

NAME = "城区学校食堂改造"
LOW_ITEM, LOW_SCORE = "C11", "6"  # the second expert's view of 实际完成率 (10 points): far from the others' 10


def _score_page_fill(page, leaves, low=None, reason=""):
    """Fill the evaluator's own column: every item full marks with its evidence, `low` = (code, score) aside."""
    for leaf in leaves:
        score = low[1] if low and leaf.code == low[0] else str(leaf.weight)
        page.fill(f"input[name='score-{leaf.code}']", score)
        page.fill(f"textarea[name='evidence-{leaf.code}']", f"查阅{leaf.name}相关资料并现场核实")
    if reason:
        page.fill(f"textarea[name='reason-{low[0]}']", reason)


def test_key_evaluation_assigned_by_draw_and_scored_by_two_experts(page, demo, screenshot):
    world = key_evaluation_on_demo(NAME, "DEMO-2025-KE1")
    ev = world.evaluation
    leaves = ev.leaves
    title = ev.title

    # The office draws the agency and the experts and commissions the evaluation.
    login(page, world.perf.username)
    page.goto("/key-evaluations/")
    page.click(f"a:has-text('{title}')")
    assert page.inner_text("#keyeval-status") == "计划"
    page.click("#btn-assign")
    page.wait_for_selector("text=已随机抽取第三方机构和专家并完成委托")
    assert page.inner_text("#keyeval-status") == "已委托"
    evaluators = page.inner_text("#keyeval-evaluators")
    assert world.agency.name in evaluators and "陈思远" in evaluators and "王丽华" in evaluators
    assert "马国强" not in evaluators  # employed by the evaluated unit
    screenshot("keyeval-assigned")
    ev.refresh_from_db()
    assert ev.expert_draw.status == "revealed" and ev.agency_draw.status == "revealed"
    assert sorted(e.name for e in ev.evaluators.filter(kind="expert")) == ["王丽华", "陈思远"]

    page.click(f"#keyeval-draws a:has-text('#{ev.expert_draw.pk}')")
    page.wait_for_selector("#candidates")
    conflicted = page.locator("#candidates tbody tr", has_text="马国强")
    assert conflicted.locator("td").nth(3).inner_text().strip() != ""  # the reason it was excluded
    assert page.locator("#draw-result li").count() == 2
    page.click("#btn-verify")
    page.wait_for_selector("#verification")
    assert "验证通过" in page.inner_text("#verification")
    screenshot("keyeval-expert-draw")
    logout(page)

    # The agency scores through the services (full marks); the two experts score in the browser.
    agency_column = ev.evaluators.get(kind="agency")
    services.save_scores(world.agency_user, ev, {leaf.code: {"score": str(leaf.weight), "evidence": "资料齐全"}
                                                 for leaf in leaves}, evaluator_id=agency_column.pk)
    services.submit_scores(world.agency_user, ev, evaluator_id=agency_column.pk)

    first, second = world.expert_users
    login(page, first.username)
    page.click(f"#todo-table a:has-text('重点评价打分：{title}')")
    page.click("#keyeval-actions a:has-text('打分：陈思远')")
    page.wait_for_selector("#score-form")
    assert "尚未打分" in page.inner_text("#score-problems")
    _score_page_fill(page, leaves)
    page.click("#btn-submit-scores")
    page.wait_for_selector("text=评分已提交")
    # Scoring stays independent: an expert sees only its own column.
    headers = page.locator("#score-table thead th").all_inner_texts()
    assert "陈思远" in headers and "王丽华" not in headers and world.agency.name not in headers
    screenshot("keyeval-expert-one-submitted")
    logout(page)

    login(page, second.username)
    page.click(f"#todo-table a:has-text('重点评价打分：{title}')")
    page.click("#keyeval-actions a:has-text('打分：王丽华')")
    page.wait_for_selector("#score-form")
    _score_page_fill(page, leaves, low=(LOW_ITEM, LOW_SCORE))
    page.click("#btn-submit-scores")
    page.wait_for_selector("#score-errors")
    errors = page.inner_text("#score-errors")
    assert LOW_ITEM in errors and "实际完成率" in errors
    screenshot("keyeval-expert-two-reason-needed")
    # Nothing is lost: the entered scores come back, and the reason is all that is missing.
    assert page.input_value(f"input[name='score-{LOW_ITEM}']") == LOW_SCORE
    page.fill(f"textarea[name='reason-{LOW_ITEM}']", "现场核查发现部分食堂设备尚未安装调试，实际完成约六成")
    page.click("#btn-submit-scores")
    page.wait_for_selector("text=评分已提交")
    ev.refresh_from_db()
    assert ev.status == Status.REVIEW
    logout(page)

    # The office sees the three columns side by side, the far-off score marked, the mean and the total.
    login(page, world.perf.username)
    page.goto(f"/key-evaluations/{ev.pk}/")
    assert page.inner_text("#keyeval-status") == "复核"
    headers = page.locator("#score-table thead th").all_inner_texts()
    assert world.agency.name in headers and "陈思远" in headers and "王丽华" in headers and "平均分" in headers
    low_row = page.locator("#score-table tbody tr", has_text="实际完成率")
    assert low_row.locator("td.spread").count() == 1
    assert low_row.locator("td.spread").inner_text().strip() in ("6", "6.00")
    means, total, grade, _label = services.result_of(ev)
    assert total == Decimal("98.67") and grade == "优"
    assert page.inner_text("#provisional-total").strip() == "98.67"
    screenshot("keyeval-review")

    conclusion = "项目立项规范，资金管理较好，食堂设备安装略有滞后，综合评价为优。"
    page.fill("#report-form textarea[name=conclusion]", conclusion)
    page.click("#report-form button:has-text('保存报告内容')")
    page.wait_for_selector("text=已保存评价报告内容")
    page.click("#btn-finish")
    page.wait_for_selector("text=操作成功")
    assert page.inner_text("#keyeval-status") == "已完成"
    assert page.inner_text("#keyeval-total").startswith("98.67（优）")
    screenshot("keyeval-finished")
    ev = KeyEvaluation.objects.get(pk=ev.pk)
    assert ev.status == Status.FINISHED and ev.total == Decimal("98.67") and ev.grade == "优"
