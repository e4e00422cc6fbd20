"""Organisation import (机构导入): a county bureau loads its departments and units from one file."""

import pytest
from auditlog.models import LogEntry

from perfbudget.orgs.choices import OrgKind
from perfbudget.orgs.models import Organisation

from .helpers import counts, import_orgs, org, reasons

C = "640323"


def _good_rows():
    return [
        org(f"{C}-WJJ", "盐池县卫生健康局", "主管部门", section=f"{C}-CZJ-JKW"),
        org(f"{C}-WJJ-01", "盐池县人民医院", parent=f"{C}-WJJ"),
        org(f"{C}-WJJ-01-01", "盐池县人民医院分院", parent=f"{C}-WJJ-01"),
        org(f"{C}-JYJ-03", "盐池县第三中学", parent=f"{C}-JYJ", active="否"),
    ]


def test_county_budget_section_loads_a_tree(world):
    user = world.users["county"]["budget"]
    result = import_orgs(user, _good_rows())
    assert result.ok, reasons(result)
    assert (result.created, result.updated) == (4, 0)
    dept = Organisation.objects.get(code=f"{C}-WJJ")
    assert dept.kind == OrgKind.DEPARTMENT and dept.region == world.county and dept.parent is None
    assert dept.funding_section == world.orgs["county"]["edu_sec"] and dept.department == dept
    hospital = Organisation.objects.get(code=f"{C}-WJJ-01")
    branch = Organisation.objects.get(code=f"{C}-WJJ-01-01")
    assert hospital.parent == dept and hospital.department == dept and hospital.path == f"/{C}-WJJ/{C}-WJJ-01/"
    assert branch.parent == hospital and branch.department == dept
    school = Organisation.objects.get(code=f"{C}-JYJ-03")
    assert school.department == world.orgs["county"]["edu"] and school.is_active is False
    entry = LogEntry.objects.get_for_object(hospital).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == user
    # the new units are in the county's scopes at once
    assert Organisation.objects.visible_to(world.users["county"]["funding"]).filter(pk=branch.pk).exists()
    assert not Organisation.objects.visible_to(world.users["sibling"]["budget"]).filter(pk=branch.pk).exists()


def test_rows_in_any_order_are_written_parents_first(world):
    """Real lists put units before their department: the file order does not matter, the errors' rows do."""
    rows = list(reversed(_good_rows()))
    result = import_orgs(world.users["county"]["budget"], rows)
    assert result.ok, reasons(result)
    branch = Organisation.objects.get(code=f"{C}-WJJ-01-01")
    assert branch.path == f"/{C}-WJJ/{C}-WJJ-01/{C}-WJJ-01-01/" and branch.department.code == f"{C}-WJJ"


def test_performance_office_may_import_in_its_region(world):
    result = import_orgs(world.users["county"]["perf"], [org(f"{C}-JYJ-04", "盐池县第四小学", parent=f"{C}-JYJ")])
    assert result.ok, reasons(result)


def test_superuser_imports_sections_and_departments_they_oversee(world):
    rows = [org(f"{C}-CZJ-SHK", "社会保障科", "财政局科室", parent=f"{C}-CZJ"),
            org(f"{C}-MZJ", "盐池县民政局", "主管部门", section=f"{C}-CZJ-SHK")]
    result = import_orgs(world.admin, rows)
    assert result.ok, reasons(result)
    section = Organisation.objects.get(code=f"{C}-CZJ-SHK")
    assert section.kind == OrgKind.SECTION and section.parent == world.orgs["county"]["bureau"]
    assert Organisation.objects.get(code=f"{C}-MZJ").funding_section == section


