"""The organisation page's buttons, the import pages (upload, result, error report), the export, the navigation."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from perfbudget.core.models import Job
from perfbudget.orgs.models import Organisation

from .helpers import ACCOUNT_HEADERS, ORG_HEADERS, account, counts, org, xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BUTTONS = ("btn-import-orgs", "btn-import-users", "btn-export-orgs")


def _upload(content, name="机构.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX_TYPE)


@pytest.mark.parametrize("role, shown", [("budget", True), ("perf", True), ("funding", False)])
def test_list_buttons_only_for_managers(world, login, role, shown):
    html = login(world.users["county"][role]).get(reverse("orgs:list")).content.decode()
    assert all((b in html) == shown for b in BUTTONS)


def test_navigation_entries_by_role(world, login):
    html = login(world.users["county"]["budget"]).get(reverse("core:inbox")).content.decode()
    for name in ("orgs:import", "orgs:import_accounts", "orgs:users"):
        assert f'href="{reverse(name)}"' in html
    html = login(world.users["county"]["dept"]).get(reverse("core:inbox")).content.decode()
    assert f'href="{reverse("orgs:users")}"' in html and f'href="{reverse("orgs:import")}"' not in html
    html = login(world.users["county"]["unit"]).get(reverse("core:inbox")).content.decode()
    assert f'href="{reverse("orgs:users")}"' not in html and "用户与授权" not in html


@pytest.mark.parametrize("name", ["orgs:import", "orgs:import_accounts", "orgs:import_template",
                                  "orgs:import_accounts_template", "orgs:export"])
@pytest.mark.parametrize("role", ["unit", "dept", "funding", "oversight"])
def test_others_are_refused_with_a_message(world, login, name, role):
    r = login(world.users["county"][role]).get(reverse(name))
    assert r.status_code == 403
    assert "只有财政局预算科、绩效科和系统管理员可以导入或导出机构和用户" in r.content.decode()


def test_refused_upload_writes_nothing(world, login):
    before = counts()
    r = login(world.users["county"]["unit"]).post(
        reverse("orgs:import"), {"file": _upload(xlsx([org("640323-X", "某局", "主管部门")], ORG_HEADERS))})
    assert r.status_code == 403 and counts() == before


def test_templates_have_the_columns_and_the_users_choices(world, login):
    c = login(world.users["county"]["budget"])
    for name, headers in (("orgs:import_template", ORG_HEADERS), ("orgs:import_accounts_template", ACCOUNT_HEADERS)):
        r = c.get(reverse(name))
        assert r.status_code == 200 and r["Content-Type"] == XLSX_TYPE
        wb = load_workbook(io.BytesIO(r.content))
        assert [cell.value for cell in wb.active[1]] == headers
    lists = load_workbook(io.BytesIO(c.get(reverse("orgs:import_template")).content))["代码表"]
    values = {cell.value for col in lists.iter_cols() for cell in col}
    assert "640323 盐池县" in values and "640324 同心县" not in values and "财政局科室" not in values


def test_upload_good_file_then_see_the_unit(world, login):
    c = login(world.users["county"]["budget"])
    assert "下载导入模板" in c.get(reverse("orgs:import")).content.decode()
    rows = [org("640323-WJJ", "盐池县卫生健康局", "主管部门"),
            org("640323-WJJ-01", "盐池县人民医院", parent="640323-WJJ")]
    r = c.post(reverse("orgs:import"), {"file": _upload(xlsx(rows, ORG_HEADERS))})
    assert r.status_code == 302
    job = Job.objects.get(kind="import:organisations")
    assert r["Location"] == reverse("orgs:import_job", args=[job.pk])
    html = c.get(r["Location"]).content.decode()
    assert "导入成功" in html and "新增 2 条" in html
    assert "盐池县人民医院" in c.get(reverse("orgs:list") + "?q=人民医院").content.decode()


def test_upload_bad_file_shows_errors_and_report(world, login):
    c = login(world.users["county"]["budget"])
    before = counts()
    rows = [org("640323-X-01", "某单位", parent="640323-NOPE"), org("640323-X-02", "某单位", parent="640323-NOPE")]
    r = c.post(reverse("orgs:import"), {"file": _upload(xlsx(rows, ORG_HEADERS))}, follow=True)
    html = r.content.decode()
    assert "导入未通过，没有写入任何数据" in html and "上级机构代码「640323-NOPE」不存在" in html
    assert counts() == before
    job = Job.objects.get(kind="import:organisations")
    report = load_workbook(io.BytesIO(c.get(reverse("orgs:import_errors", args=[job.pk])).content)).active
    assert report["A2"].value == 2 and report["B2"].value == "上级机构代码"
    # another user never sees this job
    assert login(world.users["sibling"]["budget"]).get(reverse("orgs:import_job", args=[job.pk])).status_code == 404


def test_not_an_xlsx_file(world, login):
    r = login(world.users["county"]["budget"]).post(reverse("orgs:import"), {"file": _upload(b"a,b\n1,2\n", "x.csv")})
    assert r.status_code == 200 and "文件不是 Excel .xlsx 格式" in r.content.decode()


def test_upload_accounts_page(world, login):
    c = login(world.users["county"]["budget"])
    content = xlsx([account("yc_page", org="640323-JYJ-01")], ACCOUNT_HEADERS)
    r = c.post(reverse("orgs:import_accounts"), {"file": _upload(content, "用户.xlsx")}, follow=True)
    assert "导入成功" in r.content.decode()
    assert "yc_page" in c.get(reverse("orgs:users")).content.decode()


def test_export_is_scoped_and_reimports_unchanged(world, login):
    c = login(world.users["county"]["budget"])
    r = c.get(reverse("orgs:export"))
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [cell.value for cell in ws[1]]
    assert header[:len(ORG_HEADERS)] == ORG_HEADERS
    codes = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert "640323-JYJ-01" in codes and "640324-JYJ-01" not in codes and "640323-CZJ-JKW" not in codes
    assert codes.index("640323-JYJ") < codes.index("640323-JYJ-01")
    r = c.post(reverse("orgs:import"), {"file": _upload(r.content), "update": "on"}, follow=True)
    assert f"未变化 {len(codes)} 条" in r.content.decode()
    assert Organisation.objects.filter(code="640323-JYJ-01").get().row_version == 1


def test_account_files_go_to_the_background_sooner(world, login):
    """Password hashing is slow at production strength: more than 20 account rows become a background job."""
    rows = [account(f"yc_many{i}", org="640323-JYJ-01") for i in range(21)]
    r = login(world.users["county"]["budget"]).post(
        reverse("orgs:import_accounts"), {"file": _upload(xlsx(rows, ACCOUNT_HEADERS), "用户.xlsx")})
    job = Job.objects.get(kind="import:accounts")
    assert r.status_code == 302 and job.status == Job.Status.QUEUED
    html = login(world.users["county"]["budget"]).get(reverse("orgs:import_job", args=[job.pk])).content.decode()
    assert "排队中" in html and 'hx-trigger="every 1s"' in html


def test_evaluation_navigation_by_role(world, login):
    """Agencies and experts see only what they were drawn for: no draw records, no pool, experts no self-evaluations."""
    pages = {name: f'href="{reverse(name)}"' for name in ("pools:draws", "pools:agencies", "evaluation:selfevals",
                                                        "keyevals:list")}
    html = login(world.users["county"]["perf"]).get(reverse("core:inbox")).content.decode()
    assert all(link in html for link in pages.values())
    html = login(world.users["county"]["agency"]).get(reverse("core:inbox")).content.decode()
    assert pages["keyevals:list"] in html and pages["evaluation:selfevals"] in html
    assert pages["pools:draws"] not in html and pages["pools:agencies"] not in html
    from perfbudget.orgs.models import RoleGrant, User

    expert = User.objects.create_user("nav_expert", password="x")
    RoleGrant.objects.create(user=expert, role="expert", region=world.county)
    html = login(User.objects.get(pk=expert.pk)).get(reverse("core:inbox")).content.decode()
    assert pages["keyevals:list"] in html
    assert not any(pages[n] in html for n in ("pools:draws", "pools:agencies", "evaluation:selfevals"))
