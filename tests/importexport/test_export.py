"""Project list export: the import columns plus reference columns, scoped rows only, and re-importable."""

import io
from decimal import Decimal

from perfbudget.core.importexport import run_import
from perfbudget.projects.export import export_project_years
from perfbudget.projects.importer import PROJECT_SPEC
from perfbudget.projects.models import ProjectYear

from .helpers import HEADERS, read

EXTRA = ["单位名称", "主管部门", "区划", "分级分类", "规则计算分类", "分类所用规则集", "状态"]


def _rows(content):
    ws = read(content).active
    header = [c.value for c in ws[1]]
    return header, [dict(zip(header, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)], ws


def test_export_has_template_columns_and_reference_columns(world):
    user = world.users["county"]["perf"]
    header, rows, ws = _rows(export_project_years(ProjectYear.objects.visible_to(user)))
    assert header == HEADERS + EXTRA
    assert ws.freeze_panes == "A2"
    assert sorted(r["项目编码"] for r in rows) == ["COUNTY-AGR-1", "COUNTY-EDU-1", "COUNTY-EDU-2"]
    farm = next(r for r in rows if r["项目编码"] == "COUNTY-AGR-1")
    assert farm["年初预算数(元)"] == 6000000 and farm["分级分类"] == "A" and farm["状态"] == "草稿"
    farm_unit = world.orgs["county"]["farm"]
    assert farm["预算单位"] == farm_unit.code and farm["单位名称"] == farm_unit.name
    assert farm["区划"] == "盐池县" and farm["预算类型"] == "一般公共预算" and farm["功能分类科目"] == "2050201"
    assert "全国默认" in farm["分类所用规则集"] and farm["指定分类"] is None
    amount_col = HEADERS.index("年初预算数(元)") + 1
    assert ws.cell(row=2, column=amount_col).number_format == '#,##0.00"元"'


def test_export_contains_only_the_users_scope(world):
    def codes(user):
        return {r["项目编码"] for r in _rows(export_project_years(ProjectYear.objects.visible_to(user)))[1]}

    assert codes(world.users["county"]["unit"]) == {"COUNTY-EDU-1"}
    assert codes(world.users["county"]["dept"]) == {"COUNTY-EDU-1", "COUNTY-EDU-2"}
    for role in ("perf", "budget", "unit", "dept", "oversight"):
        assert not any(c.startswith("SIBLING") or c.startswith("CITY") for c in codes(world.users["county"][role]))
    assert len(codes(world.users["city"]["perf"])) == 9  # the city sees the counties below it


def test_export_can_be_edited_and_imported_again(world):
    user = world.users["county"]["dept"]
    content = export_project_years(ProjectYear.objects.visible_to(user))
    same = run_import(PROJECT_SPEC, content, user, update=True)
    assert same.ok and (same.created, same.updated, same.unchanged) == (0, 0, 2), [str(e) for e in same.errors]

    wb = read(content)
    ws = wb.active
    header = [c.value for c in ws[1]]
    for r in ws.iter_rows(min_row=2):
        if r[header.index("项目编码")].value == "COUNTY-EDU-2":
            r[header.index("年初预算数(元)")].value = "800万"
    buf = io.BytesIO()
    wb.save(buf)
    changed = run_import(PROJECT_SPEC, buf.getvalue(), user, update=True)
    assert changed.ok and (changed.updated, changed.unchanged) == (1, 1)
    py = ProjectYear.objects.get(project__code="COUNTY-EDU-2")
    assert py.initial_budget == Decimal("8000000.00") and py.abc_class == "A"


def test_text_that_looks_like_a_formula_is_exported_as_text(world):
    py = world.projects["county"]["school"]
    py.project.description = "=HYPERLINK(\"http://x\")"
    py.project.name = "=1+1 食堂改造"
    py.project.save()
    _header, rows, ws = _rows(export_project_years(ProjectYear.objects.filter(pk=py.pk)))
    assert rows[0]["项目名称"] == "=1+1 食堂改造"
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
