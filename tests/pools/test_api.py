"""API: scoped pools with filters, draws committed, revealed and verified."""

import pytest

from perfbudget.pools import draws
from perfbudget.pools.choices import PoolStatus
from perfbudget.pools.models import Draw

from .helpers import agency, agency_user, expert, expert_user


@pytest.fixture
def perf(world):
    return world.users["city"]["perf"]


def _names(response):
    assert response.status_code == 200, response.content
    return {r["name"] for r in response.json()["results"]}


def test_agencies_scoped_and_filtered(world, token_client):
    agency(world.city, name="水利所", fields=["water"])
    agency(world.city, name="教育所", fields=["education"], status=PoolStatus.PENDING)
    mine = agency(world.county, name="县所")
    city = token_client(world.users["city"]["perf"])
    assert _names(city.get("/api/agencies/")) == {"水利所", "教育所", "县所"}
    assert _names(city.get("/api/agencies/", {"field": "water"})) == {"水利所"}
    assert _names(city.get("/api/agencies/", {"status": "pending"})) == {"教育所"}
    assert _names(city.get("/api/agencies/", {"region": world.county.code})) == {"县所"}
    assert _names(city.get("/api/agencies/", {"q": "教育"})) == {"教育所"}
    assert city.get("/api/agencies/", {"field": "astrology"}).status_code == 400
    assert _names(token_client(world.users["county"]["perf"]).get("/api/agencies/")) == {"县所"}
    assert _names(token_client(world.users["city"]["unit"]).get("/api/agencies/")) == set()
    own = token_client(agency_user(mine))
    assert _names(own.get("/api/agencies/")) == {"县所"}
    body = own.get(f"/api/agencies/{mine.pk}/").json()
    assert body["credit_code"] == mine.credit_code and body["field_labels"] == ["教育"]
    assert token_client(world.users["sibling"]["perf"]).get(f"/api/agencies/{mine.pk}/").status_code == 404


def test_experts_see_only_themselves(world, token_client):
    user = expert_user("api_expert", world.city)
    expert(world.city, name="王专家", user=user)
    expert(world.city, name="赵专家")
    assert _names(token_client(user).get("/api/experts/")) == {"王专家"}
    assert _names(token_client(world.users["city"]["oversight"]).get("/api/experts/")) == {"王专家", "赵专家"}


def test_commit_reveal_verify(world, token_client, perf):
    for _ in range(4):
        agency(world.city)
    client = token_client(perf)
    r = client.post("/api/draws/", {"kind": "agency", "count": 2, "region": world.city.code, "purpose": "API抽取",
                                    "subject_orgs": [world.orgs["city"]["school"].code], "fields": ["education"]},
                    format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "committed" and body["seed"] == "" and body["result"] == []
    assert "sealed_seed" not in body and len(body["inputs"]["candidates"]) == 4
    v = client.get(f"/api/draws/{body['id']}/verify/").json()
    assert v["ok"] is False and any("尚未公开" in p for p in v["problems"])
    r = client.post(f"/api/draws/{body['id']}/reveal/")
    assert r.status_code == 200 and len(r.json()["result"]) == 2 and len(r.json()["selected"]) == 2
    assert client.post(f"/api/draws/{body['id']}/reveal/").status_code == 409
    v = client.get(f"/api/draws/{body['id']}/verify/").json()
    assert v["ok"] is True and v["problems"] == []
    assert draws.verify(v["record"]) == (True, [])
    assert client.get("/api/draws/", {"status": "revealed"}).json()["count"] == 1


def test_commit_and_reveal_at_once(world, token_client, perf):
    agency(world.city)
    r = token_client(perf).post("/api/draws/", {"kind": "agency", "count": 1, "region": world.city.code,
                                                "purpose": "一步完成", "reveal": True}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "revealed" and r.json()["seed"]


@pytest.mark.parametrize(("data", "status", "message"), [
    ({"count": 3}, 400, "符合条件的候选只有1个"),
    ({"count": 0}, 400, ""),
    ({"subject_orgs": ["640300-JYJ"], "commissioning_org": "640300-JYJ"}, 400, "主体分离"),
    ({"kind": "judge"}, 400, ""),
    ({"region": "999999"}, 400, ""),
])
def test_bad_draws(world, token_client, perf, data, status, message):
    agency(world.city)
    base = {"kind": "agency", "count": 1, "region": world.city.code, "purpose": "测试"}
    r = token_client(perf).post("/api/draws/", {**base, **data}, format="json")
    assert r.status_code == status
    assert message in r.content.decode()
    assert not Draw.objects.exists()


def test_who_may_draw_and_reveal(world, token_client, perf):
    agency(world.city)
    base = {"kind": "agency", "count": 1, "region": world.city.code, "purpose": "测试"}
    for role in ("budget", "oversight", "unit"):
        assert token_client(world.users["city"][role]).post("/api/draws/", base, format="json").status_code == 403
    draw_id = token_client(perf).post("/api/draws/", base, format="json").json()["id"]
    assert token_client(world.users["city"]["oversight"]).post(f"/api/draws/{draw_id}/reveal/").status_code == 403
    assert token_client(world.users["county"]["perf"]).post(f"/api/draws/{draw_id}/reveal/").status_code == 404
    assert token_client(world.users["city"]["oversight"]).get(f"/api/draws/{draw_id}/verify/").status_code == 200
