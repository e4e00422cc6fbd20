"""Every role sees exactly its scope through the API: lists, details (404 outside), regions and organisations.

Expected rows are spelled out from the world's fixtures, not computed with `visible_to`.
"""

import pytest

from .helpers import EDU1, EDU2, all_results, codes

COUNTY, CITY, SIBLING = "640323", "640300", "640324"


def org_codes(region_code, *suffixes):
    return {f"{region_code}-{s}" for s in suffixes}


ALL_ORGS = ("CZJ", "CZJ-JXK", "CZJ-YSK", "CZJ-JKW", "CZJ-NYK", "JYJ", "NYJ", "JYJ-01", "JYJ-02", "NYJ-01")
EDU_DEPT = ("JYJ", "JYJ-01", "JYJ-02")

# (region key, role) → (project codes, region codes, organisation codes)
CASES = {
    ("county", "unit"): (codes("county", EDU1), {COUNTY}, org_codes(COUNTY, "JYJ-01")),
    ("county", "dept"): (codes("county", EDU1, EDU2), {COUNTY}, org_codes(COUNTY, *EDU_DEPT)),
    ("county", "funding"): (codes("county", EDU1, EDU2), {COUNTY}, org_codes(COUNTY, "CZJ-JKW", *EDU_DEPT)),
    ("county", "budget"): (codes("county"), {COUNTY}, org_codes(COUNTY, *ALL_ORGS)),
    ("county", "perf"): (codes("county"), {COUNTY}, org_codes(COUNTY, *ALL_ORGS)),
    ("county", "oversight"): (codes("county"), {COUNTY}, org_codes(COUNTY, *ALL_ORGS)),
    ("county", "agency"): (set(), set(), set()),
    ("sibling", "perf"): (codes("sibling"), {SIBLING}, org_codes(SIBLING, *ALL_ORGS)),
    ("city", "unit"): (codes("city", EDU1), {CITY}, org_codes(CITY, "JYJ-01")),
    ("city", "dept"): (codes("city", EDU1, EDU2), {CITY}, org_codes(CITY, *EDU_DEPT)),
    ("city", "perf"): (codes("city") | codes("county") | codes("sibling"), {CITY, COUNTY, SIBLING},
                       org_codes(CITY, *ALL_ORGS) | org_codes(COUNTY, *ALL_ORGS) | org_codes(SIBLING, *ALL_ORGS)),
    ("city", "oversight"): (codes("city") | codes("county") | codes("sibling"), {CITY, COUNTY, SIBLING},
                            org_codes(CITY, *ALL_ORGS) | org_codes(COUNTY, *ALL_ORGS)
                            | org_codes(SIBLING, *ALL_ORGS)),
}


def check_endpoint(client, url, expected, rows_by_code):
    """The list shows exactly `expected`; each detail is 200 inside and 404 outside."""
    listed = {row["code"] for row in all_results(client, url)}
    assert listed == expected, url
    for code, pk in rows_by_code.items():
        r = client.get(f"{url}{pk}/")
        if code in expected:
            assert r.status_code == 200 and r.json()["code"] == code, (url, code)
        else:
            assert r.status_code == 404, (url, code, r.status_code)
            assert r.json() == {"detail": "记录不存在或不在您的查看范围内。"}


@pytest.mark.parametrize(("key", "role"), list(CASES), ids=[f"{k}-{r}" for k, r in CASES])
def test_role_sees_exactly_its_scope(world, token_client, key, role):
    projects, regions, orgs = CASES[key, role]
    client = token_client(world.users[key][role])
    project_rows = {py.project.code: py.pk for by_key in world.projects.values() for py in by_key.values()}
    region_rows = {r.code: r.pk for r in (world.province, world.city, world.county, world.sibling)}
    org_rows = {o.code: o.pk for by_key in world.orgs.values() for o in by_key.values()}
    check_endpoint(client, "/api/projects/", projects, project_rows)
    check_endpoint(client, "/api/regions/", regions, region_rows)
    check_endpoint(client, "/api/organisations/", orgs, org_rows)


def test_county_never_sees_its_sibling(world, token_client):
    for role in ("unit", "dept", "funding", "budget", "perf", "oversight", "agency"):
        client = token_client(world.users["county"][role])
        rows = all_results(client, "/api/projects/")
        assert not [r for r in rows if r["region_code"] != COUNTY], role
        assert not [r for r in all_results(client, "/api/organisations/") if r["region_code"] != COUNTY], role


def test_superuser_sees_everything(world, token_client):
    client = token_client(world.admin)
    assert len(all_results(client, "/api/projects/")) == 9
    assert {r["code"] for r in all_results(client, "/api/regions/")} == {"640000", CITY, COUNTY, SIBLING}
    assert len(all_results(client, "/api/organisations/")) == 30


def test_filters_cannot_widen_the_scope(world, token_client):
    client = token_client(world.users["county"]["perf"])
    r = client.get("/api/projects/", {"region": SIBLING})
    assert r.status_code == 400
    assert "region" in r.json()
    assert client.get("/api/projects/", {"q": "SIBLING"}).json()["count"] == 0
    assert client.get("/api/organisations/", {"region": SIBLING}).json()["count"] == 0
    assert client.get("/api/regions/", {"parent": CITY}).json()["count"] == 1
