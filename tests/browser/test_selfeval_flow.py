"""On the demo region: a unit fills its self-evaluation in the browser and sees the score and the grade change in
place (htmx), then submits it; the joint review sees the audit findings beside each row, raises a problem on a
row with a deadline and returns the table, and the unit sees what to fix. Screenshots of each page."""

import datetime
from decimal import Decimal

from django.utils import timezone

from perfbudget.evaluation import services
from perfbudget.evaluation.choices import ProblemStatus, SelfEvalStatus
from perfbudget.evaluation.models import SelfEvaluationProblem

from .demo_helpers import login, logout
from .evaluation_helpers import NARRATIVE, fill_as_unit, selfeval_on_demo

NAME = "城区中学校舍维修"
ACTUALS = {  # what the unit types: every target met except the repaired area (3000 of ≥3200 m²)
    "维修校舍面积": "3000平方米", "更换课桌椅套数": "600套", "工程验收合格率": "100%",
    "维修工程完工时间": "2025年8月25日", "每平方米维修成本": "340元", "校舍安全隐患整改率": "100%",
    "受益学生人数": "1850人", "维修后校舍使用年限": "15年", "师生满意度": "满意度调查明显提升"}


def _row(page, name):
    return page.locator("#selfeval-rows tbody tr", has_text=name)


def test_unit_fills_selfeval_and_sees_its_score(page, demo, screenshot):
    se, unit_user, _people = selfeval_on_demo(NAME, "DEMO-2025-SE1")

    login(page, "unit_user")
    page.goto("/evaluation/self-evaluations/")
    page.fill("#id_q", NAME)
    page.click("#selfeval-filter button:has-text('查询')")
    page.click(f"#selfeval-table a:has-text('{NAME}')")
    page.wait_for_selector("#selfeval-rows")
    assert page.inner_text("#selfeval-status") == "填报中"
    assert page.inner_text("#full-budget") == "240.00"
    assert page.inner_text("#executed") == "216.00"
    assert page.inner_text("#execution-rate") == "90.0%"
    assert "提交前还需完成" in page.inner_text("#submit-problems")
    before = page.inner_text("#score-total")
    screenshot("selfeval-fill-empty")

    for name, actual in ACTUALS.items():
        _row(page, name).locator("input[name$='-actual']").fill(actual)
    qualitative = _row(page, "师生满意度")
    qualitative.locator("input[name$='-judgement']").fill("90%")
    qualitative.locator("input[name$='-reason']").fill("问卷调查满意度由82%提升到93%")
    _row(page, "维修校舍面积").locator("textarea[name$='-deviation_note']").fill("部分校舍因主体结构问题列入明年改造")
    for field, text in NARRATIVE.items():
        page.fill(f"#id_{field}", text)
    # The page is not reloaded: htmx posts the form and swaps <main>, so a mark left on the window survives.
    page.evaluate("window.__notReloaded = true")
    page.click("#btn-save")
    page.wait_for_selector("text=已保存，得分已重新计算")
    assert page.evaluate("window.__notReloaded === true")

    se.refresh_from_db()
    assert se.total_score is not None and se.grade
    assert page.inner_text("#score-total") == f"{se.total_score}" != before
    assert page.inner_text("#score-grade") == se.grade
    assert page.inner_text("#execution-score") == "9.00"
    area = _row(page, "维修校舍面积")
    assert area.locator(".row-score").inner_text() == "14.06"  # 3000 / 3200 of 15 points
    assert _row(page, "更换课桌椅套数").locator(".row-score").inner_text() == "10.00"
    assert _row(page, "师生满意度").locator(".row-score").inner_text() == "9.00"  # 90% of 10 points
    row_scores = sum(Decimal(t) for t in page.locator("#selfeval-rows .row-score").all_inner_texts())
    assert row_scores + Decimal("9.00") == se.total_score
    assert se.total_score == Decimal("97.06") and se.grade == "优"
    assert page.locator("#submit-problems").count() == 0
    screenshot("selfeval-fill-scored")

    page.click("#btn-submit")
    page.wait_for_selector("text=自评表已提交审核")
    assert page.inner_text("#selfeval-status") == "待主管部门审核"
    assert page.locator("#btn-save").count() == 0  # no longer editable
    se.refresh_from_db()
    assert se.status == SelfEvalStatus.DEPT_REVIEW
    assert se.rows.get(name="维修校舍面积").actual == "3000平方米"
    screenshot("selfeval-submitted")


