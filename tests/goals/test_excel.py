"""Goal files as real .xlsx: the official 申报表 of one project (export, blank template, upload), the flat batch
sheet for many projects, and the export of approved goals; round trips change nothing, bad files write nothing."""

import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from perfbudget.core.importexport import build_template, run_import
from perfbudget.goals import excel, services
from perfbudget.goals.choices import GoalStatus
from perfbudget.goals.importer import GOAL_SPEC
from perfbudget.goals.models import Goal, GoalIndicator
from tests.factories import GOOD_ROWS, declare_goal, goal_rows, project_year

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _book(content):
    return load_workbook(io.BytesIO(content))


def _bytes(wb):
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _row_of(ws, name):
    """The sheet row whose 三级指标 (column C) is `name`."""
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=3).value == name)


def _snapshot(goal):
    return [(r.pk, r.level1, r.level2, r.name, r.comparator, r.target, r.upper, r.unit, r.weight, r.basis, r.is_core,
             r.note) for r in goal.rows.all()]


def _log_count():
    return LogEntry.objects.count()


def _approve(goal, world, level="county"):
    u = world.users[level]
    services.review(goal, u["dept"], "approve")
    services.review(goal, u["funding"], "approve")
    services.review(goal, u["perf"], "approve")
    goal.refresh_from_db()
    return goal


def _messages(errors):
    return [str(e) for e in errors]


# --- the official layout --------------------------------------------------------------------------------

def test_export_has_the_official_layout_with_dropdowns_and_print_setup(world):
    py = world.projects["county"]["school"]
    goal = declare_goal(py, world.users["county"]["unit"])
    ws = _book(excel.goal_workbook(py, goal))[excel.SHEET_TITLE]
    assert ws["A1"].value == "项目支出绩效目标申报表（2025年度）"
    labels = {ws.cell(row=r, column=c).value for r in range(3, 10) for c in (1, 2, 6)}
    assert {"项目名称", "项目编码", "主管部门", "实施单位", "项目属性", "项目期", "项目资金（万元）", "年度资金总额",
            "功能分类科目", "专项资金", "总体目标", "年度目标"} <= labels
    assert ws["G3"].value == py.project.code and ws["B3"].value == py.project.name
    assert ws["C6"].value == 120 and ws["B5"].value == "新增" and ws["B7"].value == "否"
    assert ws["B8"].value == goal.overall_goal and "B8:I8" in {str(m) for m in ws.merged_cells.ranges}
    header = [ws.cell(row=11, column=c).value for c in range(1, 10)]
    assert header == ["一级指标", "二级指标", "三级指标", "指标值", "计量单位", "分值", "指标值设定依据", "核心指标",
                      "备注"]
    first = _row_of(ws, "维修校舍面积")
    assert first == 12 and ws.cell(row=first, column=4).value == "≥3200平方米"
    assert ws.cell(row=first, column=6).value == 15
    assert ws.cell(row=_row_of(ws, "工程验收合格率"), column=4).value == "≥98%"
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert "A12:A16" in merged and "A17:A19" in merged and "B12:B13" in merged  # 产出 block, 效益 block, 数量
    assert ws["A21"].value == "合计" and ws["F21"].value == "=SUM(F12:F20)"
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"产出指标,效益指标,满意度指标"' in formulas and '"是,否"' in formulas
    assert '"计划标准,行业标准,历史标准,其他标准"' in formulas
    assert any("数量指标" in f and "服务对象满意度指标" in f for f in formulas)
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$11:$11"
    assert ws.column_dimensions["C"].width == 30 and ws["A12"].border.left.style == "thin"


