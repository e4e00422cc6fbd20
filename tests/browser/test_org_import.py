"""A county budget section loads a new department and its unit from Excel through the organisations page."""

import pytest

from perfbudget.orgs.models import Organisation
from tests.factories import PASSWORD, World
from tests.orgs.helpers import ORG_HEADERS, org, xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world_db(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return World.get()


def test_county_budget_uploads_an_organisation_file(page, world_db, screenshot):
    page.goto("/accounts/login/")
    page.fill("#id_username", "county_budget")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=退出")  # signed in

    page.goto("/orgs/")
    page.click("#btn-import-orgs")
    page.wait_for_selector("#import-form")
    content = xlsx([org("640323-WJJ", "盐池县卫生健康局", "主管部门", section="640323-CZJ-JKW"),
                    org("640323-WJJ-01", "盐池县人民医院", parent="640323-WJJ")], ORG_HEADERS)
    page.set_input_files("#id_file", files=[{"name": "机构.xlsx", "mimeType": XLSX_TYPE, "buffer": content}])
    page.click("#btn-import")
    page.wait_for_selector("#import-success")
    assert "新增 2 条" in page.inner_text("#import-success")
    screenshot("org-import-result-county_budget")

    page.click("#btn-back")
    page.wait_for_selector("#org-table")
    page.fill("input[name=q]", "640323-WJJ")
    page.click("form button.btn-primary")
    page.wait_for_selector("#org-table >> text=盐池县人民医院")
    table = page.inner_text("#org-table")
    assert "盐池县人民医院" in table and "盐池县卫生健康局" in table and "教科文科" in table
    screenshot("org-import-county_budget")
    page.click("#link-password")
    page.wait_for_selector("#password-form")
    page.goto("/orgs/users/")
    assert "county_unit" in page.inner_text("#user-table")
    screenshot("users-county_budget")
    unit = Organisation.objects.get(code="640323-WJJ-01")
    assert unit.parent.code == "640323-WJJ" and unit.department.code == "640323-WJJ"
