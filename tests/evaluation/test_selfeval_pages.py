"""Self-evaluation pages: list (filters, search, export), the table page (fill, htmx save, errors write nothing,
review with problems), the official .xlsx opened back, the review summary, query counts."""

import io
from decimal import Decimal

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from perfbudget.evaluation import services
from perfbudget.evaluation.audit import FINDING_CODES
from perfbudget.evaluation.choices import SelfEvalStatus
from perfbudget.evaluation.models import SelfEvaluation, SelfEvaluationProblem

from .helpers import NARRATIVE, fill, goal_for, make_selfeval

pytestmark = pytest.mark.django_db


def _cells(content):
    wb = load_workbook(io.BytesIO(content))
    return wb.active


def test_list_filters_search_and_export(world, login):
    school = make_selfeval(world, "county", "school", paid=(600000,))
    farm = make_selfeval(world, "county", "farm")
    fill(farm)
    client = login(world.users["county"]["perf"])
    url = reverse("evaluation:selfevals")
    r = client.get(url)
    assert r.status_code == 200
    body = r.content.decode()
    assert "单位自评" in body and "生成自评表" in body and school.project.name in body and farm.project.name in body
    r = client.get(url, {"q": "农田"})
    assert farm.project.name in r.content.decode() and school.project.name not in r.content.decode()
    r = client.get(url, {"grade": "优"})
    assert farm.project.name in r.content.decode() and school.project.name not in r.content.decode()
    r = client.get(url, {"unit": school.project.unit.code, "year": 2025, "status": "draft"})
    assert school.project.name in r.content.decode() and farm.project.name not in r.content.decode()
    r = client.get(url, {"has_errors": "false", "department": farm.project.department.code})
    assert farm.project.name in r.content.decode()
    export = client.get(reverse("evaluation:selfevals_export"), {"grade": "优"})
    assert export.status_code == 200
    ws = _cells(export.content)
    assert ws["A1"].value == "项目编码" and ws["A2"].value == farm.project.code and ws.max_row == 2
    assert ws["K2"].value == "优"


def test_unit_list_shows_only_its_own_and_no_create_button(world, login):
    school = make_selfeval(world, "county", "school")
    sibling = make_selfeval(world, "sibling", "school")
    body = login(world.users["county"]["unit"]).get(reverse("evaluation:selfevals")).content.decode()
    assert school.project.name in body and sibling.project.name not in body and "生成自评表" not in body


def test_create_button_creates_for_the_offices_region(world, login):
    goal_for(world)
    client = login(world.users["county"]["perf"])
    r = client.post(reverse("evaluation:selfevals_create"), {"year": 2025}, follow=True)
    body = r.content.decode()
    assert "已生成自评表1份" in body and "没有已批复的绩效目标" in body
    assert SelfEvaluation.objects.count() == 1
    r = login(world.users["county"]["unit"]).post(reverse("evaluation:selfevals_create"), {"year": 2025})
    assert r.status_code == 403


def test_fill_page_save_and_submit(world, login):
    se = make_selfeval(world, qualitative=1)
    client = login(world.users["county"]["unit"])
    url = reverse("evaluation:selfeval", args=[se.pk])
    r = client.get(url)
    body = r.content.decode()
    assert r.status_code == 200
    assert "项目支出绩效自评表" in body and "偏差原因分析及改进措施" in body and "提交前还需完成" in body
    post = {"row_version": se.row_version, **NARRATIVE}
    for row in se.rows.all():
        post[f"row-{row.pk}-present"] = "1"
        post[f"row-{row.pk}-applicable"] = "1"
        post[f"row-{row.pk}-actual"] = row.target
        if row.qualitative:
            post[f"row-{row.pk}-judgement"] = "0.9"
            post[f"row-{row.pk}-reason"] = "调查显示明显提升"
    r = client.post(reverse("evaluation:selfeval_save", args=[se.pk]), post, HTTP_HX_REQUEST="true", follow=True)
    body = r.content.decode()
    assert "已保存，得分已重新计算" in body
    se.refresh_from_db()
    assert se.total_score is not None and f'id="score-total">{se.total_score}<' in body
    assert f'id="score-grade">{se.grade}<' in body
    post = {**post, "row_version": se.row_version, "submit": "1"}
    r = client.post(reverse("evaluation:selfeval_save", args=[se.pk]), post, follow=True)
    assert "自评表已提交审核" in r.content.decode()
    se.refresh_from_db()
    assert se.status == SelfEvalStatus.DEPT_REVIEW