def test_update_renames_moves_and_reroots_the_subtree(world):
    user = world.users["county"]["budget"]
    assert import_orgs(user, _good_rows()).ok
    rows = [org(f"{C}-WJJ-01", "盐池县人民医院（新）", parent=f"{C}-JYJ"),
            org(f"{C}-JYJ-03", "盐池县第三中学", parent=f"{C}-JYJ")]
    result = import_orgs(user, rows, update=True)
    assert result.ok, reasons(result)
    assert (result.updated, result.unchanged) == (2, 0)
    branch = Organisation.objects.get(code=f"{C}-WJJ-01-01")
    assert branch.path == f"/{C}-JYJ/{C}-WJJ-01/{C}-WJJ-01-01/" and branch.department == world.orgs["county"]["edu"]
    assert Organisation.objects.get(code=f"{C}-JYJ-03").is_active is True
    again = import_orgs(user, rows, update=True)
    assert again.ok and again.unchanged == 2


def test_existing_code_without_update_is_a_duplicate(world):
    before = counts()
    result = import_orgs(world.users["county"]["budget"], [org(f"{C}-JYJ-02", "改名", parent=f"{C}-JYJ")])
    assert "系统中已有该记录" in reasons(result)[0] and counts() == before


BAD = {
    "unknown parent": ([org(f"{C}-X-01", "某单位", parent=f"{C}-NOPE")],
                       "第2行「上级机构代码」值「640323-NOPE」：上级机构代码「640323-NOPE」不存在"),
    "parent in another region": ([org(f"{C}-X-01", "某单位", parent="640324-JYJ")],
                                 "上级机构「640324-JYJ」属于其他区划（同心县 640324）"),
    "parent in another region, same file": (
        [org(f"{C}-X", "某局", "主管部门"), org("640324-X-01", "某单位", parent=f"{C}-X", region="640324")],
        "第3行「所属区划代码」值「640324」：您只能在本级区划（盐池县 640323）内新增机构"),
    "cycle": ([org(f"{C}-A", "甲局", "主管部门", parent=f"{C}-B"), org(f"{C}-B", "乙局", "主管部门", parent=f"{C}-A")],
              "上级机构形成循环：640323-A → 640323-B → 640323-A"),
    "cycle through the system": ([org(f"{C}-JYJ", "盐池县教育局", "主管部门", parent=f"{C}-JYJ-X"),
                                  org(f"{C}-JYJ-X", "教育局下属", "主管部门", parent=f"{C}-JYJ")],
                                 "上级机构形成循环"),
    "duplicate codes": ([org(f"{C}-X", "某局", "主管部门"), org(f"{C}-X", "某局", "主管部门")],
                        "第3行「机构代码」值「640323-X」：与第2行重复"),
    "unit in the sibling county": ([org("640324-X-01", "同心某校", parent="640324-JYJ", region="640324")],
                                   "您只能在本级区划（盐池县 640323）内新增机构，不能在「同心县」新增"),
    "unit in the city": ([org("640300-X-01", "市某校", parent="640300-JYJ", region="640300")],
                         "不能在「吴忠市」新增"),
    "unit without parent": ([org(f"{C}-X-01", "某单位")], "「预算单位」必须填写上级机构代码"),
    "unit under a section": ([org(f"{C}-X-01", "某单位", parent=f"{C}-CZJ-JKW")],
                             "「预算单位」的上级机构应为主管部门、预算单位，「640323-CZJ-JKW」是财政局科室"),
    "section by a county user": ([org(f"{C}-CZJ-X", "某科", "财政局科室", parent=f"{C}-CZJ")],
                                 "财政局科室只能由系统管理员导入"),
    "unknown kind": ([org(f"{C}-X", "某局", "局")], "「类型」值「局」：应为以下之一：财政局科室、主管部门、预算单位"),
    "unknown region": ([org(f"{C}-X", "某局", "主管部门", region="999999")], "区划代码「999999」不存在"),
    "funding section of the sibling": ([org(f"{C}-X", "某局", "主管部门", section="640324-CZJ-JKW")],
                                       "归口业务科室「640324-CZJ-JKW」属于其他区划"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_files_write_nothing(world, case):
    rows, expected = BAD[case]
    before = counts()
    result = import_orgs(world.users["county"]["budget"], rows, update=True)
    assert not result.ok
    assert any(expected in r for r in reasons(result)), reasons(result)
    assert counts() == before


def test_one_bad_row_undoes_the_good_ones(world):
    before = counts()
    rows = [*_good_rows(), org(f"{C}-X-01", "某单位", parent=f"{C}-NOPE")]
    result = import_orgs(world.users["county"]["budget"], rows)
    assert result.error_count == 1 and result.created == 0
    assert counts() == before and not Organisation.objects.filter(code=f"{C}-WJJ").exists()


def test_unknown_parent_alone_is_refused_at_save(world):
    """One row: no cross-row check runs, the save path refuses it."""
    result = import_orgs(world.users["county"]["budget"], [org(f"{C}-X-01", "某单位", parent=f"{C}-NOPE")])
    assert reasons(result) == ["第2行「上级机构代码」值「640323-NOPE」：上级机构代码「640323-NOPE」不存在"]


def test_kind_change_refused_when_the_unit_has_projects(world):
    before = counts()
    result = import_orgs(world.users["county"]["budget"], [org(f"{C}-JYJ-01", "盐池县第一中学", "主管部门")],
                         update=True)
    assert "已有1个项目，不能将类型由「预算单位」改为「主管部门」" in reasons(result)[0]
    assert counts() == before and Organisation.objects.get(code=f"{C}-JYJ-01").kind == OrgKind.UNIT


def test_kind_change_allowed_for_a_bare_unit(world):
    user = world.users["county"]["budget"]
    assert import_orgs(user, [org(f"{C}-JYJ-05", "盐池县某中心", parent=f"{C}-JYJ")]).ok
    result = import_orgs(user, [org(f"{C}-JYJ-05", "盐池县某中心", "主管部门")], update=True)
    assert result.ok, reasons(result)
    moved = Organisation.objects.get(code=f"{C}-JYJ-05")
    assert moved.kind == OrgKind.DEPARTMENT and moved.department == moved and moved.path == f"/{C}-JYJ-05/"


def test_unit_with_projects_keeps_its_department(world):
    result = import_orgs(world.users["county"]["budget"], [org(f"{C}-JYJ-01", "盐池县第一中学", parent=f"{C}-NYJ")],
                         update=True)
    assert "已有1个项目，不能改到其他主管部门之下" in reasons(result)[0]


def test_moving_under_own_descendant_is_a_cycle(world):
    user = world.users["county"]["budget"]
    assert import_orgs(user, _good_rows()).ok
    result = import_orgs(user, [org(f"{C}-WJJ-01", "盐池县人民医院", parent=f"{C}-WJJ-01-01")], update=True)
    assert "是本机构的下级机构，会形成循环" in reasons(result)[0]


def test_city_may_not_update_a_county_organisation(world):
    """The city sees the counties' units, but changes only its own level."""
    result = import_orgs(world.users["city"]["budget"], [org(f"{C}-JYJ-01", "改名", parent=f"{C}-JYJ")], update=True)
    assert reasons(result) == [
        "第2行「机构代码」值「640323-JYJ-01」：机构「640323-JYJ-01」不在您的管理范围内，不能修改"]
    assert Organisation.objects.get(code=f"{C}-JYJ-01").name != "改名"


def test_a_county_user_may_not_hang_a_unit_under_another_region(world):
    result = import_orgs(world.users["county"]["budget"],
                         [org("640324-JYJ-01", "改名", parent="640324-JYJ", region="640324")], update=True)
    assert reasons(result) == ["第2行「上级机构代码」值「640324-JYJ」：上级机构「640324-JYJ」不在您的管理范围内"]


@pytest.mark.parametrize("role", ["unit", "dept", "funding", "oversight", "agency"])
def test_other_roles_may_not_import(world, role):
    before = counts()
    result = import_orgs(world.users["county"][role], [org(f"{C}-X", "某局", "主管部门")])
    assert any("您没有导入机构的权限" in r for r in reasons(result)), reasons(result)
    assert counts() == before
