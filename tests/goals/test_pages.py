"""Goal pages: list and batch review, the editable grid (save, errors, live check), detail with review,
diff and cuts, the summary; library pages and the picker."""

import pytest
from django.urls import reverse

from perfbudget.goals.choices import GoalStatus
from perfbudget.goals.models import Goal
from perfbudget.indicators.models import IndicatorEntry
from tests.factories import GOOD_ROWS, declare_goal
from tests.goals.tables import post_rows

pytestmark = pytest.mark.django_db




def test_unit_declares_through_the_grid(world, login):
    py = world.projects["county"]["school"]
    c = login(world.users["county"]["unit"])
    r = c.get(reverse("projects:detail", args=[py.pk]))
    assert "btn-declare-goal" in r.content.decode()
    r = c.post(reverse("goals:start", args=[py.pk]))
    goal = Goal.objects.get(project_year=py)
    assert r.url == reverse("goals:edit", args=[goal.pk])
    r = c.get(r.url)
    assert r.status_code == 200 and "goal-grid" in r.content.decode()
    rows = list(GOOD_ROWS)
    rows[0], rows[1] = rows[1], rows[0]  # posted order is the saved order
    r = c.post(reverse("goals:edit", args=[goal.pk]), post_rows(rows, row_version=goal.row_version))
    assert r.status_code == 302
    names = list(goal.rows.values_list("name", flat=True))
    assert names[0] == "更换课桌椅套数" and len(names) == 9
    goal.refresh_from_db()
    assert goal.overall_goal == "完成校舍维修" and goal.quality_score is not None


def test_grid_errors_name_row_and_field_and_save_nothing(world, login):
    py = world.projects["county"]["school"]
    unit = world.users["county"]["unit"]
    goal = declare_goal(py, unit)
    before = list(goal.rows.values_list("name", "target"))
    rows = list(GOOD_ROWS)
    rows[2] = ("产出指标", "满意度", "工程验收合格率", "ge", "abc", "%", "x")
    c = login(unit)
    r = c.post(reverse("goals:edit", args=[goal.pk]), post_rows(rows))
    assert r.status_code == 400
    html = r.content.decode()
    assert "第3行「二级指标」" in html and "第3行「指标值」" in html and "第3行「分值」" in html
    assert list(goal.rows.values_list("name", "target")) == before


def test_stale_grid_is_refused(world, login):
    goal = declare_goal(world.projects["county"]["school"], world.users["county"]["unit"])
    c = login(world.users["county"]["unit"])
    r = c.post(reverse("goals:edit", args=[goal.pk]), post_rows(GOOD_ROWS, row_version=goal.row_version - 1))
    assert r.status_code == 400 and "已被他人修改" in r.content.decode()


def test_live_check_reports_without_saving(world, login):
    goal = declare_goal(world.projects["county"]["school"], world.users["county"]["unit"])
    c = login(world.users["county"]["unit"])
    r = c.post(reverse("goals:check", args=[goal.pk]), post_rows(GOOD_ROWS[:3]))
    html = r.content.decode()
    assert r.status_code == 200 and "MISSING_CATEGORY" in html and "quality-panel" in html
    assert goal.rows.count() == len(GOOD_ROWS)


def test_other_units_cannot_open_or_edit(world, login):
    goal = declare_goal(world.projects["county"]["school"], world.users["county"]["unit"])
    c = login(world.users["sibling"]["unit"])
    assert c.get(reverse("goals:detail", args=[goal.pk])).status_code == 404
    assert c.get(reverse("goals:edit", args=[goal.pk])).status_code == 404
    assert c.post(reverse("goals:edit", args=[goal.pk]), post_rows(GOOD_ROWS)).status_code == 404
    c = login(world.users["county"]["dept"])
    r = c.post(reverse("goals:edit", args=[goal.pk]), post_rows(GOOD_ROWS[:2]))
    assert r.status_code == 302 and goal.rows.count() == len(GOOD_ROWS)


