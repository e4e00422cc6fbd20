"""Pages: lists (scoped, filtered, exported), register/edit with errors, detail with vetting and records, draws,
ranking."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from perfbudget.core.models import WorkflowRecord
from perfbudget.pools import draws, services
from perfbudget.pools.choices import DrawStatus, PoolStatus
from perfbudget.pools.models import Agency, ConflictDeclaration, Draw, Expert, Rating, ViolationRecord

from .helpers import agency, agency_user, credit_code


@pytest.fixture
def perf(world):
    return world.users["city"]["perf"]


def _xlsx(response):
    return [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]


@pytest.mark.parametrize("name", ["pools:agencies", "pools:experts", "pools:draws", "pools:ranking",
                                  "pools:agency_new", "pools:expert_new", "pools:draw_new"])
def test_pages_open_for_the_office(world, login, perf, name):
    assert login(perf).get(reverse(name)).status_code == 200


def test_lists_are_scoped_searchable_and_exported(world, login, perf):
    agency(world.city, name="吴忠审计所", fields=["water"])
    agency(world.city, name="盐池咨询所", fields=["education"], status=PoolStatus.PENDING)
    agency(world.sibling, name="同心评估所")
    client = login(world.users["county"]["perf"])
    page = client.get(reverse("pools:agencies")).content.decode()
    assert "吴忠审计所" not in page and "同心评估所" not in page
    client = login(perf)
    page = client.get(reverse("pools:agencies")).content.decode()
    assert "吴忠审计所" in page and "同心评估所" in page
    page = client.get(reverse("pools:agencies"), {"field": "water"}).content.decode()
    assert "吴忠审计所" in page and "盐池咨询所" not in page
    page = client.get(reverse("pools:agencies"), {"status": "pending", "q": "咨询"}).content.decode()
    assert "盐池咨询所" in page and "吴忠审计所" not in page
    page = client.get(reverse("pools:agencies"), {"region": world.sibling.code}).content.decode()
    assert "同心评估所" in page and "吴忠审计所" not in page
    rows = _xlsx(client.get(reverse("pools:agencies"), {"field": "water", "export": "xlsx"}))
    assert rows[0][:2] == ["机构名称", "统一社会信用代码"] and [r[0] for r in rows[1:]] == ["吴忠审计所"]
    assert rows[1][6] == "水利"


def test_units_get_empty_lists(world, login):
    agency(world.county)
    page = login(world.users["county"]["unit"]).get(reverse("pools:agencies")).content.decode()
    assert "没有符合条件的第三方机构" in page
    assert login(world.users["county"]["unit"]).get(reverse("pools:agency_new")).status_code == 403


def test_register_agency_by_page(world, login, perf):
    code = credit_code()
    r = login(perf).post(reverse("pools:agency_new"), {
        "region": world.city.code, "name": "宁夏新华会计师事务所", "credit_code": code.lower(), "fields": ["education"],
        "staff_count": "30", "certified_staff": "12", "ties": world.orgs["city"]["edu"].code})
    a = Agency.objects.get(credit_code=code)
    assert r.status_code == 302 and r["Location"] == reverse("pools:agency", args=[a.pk])
    assert list(a.ties.all()) == [world.orgs["city"]["edu"]] and a.status == PoolStatus.PENDING


@pytest.mark.parametrize(("data", "message"), [
    ({"credit_code": "91110000100000589B"}, "校验位错误"),
    ({"credit_code": "ABC"}, "应为18位"),
    ({"ties": "NO-SUCH-ORG"}, "机构编码不存在：NO-SUCH-ORG"),
    ({"staff_count": "-1"}, "大于或等于0"),
    ({"certified_staff": "99"}, "持证人员数不能多于从业人员数"),
    ({"region": "640324"}, "选择一个有效的选项"),
])
def test_register_agency_bad_input_shows_errors_and_writes_nothing(world, login, perf, data, message):
    base = {"region": world.city.code, "name": "某所", "credit_code": credit_code(), "staff_count": "5",
            "certified_staff": "1"}
    r = login(perf).post(reverse("pools:agency_new"), {**base, **data})
    assert r.status_code == 200
    assert message in r.content.decode()
    assert not Agency.objects.exists()


def test_duplicate_credit_code_is_refused(world, login, perf):
    a = agency(world.city)
    r = login(perf).post(reverse("pools:agency_new"), {"region": world.city.code, "name": "重复", "credit_code":
                                                       a.credit_code, "staff_count": "1", "certified_staff": "0"})
    assert r.status_code == 200 and "已存在" in r.content.decode()
    assert Agency.objects.count() == 1


def test_register_and_edit_expert_by_page(world, login, perf):
    client = login(perf)
    r = client.post(reverse("pools:expert_new"), {"region": world.city.code, "name": "李教授", "title": "教授",
                                                  "employer_org": world.orgs["city"]["school"].code,
                                                  "fields": ["education", "fiscal"]})
    e = Expert.objects.get(name="李教授")
    assert r.status_code == 302 and e.employer_org == world.orgs["city"]["school"]
    r = client.post(reverse("pools:expert_edit", args=[e.pk]), {"name": "李教授", "title": "研究员",
                                                               "username": "nobody-here"})
    assert r.status_code == 200 and "用户「nobody-here」不存在" in r.content.decode()
    r = client.post(reverse("pools:expert_edit", args=[e.pk]), {"name": "李教授", "title": "研究员"})
    e.refresh_from_db()
    assert r.status_code == 302 and e.title == "研究员" and e.employer_org is None
    assert login(world.users["county"]["perf"]).get(reverse("pools:expert_edit", args=[e.pk])).status_code == 404


def test_detail_vetting_and_records(world, login, perf):
    a = agency(world.city, status=PoolStatus.PENDING)
    client = login(perf)
    page = client.get(reverse("pools:agency", args=[a.pk])).content.decode()
    assert "审核入库" in page and "清退" in page
    client.post(reverse("pools:agency_vet", args=[a.pk]), {"action": "approve"})
    r = client.post(reverse("pools:agency_vet", args=[a.pk]), {"action": "suspend", "reason": ""}, follow=True)
    assert "必须填写意见" in r.content.decode()
    client.post(reverse("pools:agency_vet", args=[a.pk]), {"action": "suspend", "reason": "报告质量不达标"})
    a.refresh_from_db()
    assert a.status == PoolStatus.SUSPENDED
    assert WorkflowRecord.objects.filter(object_id=a.pk, workflow="pool_agency").count() == 2
    # violations, conflicts, ratings: bad input → 400 with the reason, nothing written
    r = client.post(reverse("pools:agency_violation_add", args=[a.pk]), {"date": "2026-13-01", "description": "x"})
    assert r.status_code == 400 and not ViolationRecord.objects.exists()
    r = client.post(reverse("pools:agency_conflict_add", args=[a.pk]),
                    {"organisation": "NOPE", "relation": "审计"})
    assert r.status_code == 400 and "机构编码不存在" in r.content.decode()
    r = client.post(reverse("pools:agency_conflict_add", args=[a.pk]),
                    {"organisation": world.orgs["city"]["edu"].code, "relation": "审计", "valid_from": "2026-05-01",
                     "valid_to": "2026-01-01"})
    assert r.status_code == 400 and "截止日期不能早于起始日期" in r.content.decode()
    r = client.post(reverse("pools:agency_rating_add", args=[a.pk]), {"score": "120", "target_label": "评价"})
    assert r.status_code == 400 and not Rating.objects.exists() and not ConflictDeclaration.objects.exists()
    client.post(reverse("pools:agency_violation_add", args=[a.pk]),
                {"date": "2026-03-01", "description": "出具虚假报告", "major": "on", "source": "审计"})
    client.post(reverse("pools:agency_conflict_add", args=[a.pk]),
                {"organisation": world.orgs["city"]["edu"].code, "relation": "年报审计"})
    client.post(reverse("pools:agency_rating_add", args=[a.pk]), {"score": "86.5", "target_label": "2025年评价"})
    page = client.get(reverse("pools:agency", args=[a.pk])).content.decode()
    assert "出具虚假报告" in page and "年报审计" in page and "86.5" in page
    # read-only viewers see no actions
    page = login(world.users["city"]["oversight"]).get(reverse("pools:agency", args=[a.pk])).content.decode()
    assert 'id="vet-actions"' not in page and 'id="violation-form"' not in page
    r = login(world.users["city"]["oversight"]).post(reverse("pools:agency_vet", args=[a.pk]),
                                                     {"action": "remove", "reason": "x"}, follow=True)
    assert "没有执行" in r.content.decode()


def test_agency_user_sees_its_own_page_only(world, login):
    mine, other = agency(world.city), agency(world.city)
    client = login(agency_user(mine))
    assert client.get(reverse("pools:agency", args=[mine.pk])).status_code == 200
    assert client.get(reverse("pools:agency", args=[other.pk])).status_code == 404


def test_new_draw_commit_then_reveal_then_verify(world, login, perf):
    pool = [agency(world.city) for _ in range(4)]
    client = login(perf)
    r = client.post(reverse("pools:draw_new"), {"kind": "agency", "region": world.city.code, "count": "2",
                                                "purpose": "2025年重点评价", "fields": ["education"],
                                                "subjects": world.orgs["city"]["school"].code})
    draw = Draw.objects.get()
    assert r.status_code == 302 and draw.status == DrawStatus.COMMITTED
    page = client.get(reverse("pools:draw", args=[draw.pk])).content.decode()
    assert draw.seed_hash in page and draw.sealed_seed not in page and 'id="btn-reveal"' in page
    record = json.loads(client.get(reverse("pools:draw_record", args=[draw.pk])).content)
    assert record["seed"] == "" and record["inputs_hash"] == draw.inputs_hash
    client.post(reverse("pools:draw_reveal", args=[draw.pk]))
    draw.refresh_from_db()
    page = client.get(reverse("pools:draw", args=[draw.pk]), {"verify": "1"}).content.decode()
    assert draw.seed in page and "验证通过" in page
    assert all(p.name in page for p in pool)
    record = json.loads(client.get(reverse("pools:draw_record", args=[draw.pk])).content)
    assert draws.verify(record) == (True, [])
    rows = _xlsx(client.get(reverse("pools:draws"), {"export": "xlsx"}))
    assert rows[1][0] == draw.pk and rows[1][10] == draw.seed


@pytest.mark.parametrize(("data", "message"), [
    ({"count": "5"}, "符合条件的候选只有2个"),
    ({"count": "0"}, "大于或等于1"),
    ({"subjects": "BAD-CODE"}, "机构编码不存在"),
    ({"purpose": ""}, "该字段是必填项"),
])
def test_new_draw_bad_input_writes_nothing(world, login, perf, data, message):
    agency(world.city)
    agency(world.city)
    base = {"kind": "agency", "region": world.city.code, "count": "1", "purpose": "测试"}
    r = login(perf).post(reverse("pools:draw_new"), {**base, **data})
    assert r.status_code == 200 and message in r.content.decode()
    assert not Draw.objects.exists()


def test_draw_form_refuses_self_commissioning_and_reveals_at_once(world, login, perf):
    agency(world.city)
    edu = world.orgs["city"]["edu"].code
    base = {"kind": "agency", "region": world.city.code, "count": "1", "purpose": "测试", "subjects": edu}
    r = login(perf).post(reverse("pools:draw_new"), {**base, "commissioning": edu})
    assert "主体分离" in r.content.decode() and not Draw.objects.exists()
    login(perf).post(reverse("pools:draw_new"), {**base, "reveal": "on"})
    assert Draw.objects.get().status == DrawStatus.REVEALED


def test_only_offices_draw_and_outsiders_get_404(world, login, perf):
    agency(world.city)
    assert login(world.users["city"]["budget"]).get(reverse("pools:draw_new")).status_code == 403
    draw = services.commit_draw(perf, "agency", 1, world.city, "测试")
    assert login(world.users["county"]["perf"]).get(reverse("pools:draw", args=[draw.pk])).status_code == 404
    assert login(world.users["city"]["unit"]).get(reverse("pools:draw_record", args=[draw.pk])).status_code == 404
    r = login(world.users["city"]["oversight"]).get(reverse("pools:draw", args=[draw.pk]))
    assert r.status_code == 200 and 'id="btn-reveal"' not in r.content.decode()


def test_ranking_page_and_drop_action(world, login, perf):
    good, poor = agency(world.city, name="优秀所"), agency(world.city, name="较差所")
    for p in world.projects["city"].values():
        services.rate(perf, good, target=p, score=95)
        services.rate(perf, poor, target=p, score=40)
    client = login(perf)
    page = client.get(reverse("pools:ranking"), {"kind": "agency", "region": world.city.code}).content.decode()
    assert "优秀所" in page and "平均分低于合格线" in page
    page = client.get(reverse("pools:ranking"), {"kind": "agency", "drop": "1"}).content.decode()
    assert "较差所" in page and "优秀所" not in page
    rows = _xlsx(client.get(reverse("pools:ranking"), {"kind": "agency", "export": "xlsx"}))
    assert rows[1][:2] == [1, "优秀所"] and rows[2][4] == "是"
    nxt = reverse("pools:ranking") + "?kind=agency"
    r = client.post(reverse("pools:agency_vet", args=[poor.pk]), {"action": "remove", "reason": "末位淘汰",
                                                                 "next": nxt})
    assert r["Location"] == nxt
    poor.refresh_from_db()
    assert poor.status == PoolStatus.REMOVED


def test_ranking_page_queries_do_not_grow_with_the_pool(world, login, perf):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(perf)
    url, params = reverse("pools:ranking"), {"kind": "agency", "region": world.city.code}

    def queries():
        with CaptureQueriesContext(connection) as q:
            assert "测试所" in client.get(url, params).content.decode()
        return len(q.captured_queries)

    target = world.projects["city"]["school"]
    for n in range(2):
        services.rate(perf, agency(world.city, name=f"测试所{n}"), target=target, score=80)
    few = queries()
    for n in range(2, 8):
        services.rate(perf, agency(world.city, name=f"测试所{n}"), target=target, score=80)
    assert queries() == few