def test_bad_save_shows_the_error_and_writes_nothing(world, login):
    se = make_selfeval(world)
    client = login(world.users["county"]["unit"])
    row = se.rows.first()
    before = se.row_version
    r = client.post(reverse("evaluation:selfeval_save", args=[se.pk]),
                    {"row_version": se.row_version, "conclusion": "新结论", f"row-{row.pk}-present": "1",
                     f"row-{row.pk}-applicable": "1", f"row-{row.pk}-actual": "3300平方米",
                     f"row-{row.pk}-claimed_score": "二十"}, follow=True)
    body = r.content.decode()
    assert "第1项指标「单位自评得分」：应为数字，不能是「二十」" in body and "未保存" in body
    se.refresh_from_db()
    row.refresh_from_db()
    assert se.row_version == before and se.conclusion == "" and row.actual == ""


def test_unticked_applicable_box_marks_the_row_inapplicable(world, login):
    se = make_selfeval(world)
    client = login(world.users["county"]["unit"])
    row = se.rows.first()
    client.post(reverse("evaluation:selfeval_save", args=[se.pk]),
                {"row_version": se.row_version, f"row-{row.pk}-present": "1", f"row-{row.pk}-actual": ""})
    row.refresh_from_db()
    assert row.applicable is False and row.score is None


def test_review_page_raise_problem_return_fix_confirm_accept(world, login, client):
    u = world.users["county"]
    se = make_selfeval(world)
    fill(se, u["unit"])
    se.refresh_from_db()
    services.submit(se, u["unit"])
    client.force_login(u["dept"])
    client.post(reverse("evaluation:selfeval_transition", args=[se.pk]), {"action": "dept_approve"})
    se.refresh_from_db()
    assert se.status == SelfEvalStatus.BUREAU_REVIEW
    client.force_login(u["perf"])
    body = client.get(reverse("evaluation:selfeval", args=[se.pk])).content.decode()
    assert "提出问题" in body and "审核通过" in body and "ACTUAL_REPEATS_TARGET" in body
    row = se.rows.first()
    r = client.post(reverse("evaluation:problem_create", args=[se.pk]),
                    {"row": row.pk, "description": "缺少验收佐证", "deadline": "2099-01-31"}, follow=True)
    assert "已记录审核问题" in r.content.decode()
    r = client.post(reverse("evaluation:problem_create", args=[se.pk]), {"description": "x", "deadline": "明天"},
                    follow=True)
    assert "「整改期限」应为日期" in r.content.decode()
    r = client.post(reverse("evaluation:selfeval_transition", args=[se.pk]), {"action": "bureau_return"},
                    follow=True)
    assert "已退回整改" in r.content.decode()
    problem = SelfEvaluationProblem.objects.get()
    assert str(problem.deadline) == "2099-01-31"
    client.force_login(u["unit"])
    body = client.get(reverse("evaluation:selfeval", args=[se.pk])).content.decode()
    assert "缺少验收佐证" in body and "已整改" in body
    client.post(reverse("evaluation:problem_action", args=[problem.pk]), {"action": "fix", "note": "已补充验收单"})
    se.refresh_from_db()
    services.submit(se, u["unit"])
    client.force_login(u["perf"])
    client.post(reverse("evaluation:problem_action", args=[problem.pk]), {"action": "confirm"})
    r = client.post(reverse("evaluation:selfeval_transition", args=[se.pk]), {"action": "accept"}, follow=True)
    assert "审核通过" in r.content.decode()
    se.refresh_from_db()
    assert se.status == SelfEvalStatus.ACCEPTED
    summary = client.get(reverse("evaluation:reviews"), {"year": 2025}).content.decode()
    assert "自评审核汇总" in summary and "100.0%" in summary and "盐池县" in summary