def test_submit_review_return_and_approve_through_pages(world, login):
    u = world.users["county"]
    goal = declare_goal(world.projects["county"]["school"], u["unit"])
    c = login(u["unit"])
    c.post(reverse("goals:transition", args=[goal.pk]), {"action": "submit"})
    goal.refresh_from_db()
    assert goal.status == GoalStatus.DEPT_REVIEW
    c = login(u["dept"])
    html = c.get(reverse("goals:detail", args=[goal.pk])).content.decode()
    assert "btn-approve" in html and "criteria-completeness" in html
    c.post(reverse("goals:review", args=[goal.pk]), {"decision": "return", "comment": "成本指标偏高",
                                                    "note-4": "请核实每平方米成本", "criteria-completeness": "20"})
    goal.refresh_from_db()
    assert goal.status == GoalStatus.RETURNED
    c = login(u["unit"])
    html = c.get(reverse("goals:detail", args=[goal.pk])).content.decode()
    assert "成本指标偏高" in html and "请核实每平方米成本" in html
    c.post(reverse("goals:transition", args=[goal.pk]), {"action": "submit"})
    for role in ("dept", "funding", "perf"):
        c = login(u[role])
        r = c.post(reverse("goals:review", args=[goal.pk]), {"decision": "approve"})
        assert r.status_code == 302
    goal.refresh_from_db()
    assert goal.status == GoalStatus.APPROVED
    c = login(u["perf"])
    assert "workflow-history" in c.get(reverse("goals:detail", args=[goal.pk]), {"tab": "workflow"}).content.decode()


def test_batch_approve_from_the_list(world, login):
    u = world.users["county"]
    goal = declare_goal(world.projects["county"]["school"], u["unit"], submit=True)
    c = login(u["dept"])
    html = c.get(reverse("goals:list")).content.decode()
    assert "btn-batch-approve" in html and world.projects["county"]["school"].project.name in html
    c.post(reverse("goals:batch_review"), {"goal": [goal.pk], "decision": "approve"})
    goal.refresh_from_db()
    assert goal.status == GoalStatus.SECTION_REVIEW


def test_cut_and_summary(world, login):
    u = world.users["county"]
    goal = declare_goal(world.projects["county"]["school"], u["unit"], submit=True)
    c = login(u["perf"])
    r = c.post(reverse("goals:cut", args=[goal.pk]), {"amount": "12", "amount_unit": "wan", "reason": "目标不合格"})
    assert r.status_code == 302
    assert goal.cuts.get().amount == 120000
    r = c.post(reverse("goals:cut", args=[goal.pk]), {"amount": "十二", "reason": "x"})
    assert goal.cuts.count() == 1
    r = c.get(reverse("goals:summary"), {"year": 2025})
    html = r.content.decode()
    assert r.status_code == 200 and "summary-total" in html and "12.00" in html
    r = c.get(reverse("goals:summary"), {"year": "x", "by": "region"})
    assert r.status_code == 200


def test_summary_is_scoped(world, login):
    declare_goal(world.projects["sibling"]["school"], world.users["sibling"]["unit"], submit=True)
    c = login(world.users["county"]["perf"])
    html = c.get(reverse("goals:summary"), {"year": 2025}).content.decode()
    assert "同心县" not in html


def test_library_pages(world, login):
    c = login(world.users["county"]["unit"])
    r = c.get(reverse("indicators:list"), {"q": "myd"})
    assert r.status_code == 200 and "满意度" in r.content.decode()
    entry = IndicatorEntry.objects.filter(owner_region__isnull=True).first()
    r = c.get(reverse("indicators:detail", args=[entry.pk]))
    assert r.status_code == 200 and "btn-revise" not in r.content.decode()
    assert c.get(reverse("indicators:create")).status_code == 403
    py = world.projects["county"]["school"]
    r = c.get(reverse("indicators:pick"), {"py": py.pk, "library_q": "满意度"})
    assert r.status_code == 200 and "pick-entry" in r.content.decode()