def test_reviewer_sees_findings_raises_a_problem_and_returns(page, demo, screenshot):
    se, unit_user, people = selfeval_on_demo(NAME, "DEMO-2025-SE2")
    # The unit copies every target as the actual, but only 3000 m² were repaired, and it claims full marks there.
    fill_as_unit(se, unit_user, actuals={"维修校舍面积": "3000平方米"}, claimed={"维修校舍面积": "15"})
    se.refresh_from_db()
    services.submit(se, unit_user)
    se.refresh_from_db()
    services.review(se, people["department"], "approve", comment="同意报财政")
    se.refresh_from_db()
    assert se.status == SelfEvalStatus.BUREAU_REVIEW
    findings = se.result["findings"]
    area_index = next(i for i, r in enumerate(se.rows.all()) if r.name == "维修校舍面积")
    area_findings = [f for f in findings if f.get("indicator") == area_index]
    assert any(f["severity"] == "error" for f in area_findings)

    perf = people["performance_office"]
    login(page, perf.username)
    page.fill("#todo-search input[name=q]", NAME)
    page.click("#todo-search button")
    page.click(f"#todo-table a:has-text('自评审核：{NAME}')")
    page.wait_for_selector("#selfeval-rows")
    assert page.inner_text("#selfeval-status") == "待财政联合审核"
    assert page.locator("#btn-save").count() == 0  # reviewers read, they do not fill
    # Each row's findings are shown in that row, beside its score.
    area = _row(page, "维修校舍面积")
    area_text = area.locator(".row-explanation").inner_text()
    for f in area_findings:
        assert f["message"] in area_text
    assert area.locator(".row-explanation .badge.text-bg-danger").count() >= 1
    assert area.locator(".row-score").inner_text() == "14.06"
    for i, row in enumerate(se.rows.all()):
        cell = _row(page, row.name).locator(".row-explanation").inner_text()
        for f in findings:
            if f.get("indicator") == i:
                assert f["message"] in cell, (row.name, f)
    screenshot("selfeval-review-findings")

    deadline = timezone.localdate() + datetime.timedelta(days=7)
    page.select_option("#id_problem_row", label="1. 维修校舍面积")
    page.fill("#id_problem_description", "实际完成3000平方米未达目标，自评却给满分，请按实际完成值重新自评并补充验收单")
    page.fill("#id_problem_deadline", deadline.isoformat())
    page.click("#btn-raise")
    page.wait_for_selector("text=已记录审核问题")
    problem = SelfEvaluationProblem.objects.get(self_evaluation=se)
    assert problem.row.name == "维修校舍面积" and problem.deadline == deadline
    assert problem.status == ProblemStatus.OPEN and problem.raised_by == perf
    listed = page.inner_text(f"#problem-{problem.pk}")
    assert "维修校舍面积" in listed and f"整改期限 {deadline:%Y-%m-%d}" in listed and "待整改" in listed
    assert "请按实际完成值重新自评" in _row(page, "维修校舍面积").locator(".row-explanation").inner_text()

    page.fill("#id_review_comment", "请按审核问题整改后重新提交")
    page.click("#btn-return")
    page.wait_for_selector("text=已退回整改")
    assert page.inner_text("#selfeval-status") == "已退回整改"
    screenshot("selfeval-review-returned")
    se.refresh_from_db()
    assert se.status == SelfEvalStatus.RETURNED
    logout(page)

    login(page, "unit_user")
    page.goto(f"/evaluation/self-evaluations/{se.pk}/")
    assert "请按审核问题整改后重新提交" in page.inner_text("#return-comment")
    assert f"整改期限 {deadline:%Y-%m-%d}" in page.inner_text(f"#problem-{problem.pk}")
    assert page.locator("#btn-save").count() == 1  # editable again
    page.fill(f"#problem-{problem.pk} input[name=note]", "已按实际完成值重新自评，补充验收单")
    page.click(f"#problem-{problem.pk} button:has-text('已整改')")
    page.wait_for_selector("text=审核问题已更新")
    assert "已整改待确认" in page.inner_text(f"#problem-{problem.pk}")
    screenshot("selfeval-unit-fixes")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.FIXED and problem.fixed_by == unit_user


def test_bad_entry_is_refused_by_row_and_field_and_keeps_what_was_typed(page, demo, screenshot):
    se, _unit_user, _people = selfeval_on_demo(NAME, "DEMO-2025-SE3")
    login(page, "unit_user")
    page.goto(f"/evaluation/self-evaluations/{se.pk}/")
    before = page.inner_text("#score-total")
    _row(page, "维修校舍面积").locator("input[name$='-actual']").fill("3000平方米")
    _row(page, "师生满意度").locator("input[name$='-judgement']").fill("很好")
    page.fill("#id_conclusion", "项目总体完成良好。")
    page.click("#btn-save")
    page.wait_for_selector("text=未保存")
    assert "第9项指标「达成比例」：应为数字，不能是「很好」" in page.inner_text("main")
    assert page.inner_text("#score-total") == before
    se.refresh_from_db()
    assert se.conclusion == "" and se.rows.get(name="维修校舍面积").actual == ""  # all or nothing
    screenshot("selfeval-bad-entry")
    # What the unit typed is still on the page, so it corrects one field instead of typing the table again.
    assert _row(page, "维修校舍面积").locator("input[name$='-actual']").input_value() == "3000平方米"
    assert _row(page, "师生满意度").locator("input[name$='-judgement']").input_value() == "很好"
    assert page.input_value("#id_conclusion") == "项目总体完成良好。"