def test_official_xlsx_opened_back(world, login):
    se = make_selfeval(world, paid=(1_080_000,))
    fill(se, world.users["county"]["unit"], deviation_note="按计划完成")
    se.refresh_from_db()
    r = login(world.users["county"]["perf"]).get(reverse("evaluation:selfeval_xlsx", args=[se.pk]))
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    ws = _cells(r.content)
    assert ws["A1"].value == "项目支出绩效自评表" and "A1:J1" in {str(m) for m in ws.merged_cells.ranges}
    assert ws["A2"].value == "（2025年度）"
    assert ws["C3"].value == se.project.name
    assert ws["C4"].value == "盐池县教育局" and ws["H4"].value == "盐池县第一中学"
    assert ws["A5"].value == "项目资金（万元）" and ws["C5"].value == "年初预算数"
    assert (ws["C6"].value, ws["D6"].value, ws["E6"].value) == (120.0, 120.0, 108.0)
    assert ws["F6"].value == 10 and ws["G6"].value == 0.9 and ws["H6"].value == 9.0
    assert ws["C7"].value == "预期目标" and ws["C8"].value == se.overall_goal_expected
    assert ws["G8"].value == NARRATIVE["overall_goal_actual"]
    assert [c.value for c in ws[9]][:8] == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值",
                                             "得分", "偏差原因分析及改进措施"]
    assert (ws["A10"].value, ws["B10"].value, ws["C10"].value, ws["D10"].value, ws["E10"].value) == (
        "产出指标", "数量指标", "维修校舍面积", "≥3200平方米", "≥3200平方米")
    assert ws["F10"].value == 15 and ws["G10"].value == 15 and ws["H10"].value == "按计划完成"
    merged = {str(m) for m in ws.merged_cells.ranges}
    # 产出指标 over five rows, 数量指标 over two, the deviation note over three columns.
    assert "A10:A14" in merged and "B10:B11" in merged and "H10:J10" in merged
    last = 10 + se.rows.count()
    assert ws[f"A{last}"].value == "总分" and ws[f"F{last}"].value == 100
    assert ws[f"G{last}"].value == float(se.total_score) and ws[f"I{last}"].value == se.grade
    assert ws["A10"].border.left.style == "thin" and ws["J10"].border.right.style == "thin"


def test_pages_of_others_are_404(world, login):
    se = make_selfeval(world)
    client = login(world.users["sibling"]["unit"])
    assert client.get(reverse("evaluation:selfeval", args=[se.pk])).status_code == 404
    assert client.get(reverse("evaluation:selfeval_xlsx", args=[se.pk])).status_code == 404
    oversight = login(world.users["county"]["oversight"])
    body = oversight.get(reverse("evaluation:selfeval", args=[se.pk])).content.decode()
    assert "保存并提交审核" not in body and "提出问题" not in body
    assert oversight.get(reverse("core:history", args=["evaluation", "selfevaluation", se.pk])).status_code == 200


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, params or {})
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_list_queries_stay_flat(world, login):
    client = login(world.users["city"]["perf"])
    make_selfeval(world, "county", "school")
    small = _count(client, reverse("evaluation:selfevals"), {"per_page": 100})
    make_selfeval(world, "county", "farm")
    make_selfeval(world, "sibling", "school")
    make_selfeval(world, "sibling", "school2")
    assert _count(client, reverse("evaluation:selfevals"), {"per_page": 100}) == small


def test_project_page_panel_and_history(world, login):
    se = make_selfeval(world)
    unit = world.users["county"]["unit"]
    fill(se, unit)
    client = login(unit)
    body = client.get(reverse("projects:detail", args=[se.project_year.pk])).content.decode()
    assert 'id="selfeval-panel"' in body and reverse("evaluation:selfeval", args=[se.pk]) in body
    body = client.get(reverse("evaluation:selfeval", args=[se.pk])).content.decode()
    assert "历史记录" in body and "按期完成校舍维修" in body
    assert 'id="selfeval-panel"' not in login(world.users["sibling"]["perf"]).get(
        reverse("projects:detail", args=[world.projects["sibling"]["school"].pk])).content.decode()


# --- the fixes found by the browser pass -------------------------------------------------------------------

def _html(response):
    return lxml.html.fromstring(response.content.decode())


def _with_class(element, name, tag="*"):
    """Descendants of `element` carrying the class `name`."""
    return element.xpath(f'.//{tag}[contains(concat(" ", normalize-space(@class), " "), " {name} ")]')


def _bad_post(se):
    """A post with good entries beside one bad judgement on the qualitative (last) row."""
    rows = list(se.rows.all())
    first, last = rows[0], rows[-1]
    return {"row_version": se.row_version, "conclusion": "项目总体完成良好。", "claimed_total": "九十",
            f"row-{first.pk}-present": "1", f"row-{first.pk}-applicable": "1", f"row-{first.pk}-actual": "3000平方米",
            f"row-{first.pk}-deviation_note": "部分校舍列入明年改造",
            f"row-{last.pk}-present": "1", f"row-{last.pk}-applicable": "1", f"row-{last.pk}-actual": "明显提升",
            f"row-{last.pk}-judgement": "很好", f"row-{last.pk}-reason": "问卷满意度93%"}, first, last, len(rows)