def test_blank_template_lists_the_layout_of_the_region_and_imports_its_filled_rows(world, login):
    py = world.projects["county"]["school"]
    unit = world.users["county"]["unit"]
    c = login(unit)
    r = c.get(reverse("goals:goal_template", args=[py.pk]))
    assert r.status_code == 200 and "xlsx" in r["Content-Disposition"]
    wb = _book(r.content)
    ws = wb.active
    assert ws["G3"].value == py.project.code and ws["B8"].value in (None, "")
    pairs = [(ws.cell(row=r, column=1).value, ws.cell(row=r, column=2).value) for r in range(12, 39)]
    assert pairs[0] == ("产出指标", "数量指标") and ("满意度指标", "服务对象满意度指标") in pairs
    # The unit fills one row under 数量指标 and the overall goal; the untouched category rows are ignored.
    ws["B8"] = "完成校舍维修"
    ws["C12"], ws["D12"], ws["E12"], ws["F12"] = "维修校舍面积", "≥3200平方米", "平方米", 15
    goal = services.start_goal(py, unit)
    result = excel.import_goal_file(goal, unit, _bytes(wb))
    assert result.changed and result.rows == 1
    services.save_goal(goal, unit, {"annual_goal": "暑期完工"}, services.goal_rows(goal))
    assert not excel.import_goal_file(goal, unit, _bytes(wb)).changed  # an empty 年度目标 cell changes nothing
    row = goal.rows.get()
    assert (row.level1, row.level2, row.comparator, row.target, row.unit, row.weight) == (
        "产出指标", "数量指标", "ge", "3200", "平方米", Decimal("15.00"))
    goal.refresh_from_db()
    assert goal.overall_goal == "完成校舍维修" and goal.annual_goal == "暑期完工"


def test_101_layout_offers_cost_at_level_one(world):
    from perfbudget.rulesets.services import revise

    revise(world.county, 2025, {"goals.layout": "101号"}, world.admin, "采用101号指标体系")
    py = world.projects["county"]["school"]
    ws = _book(excel.goal_workbook(py)).active
    assert (ws["A12"].value, ws["B12"].value) == ("成本指标", "经济成本指标")
    assert any(f.startswith('"成本指标,产出指标') for f in (dv.formula1 for dv in ws.data_validations.dataValidation))
    # A row in 10号 terms (成本 under 产出) is placed in the region's layout.
    ws["C12"], ws["D12"], ws["E12"], ws["F12"] = "每平方米维修成本", "≤350元", "元", 10
    ws.append(["产出指标", "成本指标", "设备采购成本", "≤20万元", None, 5])
    unit = world.users["county"]["unit"]
    goal = services.start_goal(py, unit)
    assert excel.import_goal_file(goal, unit, _bytes(ws.parent)).changed
    assert list(goal.rows.values_list("level1", "level2", "comparator", "target", "unit")) == [
        ("成本指标", "经济成本指标", "le", "350", "元"), ("成本指标", "经济成本指标", "le", "20", "万元")]


# --- one goal: round trips ------------------------------------------------------------------------------

def test_exported_table_imported_unchanged_changes_nothing(world, login):
    py = world.projects["county"]["school"]
    unit = world.users["county"]["unit"]
    goal = declare_goal(py, unit)
    rows = services.goal_rows(goal)
    rows[1] |= {"comparator": "eq", "target": "1,200"}  # printed "=1,200套": text, not a formula; read as typed
    rows[4] |= {"comparator": "range", "target": "300", "upper": "350"}
    rows[2]["note"] = "按验收报告"
    services.save_goal(goal, unit, {}, rows)
    goal.refresh_from_db()
    before, version, logs = _snapshot(goal), goal.row_version, _log_count()
    content = excel.goal_workbook(py, goal)
    cell = _book(content).active.cell(row=13, column=4)
    assert (cell.value, cell.data_type) == ("=1,200套", "s")
    result = excel.import_goal_file(goal, unit, content)
    assert not result.changed and result.rows == 9
    goal.refresh_from_db()
    assert _snapshot(goal) == before and goal.row_version == version and _log_count() == logs
    # The same through the upload page.
    c = login(unit)
    r = c.post(reverse("goals:goal_import", args=[goal.pk]), {"file": _upload(content)})
    assert r.status_code == 302 and r.url == reverse("goals:detail", args=[goal.pk])
    goal.refresh_from_db()
    assert _snapshot(goal) == before and goal.row_version == version and _log_count() == logs


