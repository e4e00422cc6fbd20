"""GET/POST /api/key-evaluations/: the scoped list, the detail with items, scores and findings, and creation."""

import pytest

from perfbudget.keyevals import services
from perfbudget.keyevals.models import KeyEvaluation

from .flow import Pools, national, plan, score_all

pytestmark = pytest.mark.django_db

URL = "/api/key-evaluations/"


def test_list_is_scoped_and_filtered(world, token_client):
    a = plan(world)
    b = plan(world, project="farm", timing="mid_term")
    plan(world, level="sibling")
    client = token_client(world.users["county"]["perf"])
    body = client.get(URL).json()
    assert sorted(r["id"] for r in body["results"]) == sorted([a.pk, b.pk])
    assert body["results"][0]["items"] is None
    assert [r["id"] for r in client.get(URL, {"timing": "mid_term"}).json()["results"]] == [b.pk]
    assert [r["id"] for r in client.get(URL, {"q": "COUNTY-EDU-1"}).json()["results"]] == [a.pk]
    assert token_client(world.users["county"]["unit"]).get(URL).json()["results"] == []
    assert token_client(world.users["county"]["unit"]).get(f"{URL}{a.pk}/").status_code == 404


def test_detail_shows_items_scores_and_findings(world, token_client):
    pools = Pools(world.county)
    perf = world.users["county"]["perf"]
    ev = plan(world)
    services.assign(perf, ev)
    ev = score_all(ev, pools, scores={0: {"A11": "2.5"}})
    services.add_finding(perf, ev, "funds", "资金拨付滞后", amount="50000")
    body = token_client(perf).get(f"{URL}{ev.pk}/").json()
    assert body["status"] == "review" and body["status_label"] == "复核"
    assert len(body["items"]) == 20
    a11 = next(i for i in body["items"] if i["code"] == "A11")
    assert (a11["weight"], a11["mean"], a11["level1"]) == ("3.00", "2.88", "决策")
    assert len(body["evaluators"]) == 4
    assert body["evaluators"][0]["kind"] == "agency" and body["evaluators"][0]["scores"]["A11"] == "2.50"
    assert body["findings"] == [{"category": "funds", "category_label": "资金管理使用", "description": "资金拨付滞后",
                                 "amount": "50000.00", "item_code": ""}]
    # an expert sees its own column only, and no means
    expert_user = next(u for u in pools.expert_users if ev.evaluators.filter(user=u).exists())
    mine = token_client(expert_user).get(f"{URL}{ev.pk}/").json()
    assert [e["name"] for e in mine["evaluators"]] == [ev.evaluators.get(user=expert_user).name]
    assert all(i["mean"] is None for i in mine["items"])


def test_create(world, token_client):
    client = token_client(world.users["county"]["perf"])
    data = {"region": "640323", "year": 2025, "title": "课后服务项目重点评价", "object_kind": "project",
            "subjects": [world.orgs["county"]["school2"].code],
            "project_years": [world.projects["county"]["school2"].pk], "framework": national().pk, "amount": "800000"}
    response = client.post(URL, data, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "planned" and body["commissioning_org"] == world.orgs["county"]["perf"].code
    assert len(body["items"]) == 20
    ev = KeyEvaluation.objects.get(pk=body["id"])
    assert ev.amount == 800000
    bad = client.post(URL, {**data, "framework": national("procurement").pk}, format="json")
    assert bad.status_code == 400 and "适用于政府采购评价" in bad.json()["detail"]
    selfish = client.post(URL, {**data, "object_kind": "department", "framework": national("department").pk,
                                "subjects": [world.orgs["county"]["edu"].code],
                                "commissioning_org": world.orgs["county"]["edu"].code}, format="json")
    assert selfish.status_code == 400 and "不能委托对自身" in selfish.json()["detail"]
    hidden = client.post(URL, {**data, "subjects": [world.orgs["sibling"]["school"].code]}, format="json")
    assert hidden.status_code == 400 and "subjects" in hidden.json().get("errors", hidden.json())
    assert token_client(world.users["county"]["budget"]).post(URL, data, format="json").status_code == 403
    theirs = {**data, "subjects": [world.orgs["sibling"]["school2"].code],
              "project_years": [world.projects["sibling"]["school2"].pk]}
    assert token_client(world.users["sibling"]["perf"]).post(URL, theirs, format="json").status_code == 403
