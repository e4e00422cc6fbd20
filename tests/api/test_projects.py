"""/api/projects/: the representation, the page's filters, ordering, pagination and a flat query count."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from perfbudget.api.pagination import StandardPagination
from tests.factories import function_class, project_year

from .helpers import AGR1, EDU1, EDU2, all_results, codes

URL = "/api/projects/"


def listed(client, **params):
    return {row["code"] for row in all_results(client, URL, **params)}


def test_detail_representation(world, token_client):
    py = world.projects["county"]["farm"]
    py.adjusted_budget = Decimal("6500000.5")
    py.save()
    row = token_client(world.users["county"]["perf"]).get(f"{URL}{py.pk}/").json()
    updated_at = row.pop("updated_at")
    assert updated_at.startswith(str(py.updated_at.year)) and updated_at.endswith("+08:00")
    assert row.pop("url") == f"http://testserver{URL}{py.pk}/"
    assert row.pop("abc_ruleset")
    assert row == {
        "id": py.pk, "project_id": py.project_id, "code": "COUNTY-AGR-1", "name": "county高标准农田建设",
        "unit_code": "640323-NYJ-01", "unit_name": "盐池县农业技术推广中心",
        "department_code": "640323-NYJ", "department_name": "盐池县农业农村局",
        "region_code": "640323", "region_name": "盐池县",
        "budget_type": "general", "budget_type_label": "一般公共预算",
        "function_code": "2050201", "function_name": "学前教育",
        "project_class": "specific", "project_class_label": "特定目标类",
        "special_fund": False, "key_work": False, "is_new": True, "start_year": 2025, "end_year": 2027, "year": 2025,
        "initial_budget": "6000000.00", "adjusted_budget": "6500000.50",
        "abc_class": "A", "abc_computed": "A", "abc_override_reason": "",
        "status": "draft", "status_label": "草稿", "row_version": 2,
    }


@pytest.fixture
def varied(world):
    """Extra county project-years that differ in every filtered field, and a second year of one project."""
    o = world.orgs["county"]
    world.projects["county"]["school"].__class__.objects.filter(pk=world.projects["county"]["farm"].pk).update(
        status="accepted")
    project_year(o["school2"], code="COUNTY-FUND-1", name="城乡社区基金项目", budget_type="fund",
                 project_class="operating", special_fund=True, function_class=function_class("2120101", "行政运行"),
                 status="dept_review", amount="300000")
    project_year(o["school"], code="COUNTY-EDU-1", year=2026, amount="1300000")
    return world


@pytest.mark.parametrize(("params", "expected"), [
    ({}, codes("county") | {"COUNTY-FUND-1"}),
    ({"q": "农田"}, codes("county", AGR1)),
    ({"q": "county EDU"}, codes("county", EDU1, EDU2)),
    ({"year": 2026}, codes("county", EDU1)),
    ({"region": "640323"}, codes("county") | {"COUNTY-FUND-1"}),
    ({"department": "640323-NYJ"}, codes("county", AGR1)),
    ({"budget_type": "fund"}, {"COUNTY-FUND-1"}),
    ({"project_class": "operating"}, {"COUNTY-FUND-1"}),
    ({"abc_class": "A"}, codes("county", AGR1)),
    ({"abc_class": "C"}, {"COUNTY-FUND-1"}),
    ({"status": "accepted"}, codes("county", AGR1)),
    ({"status": "dept_review"}, {"COUNTY-FUND-1"}),
    ({"function_code": "212"}, {"COUNTY-FUND-1"}),
    ({"function_code": "2050201"}, codes("county")),
    ({"special_fund": "true"}, {"COUNTY-FUND-1"}),
    ({"special_fund": "false", "year": 2025}, codes("county")),
])
def test_filters(varied, token_client, params, expected):
    assert listed(token_client(varied.users["county"]["perf"]), **params) == expected


def test_year_rows_are_separate(varied, token_client):
    rows = all_results(token_client(varied.users["county"]["unit"]), URL)
    assert sorted((r["code"], r["year"]) for r in rows) == [("COUNTY-EDU-1", 2025), ("COUNTY-EDU-1", 2026)]


def test_region_filter_includes_the_regions_below(world, token_client):
    client = token_client(world.users["city"]["perf"])
    assert listed(client, region="640300") == codes("city") | codes("county") | codes("sibling")
    assert listed(client, region="640324") == codes("sibling")


@pytest.mark.parametrize("params", [{"status": "nonsense"}, {"year": "abc"}, {"department": "NOPE"},
                                    {"budget_type": "x"}])
def test_bad_filter_values_are_400_in_chinese(world, token_client, params):
    r = token_client(world.users["county"]["perf"]).get(URL, params)
    assert r.status_code == 400
    (field, messages), = r.json().items()
    assert field in params
    assert any(ch >= "\u4e00" for ch in messages[0])  # a Chinese message


def test_ordering(world, token_client):
    client = token_client(world.users["city"]["perf"])

    def order(ordering):
        return [r["code"] for r in all_results(client, URL, ordering=ordering)]

    everything = {c for key in ("city", "county", "sibling") for c in codes(key)}
    assert order("code") == sorted(everything)
    assert order("-code") == sorted(everything, reverse=True)
    assert set(order("-initial_budget")[:3]) == {"CITY-AGR-1", "COUNTY-AGR-1", "SIBLING-AGR-1"}
    assert order("-initial_budget,code")[:3] == ["CITY-AGR-1", "COUNTY-AGR-1", "SIBLING-AGR-1"]
    by_name = order("name")  # the database's collation decides the order of Chinese names; names are unique
    assert order("-name") == by_name[::-1] and set(by_name) == everything
    for ordering in ("year", "adjusted_budget", "-updated_at"):
        assert sorted(order(ordering)) == sorted(everything)
    assert order("password") == order("")  # unknown fields are ignored: the default order (year desc, code)


def test_pagination_shape(world, token_client):
    client = token_client(world.users["city"]["perf"])
    first = client.get(URL, {"page_size": 4, "ordering": "code"}).json()
    assert list(first) == ["count", "next", "previous", "results"]
    assert first["count"] == 9 and len(first["results"]) == 4 and first["previous"] is None
    assert "page=2" in first["next"] and "page_size=4" in first["next"] and "ordering=code" in first["next"]
    last = client.get(URL, {"page_size": 4, "ordering": "code", "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None and "page=2" in last["previous"]
    seen = [r["code"] for page in (1, 2, 3)
            for r in client.get(URL, {"page_size": 4, "ordering": "code", "page": page}).json()["results"]]
    assert seen == sorted(seen) and len(set(seen)) == 9
    r = client.get(URL, {"page": 9})
    assert r.status_code == 404 and r.json() == {"detail": "无效页面。"}
    assert len(client.get(URL).json()["results"]) == 9  # default page size is 50


@pytest.mark.parametrize(("asked", "size"), [(None, 50), ("10", 10), ("500", 500), ("100000", 500), ("0", 50)])
def test_page_size_is_capped(asked, size):
    query = {} if asked is None else {"page_size": asked}
    request = Request(APIRequestFactory().get(URL, query))
    assert StandardPagination().get_page_size(request) == size


def test_query_count_stays_flat(world, token_client):
    client = token_client(world.users["city"]["perf"])

    def count_queries(**params):
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(URL, {"page_size": 500, **params})
        assert r.status_code == 200
        return len(ctx.captured_queries), r.json()["count"]

    small, n_small = count_queries()
    filtered_small, _ = count_queries(region="640300", department="640323-JYJ", year=2025)
    for key in ("city", "county", "sibling"):
        o = world.orgs[key]
        for unit in ("school", "school2", "farm"):
            for i in range(4):
                project_year(o[unit], name=f"扩充项目{i}", amount=str(100000 * (i + 1)),
                             function_class=function_class(f"21301{i:02d}", f"科目{i}"))
    large, n_large = count_queries()
    filtered_large, _ = count_queries(region="640300", department="640323-JYJ", year=2025)
    assert n_large == n_small + 36
    assert large == small
    assert filtered_large == filtered_small
    # token with its user, role grants, the filter's fiscal years, count, page
    assert small <= 5