@pytest.mark.parametrize("htmx, status", [(True, 200), (False, 422)])
def test_refused_save_shows_the_page_again_with_what_was_typed(world, login, htmx, status):
    se = make_selfeval(world, qualitative=1)
    client = login(world.users["county"]["unit"])
    post, first, last, n = _bad_post(se)
    before = se.row_version
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    r = client.post(reverse("evaluation:selfeval_save", args=[se.pk]), post, **extra)
    assert r.status_code == status  # not a redirect: the page is rebuilt from the post, not from the database
    page = _html(r)
    summary = page.get_element_by_id("save-errors").text_content()
    assert "自评表有2处错误，未保存" in summary
    assert f"第{n}项指标「达成比例」：应为数字，不能是「很好」" in summary
    assert "「单位自评总分」：应为数字，不能是「九十」" in summary
    # Every input keeps what was typed.
    assert page.get_element_by_id(f"row-{first.pk}-actual").value == "3000平方米"
    assert page.get_element_by_id(f"row-{last.pk}-actual").value == "明显提升"
    assert page.get_element_by_id(f"row-{last.pk}-reason").value == "问卷满意度93%"
    assert page.xpath(f'//textarea[@name="row-{first.pk}-deviation_note"]')[0].text_content() == "部分校舍列入明年改造"
    assert page.get_element_by_id("id_conclusion").text_content() == "项目总体完成良好。"
    # The error stands beside the field it names, in the row it names, and only there.
    judgement = page.get_element_by_id(f"row-{last.pk}-judgement")
    assert judgement.value == "很好" and "is-invalid" in judgement.classes
    assert [e.text_content() for e in _with_class(page.get_element_by_id(f"row-{last.pk}"), "field-error")] == [
        "应为数字，不能是「很好」"]
    assert "row-has-error" in page.get_element_by_id(f"row-{last.pk}").classes
    assert not _with_class(page.get_element_by_id(f"row-{first.pk}"), "field-error")
    assert "is-invalid" not in page.get_element_by_id(f"row-{first.pk}-actual").classes
    claimed = page.get_element_by_id("id_claimed_total")
    assert claimed.value == "九十" and "is-invalid" in claimed.classes
    assert _with_class(claimed.getparent(), "field-error")[0].text_content() == "应为数字，不能是「九十」"
    # Nothing was written.
    se.refresh_from_db()
    assert se.row_version == before and se.conclusion == "" and se.claimed_total is None
    first.refresh_from_db()
    last.refresh_from_db()
    assert first.actual == "" and last.actual == "" and last.judgement is None
    # Corrected, the same post saves.
    post[f"row-{last.pk}-judgement"], post["claimed_total"] = "90", ""
    r = client.post(reverse("evaluation:selfeval_save", args=[se.pk]), post, **extra, follow=True)
    assert "已保存，得分已重新计算" in r.content.decode()
    last.refresh_from_db()
    assert last.judgement == Decimal("0.900")