def test_library_create_revise_retire_pages(world, login):
    from perfbudget.indicators.models import IndicatorCategory

    c = login(world.users["county"]["perf"])
    cat = IndicatorCategory.objects.filter(parent__isnull=False).first()
    data = {"category": cat.pk, "level1": "产出指标", "level2": "数量指标", "name": "滩羊良种推广数量",
            "unit": "只", "direction": "ge", "value_kind": "quantitative", "basis": "plan"}
    r = c.post(reverse("indicators:create"), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    entry = IndicatorEntry.objects.get(name="滩羊良种推广数量")
    r = c.post(reverse("indicators:revise", args=[entry.pk]), data | {"unit": "头", "revision_note": "改单位"})
    assert r.status_code == 302
    new = IndicatorEntry.objects.get(code=entry.code, is_current=True)
    assert new.version == 2 and new.unit == "头"
    r = c.post(reverse("indicators:create"), data | {"level2": "满意度"})
    assert r.status_code == 400
    c.post(reverse("indicators:status", args=[new.pk]), {"status": "retired"})
    new.refresh_from_db()
    assert new.status == "retired"


def test_live_check_with_rows_still_being_typed(world, login):
    goal = declare_goal(world.projects["county"]["school"], world.users["county"]["unit"])
    c = login(world.users["county"]["unit"])
    rows = list(GOOD_ROWS) + [("产出指标", "数量指标", "", "ge", "", "", ""),
                              ("效益指标", "", "半行", "ge", "", "", "")]
    r = c.post(reverse("goals:check", args=[goal.pk]), post_rows(rows))
    assert r.status_code == 200 and "quality-panel" in r.content.decode()


def test_deadlines_keep_their_meaning_through_printing():
    from perfbudget.goals.models import printed_target
    from perfbudget.goals.rows import row_from_printed

    for printed in ("2025年11月30日前", "≤2025年11月30日前", "≥2025年3月1日"):
        row = row_from_printed(printed)
        again = row_from_printed(printed_target(row["comparator"], row["target"], "", row["unit"]))
        assert (again["comparator"], again["target"]) == (row["comparator"], row["target"])
        assert not row["target"].startswith(("≥", "≤"))


def test_summary_counts_by_department(world):
    from decimal import Decimal

    from perfbudget.goals import services
    from perfbudget.goals.models import BudgetCut
    from perfbudget.goals.summary import summarise
    from perfbudget.projects.models import ProjectYear
    from tests.factories import user

    u = world.users["county"]
    returned = declare_goal(world.projects["county"]["school"], u["unit"], submit=True)
    services.review(returned, u["dept"], "return", comment="重报")
    unit2 = user("sum-unit2", "unit", organisation=world.orgs["county"]["school2"])
    approved = declare_goal(world.projects["county"]["school2"], unit2, submit=True)
    for role in ("dept", "funding", "perf"):
        services.review(approved, u[role], "approve")
    farm_unit = user("sum-farm", "unit", organisation=world.orgs["county"]["farm"])
    declare_goal(world.projects["county"]["farm"], farm_unit)  # a draft: not declared yet
    services.record_cut(world.projects["county"]["school"], u["perf"], Decimal("50000"), "目标不合格")
    perf = u["perf"]
    rows, total = summarise(ProjectYear.objects.visible_to(perf).filter(year=2025),
                            Goal.objects.visible_to(perf).filter(project_year__year=2025),
                            BudgetCut.objects.visible_to(perf), by="department")
    edu = next(r for r in rows if r["name"].endswith("教育局"))
    assert (edu["projects"], edu["declared"], edu["reviewed"], edu["returned"], edu["approved"]) == (2, 2, 2, 1, 1)
    assert edu["cut_count"] == 1 and edu["cut_amount"] == Decimal("50000")
    agri = next(r for r in rows if r["name"].endswith("农业农村局"))
    assert (agri["projects"], agri["declared"], agri["approved"]) == (1, 0, 0)
    assert total["projects"] == 3 and total["approved"] == 1


def test_summary_export_opens_back(world, login):
    import io
    from decimal import Decimal

    from openpyxl import load_workbook

    from perfbudget.goals import services

    u = world.users["county"]
    declare_goal(world.projects["county"]["school"], u["unit"], submit=True)
    services.record_cut(world.projects["county"]["school"], u["perf"], Decimal("123456"), "目标不合格")
    r = login(u["perf"]).get(reverse("goals:summary"), {"year": 2025, "export": "xlsx"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("主管部门", "项目数", "预算(万元)", "已申报")
    assert rows[-1][0] == "合计" and rows[-1][-1] == 12.35 and rows[-1][1] == 3


def test_library_filter_common(world, login):
    c = login(world.users["county"]["unit"])
    html = c.get(reverse("indicators:list"), {"is_common": "1", "per_page": 500}).content.decode()
    assert "Z01-001" in html and "A01-001" not in html


@pytest.mark.parametrize("printed,unit,target,out_unit", [
    ("≥50万次", "万次", "50", "万次"), ("≥1.2万人", "", "12000", "人"), ("≥3所", "所", "3", "所"),
    ("≤48万元", "万元", "48", "万元"), ("≥600", "个", "600", "个"),
])
def test_row_from_printed_keeps_the_unit_scale(printed, unit, target, out_unit):
    from perfbudget.goals.rows import row_from_printed

    row = row_from_printed(printed, unit=unit)
    assert (row["target"], row["unit"]) == (target, out_unit)


def test_saving_the_grid_keeps_the_reasons_given(world, login):
    from perfbudget.goals import services

    unit = world.users["county"]["unit"]
    goal = declare_goal(world.projects["county"]["school"], unit)
    services.save_goal(goal, unit, {"warning_reasons": {"VAGUE_TARGET:7": "以验收结论为准"}}, services.goal_rows(goal))
    goal.refresh_from_db()
    r = login(unit).post(reverse("goals:edit", args=[goal.pk]), post_rows(GOOD_ROWS, row_version=goal.row_version))
    assert r.status_code == 302
    goal.refresh_from_db()
    assert goal.warning_reasons == {"VAGUE_TARGET:7": "以验收结论为准"}
