"""Account import (用户导入): one row per role grant; new users sign in with their initial password."""

import pytest
from auditlog.models import LogEntry
from django.test import Client

from perfbudget.orgs.choices import Role
from perfbudget.orgs.models import RoleGrant, User
from tests.factories import PASSWORD

from .helpers import NEW_PASSWORD, account, counts, import_accounts, reasons

C = "640323"


def _can_log_in(username, password):
    return Client().login(username=username, password=password)


def test_county_budget_section_creates_accounts_and_grants(world):
    user = world.users["county"]["budget"]
    rows = [
        account("yc_wang", "预算单位", org=f"{C}-JYJ-01", name="王芳", phone="13800000001"),
        account("yc_wang", "主管部门", org=f"{C}-JYJ", name="王芳", password=""),
        account("yc_li", "财政局业务科室", org=f"{C}-CZJ-JKW", name="李强", password="Li-Qiang-2025"),
        account("county_unit", "预算单位", org=f"{C}-JYJ-02", name="county_unit", password=""),
    ]
    result = import_accounts(user, rows)
    assert result.ok, reasons(result)
    assert result.created == 4
    wang = User.objects.get(username="yc_wang")
    assert (wang.display_name, wang.phone) == ("王芳", "13800000001")
    assert {(g.role, g.organisation.code) for g in wang.role_grants.all()} == {
        (Role.UNIT, f"{C}-JYJ-01"), (Role.DEPARTMENT, f"{C}-JYJ")}
    assert _can_log_in("yc_wang", NEW_PASSWORD) and _can_log_in("yc_li", "Li-Qiang-2025")
    # an existing user gets the grant added and keeps its password
    assert world.users["county"]["unit"].role_grants.count() == 2
    assert _can_log_in("county_unit", PASSWORD)
    for obj in (wang, RoleGrant.objects.get(user=wang, role=Role.UNIT)):
        entry = LogEntry.objects.get_for_object(obj).get()
        assert entry.action == LogEntry.Action.CREATE and entry.actor == user


def test_existing_user_password_changes_only_when_given(world):
    user = world.users["county"]["budget"]
    row = account("county_unit", "预算单位", org=f"{C}-JYJ-01", name="张老师", phone="13900000000", password="")
    result = import_accounts(user, [row], update=True)
    assert result.ok and result.updated == 1, reasons(result)
    unit = User.objects.get(username="county_unit")
    assert (unit.display_name, unit.phone) == ("张老师", "13900000000") and _can_log_in("county_unit", PASSWORD)
    changes = LogEntry.objects.get_for_object(unit).get(action=LogEntry.Action.UPDATE).changes_dict
    assert changes["display_name"] == ["county_unit", "张老师"] and "password" not in changes
    assert import_accounts(user, [row], update=True).unchanged == 1
    assert import_accounts(user, [{**row, "初始密码": "New-Pass-2025"}], update=True).ok
    assert _can_log_in("county_unit", "New-Pass-2025") and not _can_log_in("county_unit", PASSWORD)


def test_superuser_grants_region_roles(world):
    rows = [account("yc_ysk", "财政局预算科", region=C),
            account("yc_sj", "人大/审计/纪检", region=C, password="Audit-2025x")]
    result = import_accounts(world.admin, rows)
    assert result.ok, reasons(result)
    grant = RoleGrant.objects.get(user__username="yc_ysk")
    assert grant.role == Role.BUDGET_SECTION and grant.region == world.county and grant.organisation is None


