"""Self-evaluation pages: list (filters, search, export), the table page (fill, htmx save, errors write nothing,
review with problems), the official .xlsx opened back, the review summary, query counts."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from perfbudget.evaluation import services
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
