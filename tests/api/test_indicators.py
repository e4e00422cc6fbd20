"""/api/indicators/: the library's search (text, code, pinyin initials), filters, scope (regional entries stay in
their region and the finance bureaus above), detail with usage, and maintenance by the 绩效科 only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from perfbudget.indicators.models import IndicatorEntry
from tests.factories import declare_goal, goal_rows

from .helpers import all_results

URL = "/api/indicators/"


def new_entry(**extra):
    return {"category": "C02", "level1": "产出指标", "level2": "数量指标", "name": "盐池滩羊养殖补助户数",
            "unit": "户", "direction": "ge", "definition": "年度内获得滩羊养殖补助的农户数", **extra}


@pytest.fixture
def regional(world, token_client):
    """A county entry added through the API by the county's 绩效科."""
    r = token_client(world.users["county"]["perf"]).post(URL, new_entry(), format="json")
    assert r.status_code == 201, r.content
    return IndicatorEntry.objects.get(pk=r.json()["id"])


def codes(client, **params):
    return {row["code"] for row in all_results(client, URL, **params)}


def test_national_entry_representation(world, token_client):
    entry = IndicatorEntry.objects.get(code="A02-005", is_current=True)
    row = token_client(world.users["county"]["unit"]).get(f"{URL}{entry.pk}/").json()
    assert row.pop("updated_at")
    assert row.pop("url") == f"http://testserver{URL}{entry.pk}/"
    usage, versions = row.pop("usage"), row.pop("versions")
    assert row == {
        "id": entry.pk, "code": "A02-005", "version": 1, "is_current": True, "status": "active",
        "status_label": "在用", "owner_region_code": None, "owner_region_name": None, "is_national": True,
        "category": "A02", "category_name": "义务教育", "category_parent_code": "A",
        "category_parent_name": "基本公共服务", "is_common": False, "level1": "产出指标", "level2": "质量指标",
        "name": "九年义务教育巩固率", "definition": "初中毕业生数占该届学生小学一年级入学人数的比例", "unit": "%",
        "direction": "ge", "direction_label": "≥（正向）", "value_kind": "quantitative", "value_kind_label": "定量",
        "formula": "初中毕业生数/该届学生小学一年级入学人数×100%", "basis": "industry", "basis_label": "行业标准",
        "suggested_target": "≥96%", "range_low": "95.0000", "range_high": "99.5000",
        "sectors": "义务教育 薄弱学校改造 营养改善计划", "function_codes": "20502", "pinyin": "jnywjyggl",
        "revision_note": "系统内置指标库", "row_version": entry.row_version,
    }
    assert usage == {"goals": 0, "by_status": {}, "targets": None, "actuals": None}
    assert [v["version"] for v in versions] == [1]


@pytest.mark.parametrize("query", ["ywjy", "YWJY", "jnywjygg"])
def test_search_by_pinyin_initials(world, token_client, query):
    rows = all_results(token_client(world.users["county"]["unit"]), URL, q=query)
    assert "A02-005" in {r["code"] for r in rows}
    assert all(query.lower() in r["pinyin"] for r in rows)


def test_search_by_text_and_code(world, token_client):
    client = token_client(world.users["county"]["unit"])
    assert all("巩固率" in r["name"] or "巩固率" in r["definition"]
               for r in all_results(client, URL, q="巩固率"))
    assert codes(client, q="A02-00") >= {f"A02-00{i}" for i in range(1, 6)}
    assert codes(client, q="ywjy 巩固") == {"A02-005"}  # every term must match


def test_filter_by_category_and_function_code(world, token_client):
    client = token_client(world.users["county"]["unit"])
    small = all_results(client, URL, category="A02")
    assert small and {r["category"] for r in small} == {"A02"}
    big = all_results(client, URL, category="A")
    assert {r["category_parent_code"] for r in big} == {"A"}
    assert {r["category"] for r in big} > {"A01", "A02", "A03"}
    farm = all_results(client, URL, function_code="2130101", category="C02")
    assert farm and all(r["category"] == "C02" for r in farm)
    assert codes(client, category="A02", q="ywjy") <= {r["code"] for r in small}
    assert codes(client, category="A02", level1="满意度指标") <= {r["code"] for r in small}
    r = client.get(URL, {"category": "NOPE"})
    assert r.status_code == 400 and "category" in r.json()


