"""抽评 API: POST /api/spot-checks/draw/ (commit and reveal, commit only, refusals), the scoped list and detail,
verification of the record."""

import pytest

from perfbudget.evaluation import sampling
from perfbudget.evaluation.models import SpotCheck, SpotCheckStatus

from .test_spot_fixtures import exchanging_batch, submitted_selfevals, unit_user

pytestmark = pytest.mark.django_db

URL = "/api/spot-checks/"


def test_draw_commits_and_reveals_a_replayable_sample(world, token_client):
    ses = submitted_selfevals(world)
    client = token_client(world.users["county"]["perf"])
    r = client.post(URL + "draw/", {"region": "640323", "year": 2025, "share": "60%",
                                    "strata": ["abc_class"]}, format="json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["status"] == SpotCheckStatus.DRAWN and data["sample_size"] == 2 and data["strata_keys"] == ["abc_class"]
    assert len(data["items"]) == 2 and {i["self_evaluation"] for i in data["items"]} <= {s.pk for s in ses}
    assert all(i["self_total"] is not None and i["review_total"] is None for i in data["items"])
    assert data["record"]["seed"] and sampling.verify(data["record"]) == (True, [])
    assert "sealed_seed" not in str(data)
    verify = client.get(f"{URL}{data['id']}/verify/").json()
    assert verify["ok"] is True and verify["problems"] == []


def test_draw_can_stop_at_the_commit(world, token_client):
    submitted_selfevals(world)
    client = token_client(world.users["county"]["perf"])
    r = client.post(URL + "draw/", {"region": "640323", "year": 2025, "reveal": False, "amount_bounds": [2000000]},
                    format="json")
    data = r.json()
    assert r.status_code == 201 and data["status"] == SpotCheckStatus.COMMITTED and data["seed"] == ""
    assert data["items"] == [] and data["amount_bounds"] == ["2000000"]
    assert data["seed_hash"] and data["record"]["strata"]
    sc = SpotCheck.objects.get(pk=data["id"])
    assert sc.sealed_seed not in str(data)


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"region": "640323", "year": 2025, "share": "0.05"}, 400, "不得低于"),
    ({"region": "640323", "year": 2025, "strata": ["colour"]}, 400, "colour"),
    ({"region": "640323", "year": 2025, "share": "many"}, 400, "抽评比例"),
    ({"region": "999999", "year": 2025}, 400, "region"),
    ({"region": "640323"}, 400, "year"),
    ({"region": "640324", "year": 2025}, 403, "绩效科"),
])
def test_draw_refusals(world, token_client, body, status, message):
    submitted_selfevals(world)
    r = token_client(world.users["county"]["perf"]).post(URL + "draw/", body, format="json")
    assert r.status_code == status and message in r.content.decode()
    assert not SpotCheck.objects.exists()


def test_no_population_and_duplicate_batch(world, token_client):
    client = token_client(world.users["county"]["perf"])
    r = client.post(URL + "draw/", {"region": "640323", "year": 2025}, format="json")
    assert r.status_code == 400 and "没有已提交的单位自评表" in r.json()["detail"]
    submitted_selfevals(world)
    assert client.post(URL + "draw/", {"region": "640323", "year": 2025}, format="json").status_code == 201
    r = client.post(URL + "draw/", {"region": "640323", "year": 2025}, format="json")
    assert r.status_code == 400 and "已有抽评批次" in r.json()["detail"]


def test_unit_may_not_draw(world, token_client):
    submitted_selfevals(world)
    r = token_client(world.users["county"]["unit"]).post(URL + "draw/", {"region": "640323", "year": 2025},
                                                          format="json")
    assert r.status_code == 403


def test_list_and_detail_are_scoped(world, token_client):
    sc = exchanging_batch(world)
    perf = token_client(world.users["county"]["perf"])
    listed = perf.get(URL, {"year": 2025}).json()
    assert [b["id"] for b in listed["results"]] == [sc.pk] and listed["results"][0]["items"] == []
    detail = perf.get(f"{URL}{sc.pk}/").json()
    assert len(detail["items"]) == 3 and all(i["review_total"] is not None for i in detail["items"])
    assert token_client(world.users["sibling"]["perf"]).get(f"{URL}{sc.pk}/").status_code == 404
    item = sc.items.order_by("position").first()
    mine = token_client(unit_user(item)).get(f"{URL}{sc.pk}/").json()
    assert [i["id"] for i in mine["items"]] == [item.pk]
    assert perf.get(URL, {"status": "published"}).json()["results"] == []