def _upload(content, name="申报表.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_edited_table_changes_exactly_the_edited_rows(world):
    py = world.projects["county"]["school"]
    unit = world.users["county"]["unit"]
    goal = declare_goal(py, unit)
    before = {r.name: r for r in goal.rows.all()}
    wb = _book(excel.goal_workbook(py, goal))
    ws = wb.active
    ws.cell(row=_row_of(ws, "更换课桌椅套数"), column=4).value = "≥650套"
    ws.cell(row=_row_of(ws, "师生满意度"), column=6).value = "10分"
    ws.cell(row=_row_of(ws, "师生满意度"), column=8).value = "是"
    ws["B9"] = "2025年暑期完成维修"
    logs = _log_count()
    assert excel.import_goal_file(goal, unit, _bytes(wb)).changed
    after = {r.name: r for r in goal.rows.all()}
    assert after["更换课桌椅套数"].target == "650" and after["师生满意度"].is_core
    changed = {name for name, r in after.items()
               if LogEntry.objects.get_for_object(r).filter(action=LogEntry.Action.UPDATE).exists()}
    assert changed == {"更换课桌椅套数", "师生满意度"}
    assert {n: r.pk for n, r in after.items()} == {n: r.pk for n, r in before.items()}
    goal.refresh_from_db()
    assert goal.annual_goal == "2025年暑期完成维修" and goal.overall_goal == "完成校舍维修，消除安全隐患。"
    assert _log_count() == logs + 3  # two rows and the goal


def _messy_workbook(code, extra_rows=()):
    """A table as units really send them: full-width symbols, points in level-one cells, merged and blank
    level cells, weights with 分, a 合计 row and blank lines."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["2025年度项目支出绩效目标申报表"])
    ws.append(["项目名称", "学校校舍维修", None, "项目编码", code])
    ws.append(["总体目标：", "完成全县学校校舍维修"])
    ws.append([])
    ws.append(["一级指标", "二级指标", "三级指标", "指标值（目标值）", "单位", "分值（分）", "设定依据",
               "是否核心指标"])
    rows = [
        ["产出指标（50分）", "（一）数量指标", "维修校舍面积", "≧3200平方米", "平方米", "15分", "计划标准", "是"],
        [None, None, "更换课桌椅套数", "＞＝600套", "套", "１０", None, None],
        [None, "质量", "工程验收合格率", "≥９８％", None, 10, "行业标准", "否"],
        [None, "时效指标", "维修工程完工时间", "2025年8月31日前", None, "5分", None, None],
        [None, "成本指标", "每平方米维修成本", "≤350元", "元", "10", None, None],
        [],
        ["二、效益指标（30分）", None, None, None, None, None, None, None],
        [None, "社会效益", "校舍安全隐患整改率", "≥100%", "%", "15分", None, None],
        [None, None, "受益学生人数", "≥1800人", "人", "10分", None, None],
        [None, "可持续影响指标", "维修后校舍使用年限", "≥15年", "年", "5分", None, None],
        ["满意度指标(10分)", None, "师生满意度", "≥90%", "%", "10分", None, None],
        *extra_rows,
        ["合计", None, None, None, None, "90分", None, None],
    ]
    for row in rows:
        ws.append(row)
    ws.merge_cells("A6:A10")
    ws.merge_cells("B6:B7")
    ws.merge_cells("A12:H12")
    return wb


def test_messy_table_imports_correctly(world):
    py = world.projects["county"]["school"]
    unit = world.users["county"]["unit"]
    goal = services.start_goal(py, unit)
    result = excel.import_goal_file(goal, unit, _bytes(_messy_workbook(py.project.code)))
    assert result.changed and result.rows == 9
    rows = {r.name: r for r in goal.rows.all()}
    assert [r.name for r in goal.rows.all()] == [r[2] for r in GOOD_ROWS]
    assert {(r.level1, r.level2) for r in rows.values()} == {(r[0], r[1]) for r in GOOD_ROWS}
    assert (rows["更换课桌椅套数"].comparator, rows["更换课桌椅套数"].target, rows["更换课桌椅套数"].weight) == (
        "ge", "600", Decimal("10.00"))
    assert (rows["工程验收合格率"].target, rows["工程验收合格率"].unit, rows["工程验收合格率"].basis) == (
        "98", "%", "industry")
    assert (rows["维修工程完工时间"].comparator, rows["维修工程完工时间"].target) == ("le", "2025年8月31日前")
    assert rows["维修校舍面积"].is_core and not rows["更换课桌椅套数"].is_core
    assert rows["每平方米维修成本"].comparator == "le"
    assert sum(r.weight for r in rows.values()) == 90
    goal.refresh_from_db()
    assert goal.overall_goal == "完成全县学校校舍维修"
    # The clean table it produced exports and imports again to no change.
    logs = _log_count()
    assert not excel.import_goal_file(goal, unit, excel.goal_workbook(py, goal)).changed
    assert _log_count() == logs


def test_read_goal_workbook_returns_header_and_sheet_rows(world):
    header, rows = excel.read_goal_workbook(_bytes(_messy_workbook("X-1")))
    assert header["project_code"] == "X-1" and header["overall_goal"] == "完成全县学校校舍维修"
    assert header["year"] == 2025
    assert [r["sheet_row"] for r in rows] == [6, 7, 8, 9, 10, 13, 14, 15, 16]
    assert rows[1]["level1"] == "产出指标（50分）" and rows[1]["level2"] == "（一）数量指标"  # carried down
    assert rows[5]["level1"] == "二、效益指标（30分）"


# --- one goal: bad files --------------------------------------------------------------------------------

def _assert_nothing_written(goal, before, version, logs):
    goal.refresh_from_db()
    assert _snapshot(goal) == before and goal.row_version == version and _log_count() == logs


@pytest.mark.parametrize("edit, where", [
    (lambda ws: setattr(ws.cell(row=_row_of(ws, "工程验收合格率"), column=2), "value", "满意度"),
     ("二级指标", "不属于「产出指标」")),
    (lambda ws: setattr(ws.cell(row=_row_of(ws, "受益学生人数"), column=6), "value", "十分"),
     ("分值", "不是数字")),
    (lambda ws: setattr(ws.cell(row=_row_of(ws, "受益学生人数"), column=4), "value", None),
     ("指标值", "请填写指标值")),
    (lambda ws: setattr(ws.cell(row=_row_of(ws, "受益学生人数"), column=7), "value", "领导要求"),
     ("指标值设定依据", "设定依据应为")),
])
def test_bad_rows_are_named_by_sheet_row_and_column_and_write_nothing(world, edit, where):
    py = world.projects["county"]["school"]
    unit = world.users["county"]["unit"]
    goal = declare_goal(py, unit)
    before, version, logs = _snapshot(goal), goal.row_version, _log_count()
    wb = _book(excel.goal_workbook(py, goal))
    ws = wb.active
    ws.cell(row=_row_of(ws, "维修校舍面积"), column=4).value = "≥3300平方米"  # a good change is not saved either
    edit(ws)
    with pytest.raises(excel.GoalFileError) as info:
        excel.import_goal_file(goal, unit, _bytes(wb))
    (error,) = info.value.errors
    column, reason = where
    assert error.column == column and reason in error.reason and error.row in range(12, 21)
    assert str(error).startswith(f"第{error.row}行「{column}」")
    _assert_nothing_written(goal, before, version, logs)


def test_bad_files_are_refused_whole(world):
    py = world.projects["county"]["school"]
    unit = world.users["county"]["unit"]
    goal = declare_goal(py, unit)
    before, version, logs = _snapshot(goal), goal.row_version, _log_count()
    other = world.projects["county"]["school2"]
    cases = [
        (b"project,year\nA,2025\n", "不是 Excel .xlsx"),
        (b"", "文件为空"),
        (excel.goal_workbook(other, None), "与本绩效目标的项目"),
        (_bytes(Workbook()), "没有找到绩效指标表"),
    ]
    for content, message in cases:
        with pytest.raises(excel.GoalFileError) as info:
            excel.import_goal_file(goal, unit, content)
        assert any(message in m for m in _messages(info.value.errors)), (message, _messages(info.value.errors))
    _assert_nothing_written(goal, before, version, logs)


def test_upload_page_shows_errors_and_refuses_goals_in_review(world, login):
    py = world.projects["county"]["school"]
    unit = world.users["county"]["unit"]
    goal = declare_goal(py, unit)
    c = login(unit)
    r = c.get(reverse("goals:goal_import", args=[goal.pk]))
    assert r.status_code == 200 and "goal-import-form" in r.content.decode()
    wb = _book(excel.goal_workbook(py, goal))
    ws = wb.active
    row = _row_of(ws, "工程验收合格率")
    ws.cell(row=row, column=2).value = "满意度"
    r = c.post(reverse("goals:goal_import", args=[goal.pk]), {"file": _upload(_bytes(wb))})
    html = r.content.decode()
    assert r.status_code == 400 and "goal-import-errors" in html and f"<td>{row}</td>" in html and "二级指标" in html
    r = c.post(reverse("goals:goal_import", args=[goal.pk]), {"file": _upload(b"not a workbook", "a.csv")})
    assert r.status_code == 400 and "不是 Excel .xlsx" in r.content.decode()
    services.submit(goal, unit)
    r = c.post(reverse("goals:goal_import", args=[goal.pk]), {"file": _upload(excel.goal_workbook(py, goal))})
    assert r.status_code == 403
    # Returned to the unit, it may be uploaded again.
    services.review(goal, world.users["county"]["dept"], "return", comment="指标值偏低")
    wb = _book(excel.goal_workbook(py, goal))
    wb.active.cell(row=_row_of(wb.active, "维修校舍面积"), column=4).value = "≥3500平方米"
    r = c.post(reverse("goals:goal_import", args=[goal.pk]), {"file": _upload(_bytes(wb))})
    assert r.status_code == 302 and goal.rows.get(name="维修校舍面积").target == "3500"
    # Someone who may not edit the goal (another unit, a reviewer) is refused too.
    goal2 = declare_goal(world.projects["county"]["school2"], _unit_user(world, "school2"))
    assert login(unit).get(reverse("goals:goal_import", args=[goal2.pk])).status_code == 404
    assert login(world.users["county"]["dept"]).get(reverse("goals:goal_import", args=[goal2.pk])).status_code == 403


def _unit_user(world, key):
    from tests.factories import user

    org = world.orgs["county"][key]
    return user(f"u-{org.code}", "unit", organisation=org)


def test_goal_export_follows_the_scope(world, login):
    goal = declare_goal(world.projects["county"]["school"], world.users["county"]["unit"])
    r = login(world.users["county"]["unit"]).get(reverse("goals:goal_xlsx", args=[goal.pk]))
    assert r.status_code == 200 and _book(r.content).active["G3"].value == goal.project.code
    assert login(world.users["sibling"]["unit"]).get(reverse("goals:goal_xlsx", args=[goal.pk])).status_code == 404
    py2 = world.projects["county"]["school2"]
    assert login(world.users["county"]["unit"]).get(reverse("goals:goal_template", args=[py2.pk])).status_code == 404


# --- batch: many projects in one flat sheet --------------------------------------------------------------

HEADERS = [c.header for c in GOAL_SPEC.columns]


def _flat(rows, before=()):
    wb = Workbook()
    ws = wb.active
    ws.title = GOAL_SPEC.sheet_title
    for line in before:
        ws.append(line)
    ws.append(HEADERS)
    for r in rows:
        ws.append([r.get(h) for h in HEADERS])
    return _bytes(wb)


def _flat_rows(code, year=2025, overall="完成目标", rows=GOOD_ROWS):
    out = []
    for i, (l1, l2, name, comparator, target, unit, weight) in enumerate(rows):
        symbol = {"ge": "≥", "le": "≤"}[comparator] if target[0].isdigit() and "年" not in target else ""
        out.append({"项目编码": code, "年度": year, "总体目标": overall if i == 0 else None, "一级指标": l1,
                    "二级指标": l2, "三级指标": name, "指标值": f"{symbol}{target}{unit}", "计量单位": unit,
                    "分值": f"{weight}分" if i % 2 else int(weight), "设定依据": "计划标准", "核心指标": "否"})
    return out


def _import(user, content):
    return run_import(GOAL_SPEC, content, user, filename="绩效目标.xlsx")


def test_batch_template_offers_the_users_projects_and_the_layout(world):
    unit = world.users["county"]["unit"]
    wb = _book(build_template(GOAL_SPEC, unit))
    ws = wb[GOAL_SPEC.sheet_title]
    assert [c.value for c in ws[1]] == HEADERS
    lists = wb["代码表"]
    values = [c.value for col in lists.iter_cols() for c in col]
    assert "COUNTY-EDU-1 county学校校舍维修" in values
    assert not any(str(v).startswith(("COUNTY-EDU-2", "SIBLING-")) for v in values if v)
    formulas = " ".join(dv.formula1 for dv in ws.data_validations.dataValidation)
    assert "代码表" in formulas and "计划标准" in formulas
    assert {"产出指标", "效益指标", "满意度指标", "数量指标", "服务对象满意度指标"} <= set(values)


def test_batch_import_of_two_projects_creates_and_replaces_drafts(world):
    unit = world.users["county"]["unit"]
    school = world.orgs["county"]["school"]
    py1 = world.projects["county"]["school"]
    py2 = project_year(school, code="COUNTY-EDU-9", name="课后服务")
    declare_goal(py2, unit, rows=None)  # a draft with rows: replaced by the file
    rows = _flat_rows(py1.project.code) + _flat_rows("county-edu-9", overall="课后服务全覆盖", rows=GOOD_ROWS[:6])
    result = _import(unit, _flat(rows))
    assert result.ok, _messages(result.errors)
    g1, g2 = services.live_goal(py1), services.live_goal(py2)
    assert g1.status == GoalStatus.DRAFT and g1.overall_goal == "完成目标" and g1.rows.count() == 9
    assert g2.rows.count() == 6 and g2.overall_goal == "课后服务全覆盖" and g2.version == 1
    first = g1.rows.first()
    assert (first.comparator, first.target, first.unit, first.weight) == ("ge", "3200", "平方米", Decimal("15.00"))
    assert g1.rows.get(name="维修工程完工时间").target == "2025年8月31日前"
    assert g1.quality_score is not None
    # Importing the same file again changes nothing.
    logs, versions = _log_count(), (g1.row_version, g2.row_version)
    assert _import(unit, _flat(rows)).ok
    g1.refresh_from_db(), g2.refresh_from_db()
    assert _log_count() == logs and (g1.row_version, g2.row_version) == versions


@pytest.mark.parametrize("change, column, reason", [
    ({"项目编码": "NOPE-1"}, "项目编码", "系统中没有项目编码"),
    ({"项目编码": "COUNTY-EDU-2"}, "项目编码", "不属于您的单位"),
    ({"项目编码": "SIBLING-EDU-1"}, "项目编码", "不属于您的单位"),
    ({"年度": 2026}, "年度", "没有2026年度的预算"),
    ({"二级指标": "社会效益指标"}, "二级指标", "不属于「产出指标」"),
    ({"分值": "十五"}, "分值", "不是数字"),
    ({"指标值": None}, "指标值", "请填写指标值"),
    ({"设定依据": "拍脑袋"}, "设定依据", "应为以下之一"),
])
def test_batch_bad_rows_write_nothing_and_name_row_column_reason(world, change, column, reason):
    unit = world.users["county"]["unit"]
    py = world.projects["county"]["school"]
    goals, logs = Goal.objects.count(), _log_count()
    rows = _flat_rows(py.project.code)
    rows[2] = rows[2] | change
    result = _import(unit, _flat(rows, before=[["绩效目标批量导入"]]))
    assert not result.ok and Goal.objects.count() == goals and _log_count() == logs
    assert any(e.row == 5 and e.column == column and reason in e.reason for e in result.errors), \
        _messages(result.errors)


def test_batch_refuses_changes_to_goals_in_review_but_accepts_them_unchanged(world):
    unit = world.users["county"]["unit"]
    py = world.projects["county"]["school"]
    goal = declare_goal(py, unit, submit=True)
    assert goal.status == GoalStatus.DEPT_REVIEW
    rows = _flat_rows(py.project.code, overall=goal.overall_goal)
    rows[0]["分值"] = 14
    logs = _log_count()
    result = _import(unit, _flat(rows))
    assert not result.ok and _log_count() == logs
    assert {e.row for e in result.errors} == set(range(2, 11))
    assert all(e.column == "项目编码" and "待主管部门审核" in e.reason for e in result.errors)
    rows[0]["分值"] = 15
    assert _import(unit, _flat(rows)).ok and _log_count() == logs


def test_batch_single_row_for_a_goal_in_review_is_refused(world):
    unit = world.users["county"]["unit"]
    py = world.projects["county"]["school"]
    declare_goal(py, unit, submit=True)
    logs = _log_count()
    result = _import(unit, _flat(_flat_rows(py.project.code)[:1]))
    assert not result.ok and _log_count() == logs and "不能通过导入修改" in result.errors[0].reason


def test_batch_needs_one_overall_goal_per_project(world):
    unit = world.users["county"]["unit"]
    rows = _flat_rows(world.projects["county"]["school"].project.code)
    rows[3]["总体目标"] = "另一个目标"
    result = _import(unit, _flat(rows))
    assert not result.ok and result.errors[0].row == 5 and result.errors[0].column == "总体目标"


def test_batch_import_page_is_for_units(world, login):
    r = login(world.users["county"]["unit"]).get(reverse("goals:import"))
    assert r.status_code == 200 and "项目编码" in r.content.decode()
    r = login(world.users["county"]["unit"]).get(reverse("goals:import_template"))
    assert r.status_code == 200
    assert login(world.users["county"]["perf"]).get(reverse("goals:import")).status_code == 403
    rows = _flat_rows(world.projects["county"]["school"].project.code)
    c = login(world.users["county"]["unit"])
    r = c.post(reverse("goals:import"), {"file": _upload(_flat(rows))})
    assert r.status_code == 302
    r = c.get(r.url)
    assert "import-success" in r.content.decode()


# --- export of approved goals ----------------------------------------------------------------------------

def test_approved_export_reimports_to_no_change_and_follows_filters(world, login):
    unit = world.users["county"]["unit"]
    py = world.projects["county"]["school"]
    rows = goal_rows()
    rows[1] |= {"comparator": "eq", "target": "600"}  # exported as the text "=600套"
    goal = declare_goal(py, unit, rows=rows)
    reasons = {services.finding_key(f): "按合同数量采购" for f in services.check_goal(goal)["findings"]}
    services.save_goal(goal, unit, {"warning_reasons": reasons}, services.goal_rows(goal))
    services.submit(goal, unit)
    goal = _approve(goal, world)
    draft = declare_goal(project_year(world.orgs["county"]["school"], code="COUNTY-EDU-8"), unit)
    c = login(unit)
    r = c.get(reverse("goals:export"))
    assert r.status_code == 200
    ws = _book(r.content).active
    header = [c.value for c in ws[1]]
    assert header[:len(HEADERS)] == HEADERS and header[-2:] == ["状态", "版本"]
    codes = {ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)}
    assert codes == {py.project.code} and draft.project.code not in codes and ws.max_row == 10
    assert ws.cell(row=2, column=len(HEADERS) + 3).value == "已批复"
    assert ws.cell(row=2, column=3).value == goal.overall_goal and ws.cell(row=3, column=3).value is None
    before, version, logs = _snapshot(goal), goal.row_version, _log_count()
    result = _import(unit, r.content)
    assert result.ok, _messages(result.errors)
    _assert_nothing_written(goal, before, version, logs)
    # A changed row of an approved goal is refused on the project's rows.
    wb = _book(r.content)
    wb.active.cell(row=3, column=HEADERS.index("指标值") + 1).value = "≥700套"
    result = _import(unit, _bytes(wb))
    assert not result.ok and "已批复" in result.errors[0].reason
    # Filters of the list page apply.
    r = c.get(reverse("goals:export"), {"year": 2026})
    assert _book(r.content).active.max_row == 1


def test_approved_export_never_shows_another_units_goals(world, login):
    u = world.users["county"]
    mine = _approve(declare_goal(world.projects["county"]["school"], u["unit"], submit=True), world)
    other_unit = _unit_user(world, "school2")
    theirs = _approve(declare_goal(world.projects["county"]["school2"], other_unit, submit=True), world)
    sibling = _approve(declare_goal(world.projects["sibling"]["school"], world.users["sibling"]["unit"],
                                    submit=True), world, "sibling")

    def codes(user):
        ws = _book(login(user).get(reverse("goals:export")).content).active
        return {ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)}

    assert codes(u["unit"]) == {mine.project.code}
    assert codes(other_unit) == {theirs.project.code}
    assert codes(u["perf"]) == {mine.project.code, theirs.project.code}
    assert sibling.project.code not in codes(u["perf"]) and codes(world.users["sibling"]["unit"]) == {
        sibling.project.code}


def test_export_rows_are_goal_indicators_in_order(world):
    from perfbudget.goals.importer import export_goals

    unit = world.users["county"]["unit"]
    goal = _approve(declare_goal(world.projects["county"]["school"], unit, submit=True), world)
    ws = _book(export_goals(Goal.objects.filter(pk=goal.pk))).active
    names = [ws.cell(row=r, column=HEADERS.index("三级指标") + 1).value for r in range(2, ws.max_row + 1)]
    assert names == list(GoalIndicator.objects.filter(goal=goal).values_list("name", flat=True))


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_large_batch_runs_as_a_background_job(world, immediate_tasks, django_capture_on_commit_callbacks):
    from perfbudget.core.models import Job

    unit = world.users["county"]["unit"]
    py = world.projects["county"]["school"]
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(GOAL_SPEC, _flat(_flat_rows(py.project.code)), unit, background_rows=5)
    job = Job.objects.get(pk=result.job.pk)
    assert job.status == Job.Status.SUCCEEDED, (job.error, job.result)
    goal = services.live_goal(py)
    assert goal.rows.count() == 9
    entry = LogEntry.objects.get_for_object(goal).filter(action=LogEntry.Action.CREATE).get()
    assert entry.actor == unit and entry.cid == f"job-{job.pk}"