def test_list_shows_current_active_versions(world, token_client, regional):
    perf = token_client(world.users["county"]["perf"])
    r = perf.post(f"{URL}{regional.pk}/revise/", {"unit": "户次", "revision_note": "按户次统计"}, format="json")
    assert r.status_code == 201, r.content
    new = r.json()
    assert (new["code"], new["version"], new["unit"], new["is_current"]) == (regional.code, 2, "户次", True)
    rows = [row for row in all_results(perf, URL, q="滩羊")]
    assert [(row["code"], row["version"]) for row in rows] == [(regional.code, 2)]
    old = perf.get(f"{URL}{regional.pk}/").json()  # the old version stays readable by its id
    assert old["is_current"] is False and [v["version"] for v in old["versions"]] == [2, 1]
    r = perf.post(f"{URL}{new['id']}/retire/", {"note": "不再使用"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "retired"
    assert codes(perf, q="滩羊") == set()
    assert codes(perf, q="滩羊", status="retired") == {regional.code}
    r = perf.post(f"{URL}{new['id']}/restore/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert codes(perf, q="滩羊") == {regional.code}


def test_create_by_the_performance_office(world, token_client):
    r = token_client(world.users["county"]["perf"]).post(URL, new_entry(range_low="10", range_high="200"),
                                                         format="json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["code"] == "640323-0001" and data["version"] == 1
    assert (data["owner_region_code"], data["is_national"], data["pinyin"]) == ("640323", False, "yctyyzbzhs")
    assert (data["range_low"], data["range_high"], data["basis"], data["value_kind"]) == (
        "10.0000", "200.0000", "plan", "quantitative")
    entry = IndicatorEntry.objects.get(pk=data["id"])
    assert entry.owner_region == world.county
    r = token_client(world.users["county"]["perf"]).post(URL, new_entry(code="640323-0001"), format="json")
    assert r.status_code == 400 and "code" in r.json()
    r = token_client(world.users["county"]["perf"]).post(URL, new_entry(code="YC-TY-01", name="滩羊出栏数"),
                                                         format="json")
    assert r.status_code == 201 and r.json()["code"] == "YC-TY-01"


@pytest.mark.parametrize("role", ["unit", "dept", "funding", "budget", "oversight", "agency"])
def test_create_by_anyone_else_is_403(world, token_client, role):
    r = token_client(world.users["county"][role]).post(URL, new_entry(), format="json")
    assert r.status_code == 403
    assert r.json() == {"detail": "只有财政局绩效科可以维护指标库。"}
    assert not IndicatorEntry.objects.filter(name="盐池滩羊养殖补助户数").exists()


@pytest.mark.parametrize(("values", "field"), [
    ({"level2": "满意度指标"}, "level2"),
    ({"level1": "投入指标"}, "level1"),
    ({"range_low": "100", "range_high": "90"}, "range_high"),
    ({"category": "A"}, "category"),  # a 大类 is not a category to file an entry under
    ({"name": ""}, "name"),
    ({"direction": "up"}, "direction"),
])
def test_create_validation(world, token_client, values, field):
    r = token_client(world.users["county"]["perf"]).post(URL, new_entry(**values), format="json")
    assert r.status_code == 400
    assert field in r.json(), r.json()


def test_regional_entry_stays_in_its_region(world, token_client, regional):
    for key, role in (("sibling", "unit"), ("sibling", "perf"), ("sibling", "oversight"), ("city", "unit"),
                      ("city", "dept")):
        client = token_client(world.users[key][role])
        assert regional.code not in codes(client, q="滩羊"), (key, role)
        r = client.get(f"{URL}{regional.pk}/")
        assert r.status_code == 404, (key, role)
        assert r.json() == {"detail": "记录不存在或不在您的查看范围内。"}
    for key, role in (("county", "unit"), ("county", "dept"), ("county", "oversight"), ("city", "perf"),
                      ("city", "budget")):
        client = token_client(world.users[key][role])
        assert regional.code in codes(client, q="滩羊"), (key, role)
        assert client.get(f"{URL}{regional.pk}/").status_code == 200


def test_only_the_owning_office_maintains(world, token_client, regional):
    revise = {"unit": "户次", "revision_note": "改"}
    r = token_client(world.users["city"]["perf"]).post(f"{URL}{regional.pk}/revise/", revise, format="json")
    assert r.status_code == 403 and r.json() == {"detail": "您只能查看该记录，无权修改。"}
    r = token_client(world.users["sibling"]["perf"]).post(f"{URL}{regional.pk}/retire/", {}, format="json")
    assert r.status_code == 404
    r = token_client(world.users["county"]["unit"]).post(f"{URL}{regional.pk}/retire/", {}, format="json")
    assert r.status_code == 403
    national = IndicatorEntry.objects.get(code="A02-005", is_current=True)
    r = token_client(world.users["county"]["perf"]).post(f"{URL}{national.pk}/revise/", revise, format="json")
    assert r.status_code == 403
    perf = token_client(world.users["county"]["perf"])
    r = perf.post(f"{URL}{regional.pk}/revise/", {"unit": "户次"}, format="json")
    assert r.status_code == 400 and "revision_note" in r.json()
    r = perf.post(f"{URL}{regional.pk}/revise/", {"level2": "满意度指标", "revision_note": "改"}, format="json")
    assert r.status_code == 400 and "level2" in r.json()
    assert perf.post(f"{URL}{regional.pk}/revise/", revise, format="json").status_code == 201
    r = perf.post(f"{URL}{regional.pk}/revise/", revise, format="json")  # no longer the current version
    assert r.status_code == 403
    regional.refresh_from_db()
    assert regional.unit == "户"


def test_detail_has_usage_statistics(world, token_client):
    entry = IndicatorEntry.objects.get(code="A02-005", is_current=True)
    rows = goal_rows()
    rows[2].update(name=entry.name, target="97", unit="%", entry=str(entry.pk))
    declare_goal(world.projects["county"]["school"], world.users["county"]["unit"], rows=rows)
    usage = token_client(world.users["county"]["perf"]).get(f"{URL}{entry.pk}/").json()["usage"]
    assert usage["goals"] == 1 and usage["by_status"] == {"draft": 1}
    assert usage["targets"] == {"min": 97.0, "p25": 97.0, "median": 97.0, "p75": 97.0, "max": 97.0, "n": 1}
    listed = all_results(token_client(world.users["county"]["perf"]), URL, q="jnywjygg")
    assert listed[0]["usage"] is None and listed[0]["versions"] is None  # detail only


def test_query_count_does_not_grow_with_the_page(world, token_client, regional):
    client = token_client(world.users["city"]["perf"])

    def count_queries(size):
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(URL, {"page_size": size})
        assert r.status_code == 200 and len(r.json()["results"]) == size
        return len(ctx.captured_queries)

    assert count_queries(5) == count_queries(500) <= 5  # token, grants, count, page (categories joined)


def test_no_writes_through_other_methods(world, token_client, regional):
    perf = token_client(world.users["county"]["perf"])
    assert perf.put(f"{URL}{regional.pk}/", new_entry(), format="json").status_code == 405
    assert perf.delete(f"{URL}{regional.pk}/").status_code == 405


def test_schema_lists_the_indicator_endpoints(db, client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert {"/api/indicators/", "/api/indicators/{id}/", "/api/indicators/{id}/revise/",
            "/api/indicators/{id}/retire/", "/api/indicators/{id}/restore/"} <= set(paths)
    params = {p["name"] for p in paths["/api/indicators/"]["get"]["parameters"]}
    assert {"q", "category", "function_code", "level1", "status", "ordering", "page", "page_size"} <= params
    assert set(paths["/api/indicators/"]) == {"get", "post"}