BAD = {
    "region role without region code": (
        "admin", [account("yc_x", "财政局预算科", org=f"{C}-CZJ-YSK")],
        "第3行「授权区划代码」：「财政局预算科」按区划授权，必须填写授权区划代码"),
    "unknown role label": ("budget", [account("yc_x", "校长", org=f"{C}-JYJ-01")], "「角色」值「校长」：应为以下之一"),
    "weak password": ("budget", [account("yc_x", org=f"{C}-JYJ-01", password="1234")],
                      "第3行：「初始密码」密码太短，至少需要8个字符"),
    "common password": ("budget", [account("yc_x", org=f"{C}-JYJ-01", password="password123")],
                        "密码过于常见"),
    "new user without password": ("budget", [account("yc_x", org=f"{C}-JYJ-01", password="")],
                                  "新用户必须填写初始密码"),
    "second row first": ("budget", [account("yc_x", org=f"{C}-JYJ-01", password=""),
                                    account("yc_x", "主管部门", org=f"{C}-JYJ")], "新用户必须填写初始密码"),
    "different names for one user": ("budget", [account("yc_x", org=f"{C}-JYJ-01", name="甲"),
                                                account("yc_x", "主管部门", org=f"{C}-JYJ", name="乙", password="")],
                                     "第4行「姓名」值「乙」：同一用户名的「姓名」与第3行不一致"),
    "county grants performance office": ("budget", [account("yc_x", "财政局绩效科", region=C)],
                                         "您只能授予财政局业务科室、主管部门、预算单位角色，不能授予「财政局绩效科」"),
    "county grants on the sibling": ("budget", [account("yc_x", org="640324-JYJ-01")],
                                     "机构「640324-JYJ-01」不在您的管理范围内（只能为本级区划的机构授权）"),
    "county grants on the city": ("perf", [account("yc_x", "主管部门", org="640300-JYJ")], "不在您的管理范围内"),
    "role on the wrong kind": ("budget", [account("yc_x", org=f"{C}-JYJ")],
                               "授予「预算单位」角色的机构应为预算单位，「640323-JYJ」是主管部门"),
    "unknown organisation": ("budget", [account("yc_x", org=f"{C}-NOPE")], "机构代码「640323-NOPE」不存在"),
    "taking over another region's user": ("budget", [account("sibling_unit", org=f"{C}-JYJ-01")],
                                          "用户名「sibling_unit」已被使用，该用户不在您的管理范围内"),
    "taking over the bureau's user": ("budget", [account("county_perf", org=f"{C}-JYJ-01")], "不在您的管理范围内"),
    "taking over the superuser": ("budget", [account("admin", org=f"{C}-JYJ-01")], "不在您的管理范围内"),
    "duplicate grant in file": ("budget", [account("yc_x", org=f"{C}-JYJ-01"), account("yc_x", org=f"{C}-JYJ-01")],
                                "与第3行重复"),
    "unit user imports": ("unit", [account("yc_x", org=f"{C}-JYJ-01")], "您没有导入用户的权限"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_files_write_nothing(world, case):
    who, rows, expected = BAD[case]
    user = world.admin if who == "admin" else world.users["county"][who]
    before = counts()
    result = import_accounts(user, [account("yc_ok", org=f"{C}-JYJ-02"), *rows])
    assert not result.ok
    assert any(expected in r for r in reasons(result)), reasons(result)
    assert counts() == before and not User.objects.filter(username="yc_ok").exists()


def test_password_cell_is_not_written_when_the_file_fails(world):
    before = _can_log_in("county_unit", PASSWORD)
    rows = [account("county_unit", org=f"{C}-JYJ-02", name="county_unit", password="Changed-2025"),
            account("yc_x", "校长", org=f"{C}-JYJ-01")]
    assert not import_accounts(world.users["county"]["budget"], rows).ok
    assert before and _can_log_in("county_unit", PASSWORD)


def test_passwords_are_never_echoed_in_errors(world):
    rows = [account("yc_x", org=f"{C}-JYJ-01", password="Secret-1-2025"),
            account("yc_x", "主管部门", org=f"{C}-JYJ", password="Secret-2-2025"),
            account("yc_y", org=f"{C}-JYJ-01", password="qwerty1")]
    result = import_accounts(world.users["county"]["budget"], rows)
    text = " ".join(reasons(result))
    assert "第3行：同一用户名的「初始密码」与第2行不一致" in text and "第4行：「初始密码」密码太短" in text
    assert "Secret" not in text and "qwerty1" not in text
    assert "Secret" not in str(result.job.result) and "qwerty1" not in str(result.job.result)
