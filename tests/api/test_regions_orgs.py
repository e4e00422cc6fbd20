"""/api/regions/ and /api/organisations/: representation, filters, ordering and flat query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import org

from .helpers import all_results

COUNTY, CITY, SIBLING = "640323", "640300", "640324"


def listed(client, url, **params):
    return [row["code"] for row in all_results(client, url, **params)]


def test_region_representation(world, token_client):
    row = token_client(world.users["county"]["perf"]).get(f"/api/regions/{world.county.pk}/").json()
    row.pop("updated_at")
    assert row == {
        "id": world.county.pk, "url": f"http://testserver/api/regions/{world.county.pk}/", "code": COUNTY,
        "name": "盐池县", "level": "county", "level_label": "县(区)", "parent_code": CITY, "parent_name": "吴忠市",
        "path": "/640000/640300/640323/", "row_version": 1,
    }
    root = token_client(world.admin).get(f"/api/regions/{world.province.pk}/").json()
    assert root["parent_code"] is None and root["parent_name"] is None


@pytest.mark.parametrize(("params", "expected"), [
    ({}, [CITY, COUNTY, SIBLING]),
    ({"level": "county"}, [COUNTY, SIBLING]),
    ({"level": "city"}, [CITY]),
    ({"parent": CITY}, [COUNTY, SIBLING]),
    ({"parent": COUNTY}, []),
    ({"q": "盐池"}, [COUNTY]),
    ({"q": "64032"}, [COUNTY, SIBLING]),
    ({"ordering": "-code"}, [SIBLING, COUNTY, CITY]),
])
def test_region_filters(world, token_client, params, expected):
    assert listed(token_client(world.users["city"]["perf"]), "/api/regions/", **params) == expected


def test_organisation_representation(world, token_client):
    school = world.orgs["county"]["school"]
    row = token_client(world.users["county"]["dept"]).get(f"/api/organisations/{school.pk}/").json()
    row.pop("updated_at")
    assert row == {
        "id": school.pk, "url": f"http://testserver/api/organisations/{school.pk}/", "code": "640323-JYJ-01",
        "name": "盐池县第一中学", "kind": "unit", "kind_label": "预算单位",
        "region_code": COUNTY, "region_name": "盐池县",
        "parent_code": "640323-JYJ", "parent_name": "盐池县教育局",
        "department_code": "640323-JYJ", "department_name": "盐池县教育局",
        "funding_section_code": None, "funding_section_name": None,
        "is_active": True, "path": "/640323-JYJ/640323-JYJ-01/", "row_version": 1,
    }
    edu = token_client(world.users["county"]["dept"]).get(f"/api/organisations/{school.parent_id}/").json()
    assert (edu["kind"], edu["department_code"], edu["funding_section_code"]) == ("department", "640323-JYJ",
                                                                               "640323-CZJ-JKW")


@pytest.mark.parametrize(("params", "expected"), [
    ({"kind": "department"}, {"640323-JYJ", "640323-NYJ"}),
    ({"kind": "unit", "department": "640323-JYJ"}, {"640323-JYJ-01", "640323-JYJ-02"}),
    ({"department": "640323-NYJ"}, {"640323-NYJ", "640323-NYJ-01"}),
    ({"parent": "640323-CZJ", "q": "科"}, {"640323-CZJ-JXK", "640323-CZJ-YSK", "640323-CZJ-JKW", "640323-CZJ-NYK"}),
    ({"q": "中学"}, {"640323-JYJ-01"}),
    ({"q": "盐池县 局"}, {"640323-CZJ", "640323-JYJ", "640323-NYJ"}),
    ({"region": SIBLING}, set()),
    ({"is_active": "false"}, set()),
])
def test_organisation_filters(world, token_client, params, expected):
    assert set(listed(token_client(world.users["county"]["perf"]), "/api/organisations/", **params)) == expected


def test_organisation_region_filter_includes_the_regions_below(world, token_client):
    client = token_client(world.users["city"]["perf"])
    assert len(listed(client, "/api/organisations/", region=CITY)) == 30
    assert len(listed(client, "/api/organisations/", region=SIBLING)) == 10
    assert listed(client, "/api/organisations/", region="6403") == []  # whole codes only
    assert listed(client, "/api/organisations/", kind="bureau", ordering="-code") == [
        f"{SIBLING}-CZJ", f"{COUNTY}-CZJ", f"{CITY}-CZJ"]


def test_bad_choice_is_400(world, token_client):
    r = token_client(world.users["county"]["perf"]).get("/api/organisations/", {"kind": "club"})
    assert r.status_code == 400 and "kind" in r.json()


@pytest.mark.parametrize("url", ["/api/regions/", "/api/organisations/"])
def test_query_count_stays_flat(world, token_client, url):
    client = token_client(world.admin)

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"page_size": 500}).status_code == 200
        return len(ctx.captured_queries)

    before = count_queries()
    o = world.orgs["county"]
    for i in range(10):
        org(f"640323-JYJ-1{i}", f"扩充单位{i}", "unit", world.county, o["edu"])
        org(f"640323-X{i}", f"扩充部门{i}", "department", world.county, funding_section=o["agri_sec"])
    assert count_queries() == before
