"""/api/self-evaluations/: scoped list and filters, create, detail with rows, the save (per-row errors, 409 on a
stale version), submit and review, problems, and /score/ on a perfbudget.selfeval/1 document (no writes)."""

import json
from pathlib import Path

import pytest

from perfbudget.evaluation import scoring, selfevalfile
from perfbudget.evaluation.choices import SelfEvalStatus
from perfbudget.evaluation.models import SelfEvaluation, SelfEvaluationProblem

from .helpers import NARRATIVE, fill, goal_for, make_selfeval

pytestmark = pytest.mark.django_db

URL = "/api/self-evaluations/"
EXAMPLES = Path(__file__).resolve().parent / "examples"  # copies of shared/formats/examples


def test_list_is_scoped_and_filtered(world, token_client):
    school = make_selfeval(world, "county", "school")
    farm = make_selfeval(world, "county", "farm")
    sibling = make_selfeval(world, "sibling", "school")
    fill(school, world.users["county"]["unit"])
    ids = lambda r: {row["id"] for row in r.json()["results"]}  # noqa: E731
    assert ids(token_client(world.users["county"]["unit"]).get(URL)) == {school.pk}
    assert ids(token_client(world.users["county"]["perf"]).get(URL)) == {school.pk, farm.pk}
    assert ids(token_client(world.users["city"]["perf"]).get(URL)) == {school.pk, farm.pk, sibling.pk}
    assert ids(token_client(world.users["county"]["agency"]).get(URL)) == set()
    perf = token_client(world.users["city"]["perf"])
    assert ids(perf.get(URL, {"grade": "优"})) == {school.pk}
    assert ids(perf.get(URL, {"region": "640324", "status": "draft", "year": 2025})) == {sibling.pk}
    listed = perf.get(URL).json()["results"][0]
    assert listed["rows"] == [] and "total_score" in listed


def test_create_for_a_project_year_with_an_approved_goal(world, token_client):
    py, _goal = goal_for(world)
    perf = token_client(world.users["county"]["perf"])
    r = perf.post(URL, {"project_year": py.pk}, format="json")
    assert r.status_code == 201, r.json()
    assert len(r.json()["rows"]) == 9 and r.json()["status"] == "draft"
    assert perf.post(URL, {"project_year": py.pk}, format="json").status_code == 409
    r = perf.post(URL, {"project_year": world.projects["county"]["school2"].pk}, format="json")
    assert r.status_code == 400 and "没有已批复的绩效目标" in r.json()["project_year"][0]
    r = token_client(world.users["county"]["unit"]).post(URL, {"project_year": py.pk}, format="json")
    assert r.status_code == 403


def test_save_errors_stale_and_submit(world, token_client):
    se = make_selfeval(world, qualitative=1)
    rows = list(se.rows.all())
    unit = token_client(world.users["county"]["unit"])
    r = unit.patch(f"{URL}{se.pk}/", {"rows": [{"id": rows[0].pk, "judgement": "0.5"},
                                               {"id": rows[8].pk, "claimed_score": "abc"}]}, format="json")
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert {(e["row"], e["indicator"], e["field"]) for e in errors} == {(1, rows[0].pk, "judgement"),
                                                                        (9, rows[8].pk, "claimed_score")}
    assert "定量指标" in errors[0]["message"] or "定量指标" in errors[1]["message"]
    body = {**NARRATIVE, "row_version": se.row_version,
            "rows": [{"id": r.pk, "actual": r.target, **({"judgement": "90%", "reason": "好"} if r.qualitative else {})}
                     for r in rows]}
    r = unit.patch(f"{URL}{se.pk}/", body, format="json")
    assert r.status_code == 200, r.json()
    data = r.json()
    assert data["grade"] == "优" and data["rows"][8]["score"] == "9.00"
    r = unit.patch(f"{URL}{se.pk}/", {"conclusion": "再改", "row_version": se.row_version}, format="json")
    assert r.status_code == 409 and "已被他人修改" in r.json()["detail"]
    dept = token_client(world.users["county"]["dept"])
    assert dept.patch(f"{URL}{se.pk}/", {"conclusion": "x"}, format="json").status_code == 403
    r = unit.post(f"{URL}{se.pk}/submit/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == SelfEvalStatus.DEPT_REVIEW
    assert dept.post(f"{URL}{se.pk}/review/", {"decision": "return"}, format="json").status_code == 409
    assert token_client(world.users["county"]["perf"]).post(
        f"{URL}{se.pk}/review/", {"decision": "approve"}, format="json").status_code == 403
    r = dept.post(f"{URL}{se.pk}/review/", {"decision": "approve"}, format="json")
    assert r.json()["status"] == SelfEvalStatus.BUREAU_REVIEW
    funding = token_client(world.users["county"]["funding"])
    r = funding.post(f"{URL}{se.pk}/problems/", {"description": "佐证不足", "row": rows[0].pk}, format="json")
    assert r.status_code == 201 and r.json()["raised_role"] == "funding_section"
    r = funding.post(f"{URL}{se.pk}/review/", {"decision": "return", "comment": "见问题"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == SelfEvalStatus.RETURNED
    detail = unit.get(f"{URL}{se.pk}/").json()
    assert detail["review_problems"][0]["description"] == "佐证不足"


def test_unit_submit_with_gaps_is_409(world, token_client):
    se = make_selfeval(world)
    r = token_client(world.users["county"]["unit"]).post(f"{URL}{se.pk}/submit/", {}, format="json")
    assert r.status_code == 409 and "未填实际完成值" in r.json()["detail"]


def test_out_of_scope_is_404(world, token_client):
    se = make_selfeval(world)
    assert token_client(world.users["sibling"]["unit"]).get(f"{URL}{se.pk}/").status_code == 404
    r = token_client(world.users["county"]["oversight"]).patch(f"{URL}{se.pk}/", {"conclusion": "x"}, format="json")
    assert r.status_code == 403


def test_score_endpoint_equals_the_engine_and_writes_nothing(world, token_client):
    doc = json.loads((EXAMPLES / "selfeval_audit.json").read_text(encoding="utf-8"))
    client = token_client(world.users["county"]["unit"])
    before = (SelfEvaluation.objects.count(), SelfEvaluationProblem.objects.count())
    r = client.post(f"{URL}score/", doc, format="json")
    assert r.status_code == 200
    expected = scoring.score_table(selfevalfile.load(doc))
    assert r.json()["total_score"] == expected["total_score"] and r.json()["grade"] == expected["grade"]
    assert [f["code"] for f in r.json()["findings"]] == [f["code"] for f in expected["findings"]]
    assert (SelfEvaluation.objects.count(), SelfEvaluationProblem.objects.count()) == before


def test_score_endpoint_names_the_bad_field(world, token_client):
    client = token_client(world.users["county"]["unit"])
    doc = {"format": "perfbudget.selfeval/1", "funds": {"initial": 1, "full_year": 1, "executed": 1},
           "indicators": [{"level1": "产出指标", "name": "培训人次", "target": "≥500人次", "weight": "二十分"}]}
    r = client.post(f"{URL}score/", doc, format="json")
    assert r.status_code == 400
    assert r.json()["field"] == "indicators[0].weight" and r.json()["detail"]
    r = client.post(f"{URL}score/", {"format": "other"}, format="json")
    assert r.status_code == 400 and r.json()["field"]