def test_refused_save_on_a_stale_version_keeps_the_entries(world, login):
    se = make_selfeval(world)
    client = login(world.users["county"]["unit"])
    post, first, _last, _n = _bad_post(se)
    post = {k: v for k, v in post.items() if "judgement" not in k and k != "claimed_total"}
    post["row_version"] = se.row_version - 1 if se.row_version > 1 else se.row_version + 5
    r = client.post(reverse("evaluation:selfeval_save", args=[se.pk]), post, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    page = _html(r)
    assert "已被他人修改" in page.get_element_by_id("save-errors").text_content()
    assert page.get_element_by_id(f"row-{first.pk}-actual").value == "3000平方米"


def test_judgement_shows_as_typed_and_inputs_have_visible_labels(world, login):
    se = make_selfeval(world, qualitative=1)
    fill(se, world.users["county"]["unit"])  # judged "0.9"
    last = list(se.rows.all())[-1]
    page = _html(login(world.users["county"]["unit"]).get(reverse("evaluation:selfeval", args=[se.pk])))
    assert page.get_element_by_id(f"row-{last.pk}-judgement").value == "90%"
    labels = {lab.get("for"): lab.text_content() for lab in page.get_element_by_id("selfeval-rows").xpath(".//label")}
    assert labels[f"row-{last.pk}-judgement"] == "达成比例" and labels[f"row-{last.pk}-reason"] == "评分理由"
    assert labels[f"row-{last.pk}-claimed_score"] == "自评得分（选填）"
    assert len(page.get_element_by_id("selfeval-rows").xpath("./colgroup/col")) == 10


def test_findings_read_in_chinese_with_the_code_as_tooltip(world, login):
    se = make_selfeval(world)
    fill(se, world.users["county"]["unit"])  # every actual repeats its target: ACTUAL_REPEATS_TARGET
    page = _html(login(world.users["county"]["perf"]).get(reverse("evaluation:selfeval", args=[se.pk])))
    badges = [b for cell in _with_class(page.get_element_by_id("selfeval-rows"), "row-explanation")
              for b in _with_class(cell, "badge")]
    assert badges
    repeats = [b for b in badges if b.get("title") == "ACTUAL_REPEATS_TARGET"]
    assert repeats and {b.text_content() for b in repeats} == {"实际值照抄目标值"}
    assert all("text-bg-" in b.get("class") for b in badges)
    assert not any(b.text_content() in FINDING_CODES for b in _with_class(page, "badge"))  # no raw codes shown
    se.refresh_from_db()
    for f in se.result["findings"]:
        if f.get("indicator") is None:
            card = page.get_element_by_id("table-findings").text_content()
            assert str(FINDING_CODES[f["code"]]) in card and f["message"] in card


def _badge(client, se):
    return _html(client.get(reverse("evaluation:selfeval", args=[se.pk]))).get_element_by_id("selfeval-status")


def test_status_badge_colour_follows_the_state(world, login, client):
    u = world.users["county"]
    se = make_selfeval(world)
    client.force_login(u["unit"])
    assert "text-bg-secondary" in _badge(client, se).get("class")
    fill(se, u["unit"])
    se.refresh_from_db()
    services.submit(se, u["unit"])
    assert "text-bg-info" in _badge(client, se).get("class")
    se.refresh_from_db()
    services.review(se, u["dept"], "approve")
    se.refresh_from_db()
    services.raise_problem(se, u["perf"], "缺少验收佐证")
    services.bureau_return(se, u["perf"])
    assert "text-bg-warning" in _badge(client, se).get("class")


def test_review_page_raises_problems_before_the_decision_and_names_the_return_stage(world, login):
    u = world.users["county"]
    se = make_selfeval(world)
    fill(se, u["unit"])
    se.refresh_from_db()
    services.submit(se, u["unit"])
    se.refresh_from_db()
    services.review(se, u["dept"], "approve")
    client = login(u["perf"])
    url = reverse("evaluation:selfeval", args=[se.pk])
    body = client.get(url).content.decode()
    assert body.index('id="problem-form"') < body.index('id="review-form"')
    page = lxml.html.fromstring(body)
    assert "请先在上方「自评审核问题」中提出至少一个问题" in page.get_element_by_id("return-hint").text_content()
    assert page.get_element_by_id("btn-return").get("disabled") is not None
    services.raise_problem(se, u["perf"], "缺少验收佐证")
    page = _html(client.get(url))
    assert page.get_element_by_id("btn-return").get("disabled") is None
    assert not page.xpath('//*[@id="return-hint"]')
    se.refresh_from_db()
    services.bureau_return(se, u["perf"])
    history = _html(client.get(reverse("core:history", args=["evaluation", "selfevaluation", se.pk])))
    text = history.text_content()
    assert "退回环节" in text and "财政联合审核" in text and "bureau" not in text
    se.refresh_from_db()
    assert se.get_return_stage_display() == "财政联合审核"


def test_english_reads_grade_and_accepted_status(world, client):
    u = world.users["county"]
    se = make_selfeval(world)
    fill(se, u["unit"])
    se.refresh_from_db()
    services.submit(se, u["unit"])
    se.refresh_from_db()
    services.review(se, u["dept"], "approve")
    se.refresh_from_db()
    services.accept(se, u["perf"])
    client.force_login(u["perf"])
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    page = _html(client.get(reverse("evaluation:selfeval", args=[se.pk])))
    badge = page.get_element_by_id("selfeval-status")
    assert badge.text_content() == "Accepted" and "text-bg-success" in badge.get("class")
    assert "Grade" in page.get_element_by_id("score-grade").getparent().text_content()
    summary = client.get(reverse("evaluation:reviews"), {"year": 2025}).content.decode()
    assert ">Accepted<" in summary and ">Approve<" not in summary
