"""The key-evaluation pages through the real views: list (filters, search, export, query count), create, detail,
scoring, the office's steps, the annual plan and the framework pages."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from perfbudget.keyevals import services
from perfbudget.keyevals.choices import Status
from perfbudget.keyevals.models import EvaluationFramework, KeyEvaluation
from perfbudget.projects.models import ProjectYear
from tests.monitoring.helpers import pay

from .flow import Pools, national, plan

pytestmark = pytest.mark.django_db


def test_list_filters_search_export(world, login):
    a = plan(world)
    b = plan(world, project="farm", kind="project", timing="mid_term")
    plan(world, level="sibling")
    client = login(world.users["county"]["perf"])
    page = client.get(reverse("keyevals:list")).content.decode()
    assert a.title in page and b.title in page and "sibling学校" not in page
    assert "新建重点评价" in page
    text = client.get(reverse("keyevals:list") + "?timing=mid_term").content.decode()
    assert b.title in text and a.title not in text
    text = client.get(reverse("keyevals:list") + "?q=COUNTY-AGR-1").content.decode()
    assert b.title in text and a.title not in text
    text = client.get(reverse("keyevals:list") + "?q=第一中学").content.decode()
    assert a.title in text and b.title not in text
    assert "没有符合条件" in client.get(reverse("keyevals:list") + "?grade=优").content.decode()
    response = client.get(reverse("keyevals:list") + "?status=planned&export=xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("评价名称", "年度", "区划")
    assert sorted(r[0] for r in rows[1:]) == sorted([a.title, b.title])
    assert {r[6] for r in rows[1:]} == {"COUNTY-EDU-1", "COUNTY-AGR-1"}
    assert Decimal(str(next(r for r in rows[1:] if r[0] == b.title)[7])) == Decimal("6000000")
    # a stranger with no role in the region sees an empty list
    empty = login(world.users["county"]["unit"]).get(reverse("keyevals:list")).content.decode()
    assert a.title not in empty and "新建重点评价" not in empty


def test_list_query_count_is_bounded(world, login, django_assert_max_num_queries):
    for key in ("school", "school2", "farm"):
        plan(world, project=key)
    client = login(world.users["county"]["perf"])
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("keyevals:list"))
    for n in range(6):
        plan(world, project="farm", title=f"追加评价{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("keyevals:list")).status_code == 200


def test_create_page(world, login):
    client = login(world.users["county"]["perf"])
    assert client.get(reverse("keyevals:create")).status_code == 200
    school = world.orgs["county"]["school"]
    data = {"region": world.county.pk, "year": 2025, "title": "校舍维修项目重点评价", "object_kind": "project",
            "timing": "ex_post", "subjects": [school.pk], "project_codes": "COUNTY-EDU-1",
            "framework": national().pk, "amount": "1,200,000"}
    response = client.post(reverse("keyevals:create"), data)
    ev = KeyEvaluation.objects.get(title="校舍维修项目重点评价")
    assert response.url == reverse("keyevals:detail", args=[ev.pk])
    assert ev.amount == Decimal("1200000.00") and list(ev.project_years.all()) == [world.projects["county"]["school"]]
    bad = client.post(reverse("keyevals:create"), {**data, "project_codes": "NOPE-1", "title": "x"}).content.decode()
    assert "以下项目编码在2025年不存在或不在您的查看范围内：NOPE-1。" in bad
    self_commission = client.post(reverse("keyevals:create"), {
        **data, "object_kind": "department", "project_codes": "", "framework": national("department").pk,
        "subjects": [world.orgs["county"]["edu"].pk], "commissioning_org": world.orgs["county"]["edu"].pk,
        "title": "y"}).content.decode()
    assert "不能委托对自身或本部门所属单位的评价" in self_commission
    assert login(world.users["county"]["unit"]).get(reverse("keyevals:create")).status_code == 403


def test_detail_score_review_and_publish_pages(world, login):
    pools = Pools(world.county)
    perf = world.users["county"]["perf"]
    ev = plan(world)
    client = login(perf)
    page = client.get(reverse("keyevals:detail", args=[ev.pk])).content.decode()
    assert "随机抽取机构和专家并委托" in page and 'id="report-form"' in page
    for reader in (world.users["city"]["perf"], world.users["county"]["oversight"]):
        read_only = login(reader).get(reverse("keyevals:detail", args=[ev.pk])).content.decode()
        assert "立项依据充分性" in read_only and 'id="btn-assign"' not in read_only
        assert 'id="report-form"' not in read_only
    assert login(world.users["city"]["perf"]).post(reverse("keyevals:assign", args=[ev.pk])).status_code == 302
    ev.refresh_from_db()
    assert ev.status == Status.PLANNED
    client = login(perf)
    client.post(reverse("keyevals:assign", args=[ev.pk]))
    ev.refresh_from_db()
    assert ev.status == Status.ASSIGNED
    page = client.get(reverse("keyevals:detail", args=[ev.pk])).content.decode()
    assert pools.agency.name in page and 'id="keyeval-draws"' in page

    # the agency scores on its page: errors shown with the item, then save and submit
    agency = login(pools.agency_user)
    url = reverse("keyevals:score", args=[ev.pk])
    assert "立项依据充分性" in agency.get(url).content.decode()
    body = agency.post(url, {"score-A11": "9", "submit": "1"}).content.decode()
    assert "指标「A11 立项依据充分性」：得分 9 应在0到分值 3 之间。" in body
    data = {f"score-{leaf.code}": str(leaf.weight) for leaf in ev.leaves}
    data.update({f"evidence-{leaf.code}": "资料齐全" for leaf in ev.leaves})
    assert agency.post(url, {**data, "save": "1"}).status_code == 302
    ev.refresh_from_db()
    assert ev.status == Status.SCORING
    assert agency.post(url, {**data, "submit": "1"}).status_code == 302
    assert ev.evaluators.get(kind="agency").submitted_at is not None
    # an expert sees only its own column on the detail page
    expert_user = next(u for u in pools.expert_users if ev.evaluators.filter(user=u).exists())
    expert_page = login(expert_user).get(reverse("keyevals:detail", args=[ev.pk])).content.decode()
    table = expert_page.split('id="score-table"')[1].split("</table>")[0]
    assert pools.agency.name not in table and ev.evaluators.get(user=expert_user).name in table
    assert login(world.users["county"]["unit"]).get(reverse("keyevals:detail", args=[ev.pk])).status_code == 404
    assert login(world.users["county"]["perf"]).get(url).status_code == 403

    ev = score_all_remaining(ev, pools)
    client = login(perf)
    page = client.get(reverse("keyevals:detail", args=[ev.pk])).content.decode()
    assert 'id="finding-form"' in page and 'id="provisional-total"' in page
    client.post(reverse("keyevals:finding_add", args=[ev.pk]),
                {"category": "funds", "description": "资金拨付滞后", "amount": "50000", "item_code": "B12"})
    client.post(reverse("keyevals:recommendation_add", args=[ev.pk]), {"text": "加快拨付", "addressee": "教育局"})
    bad = client.post(reverse("keyevals:finding_add", args=[ev.pk]), {"category": "funds", "description": "x",
                                                                      "item_code": "ZZ"}, follow=True)
    assert "指标编码「ZZ」不在本次评价的指标体系中。" in bad.content.decode()
    client.post(reverse("keyevals:report_text", args=[ev.pk]), {"conclusion": "综合评价为优。", "background": "概况"})
    client.post(reverse("keyevals:transition", args=[ev.pk]), {"action": "finish"})
    ev.refresh_from_db()
    assert ev.status == Status.FINISHED and ev.grade == "优" and ev.total == Decimal("100.00")
    for column in ev.evaluators.all():
        client.post(reverse("keyevals:rate", args=[ev.pk]), {"evaluator": column.pk, "score": "90"})
    client.post(reverse("keyevals:transition", args=[ev.pk]), {"action": "publish"})
    ev.refresh_from_db()
    assert ev.status == Status.PUBLISHED
    unit_page = login(world.users["county"]["unit"]).get(reverse("keyevals:detail", args=[ev.pk])).content.decode()
    assert "资金拨付滞后" in unit_page and "加快拨付" in unit_page and "综合评价为优。" in unit_page


def score_all_remaining(ev, pools):
    ev.refresh_from_db()
    by_user = {u.pk: u for u in pools.expert_users}
    for column in ev.evaluators.filter(kind="expert"):
        u = by_user[column.user_id]
        rows = {leaf.code: {"score": str(leaf.weight), "evidence": "资料齐全"} for leaf in ev.leaves}
        services.save_scores(u, ev, rows, evaluator_id=column.pk)
        services.submit_scores(u, ev, evaluator_id=column.pk)
    ev.refresh_from_db()
    return ev


def test_annual_plan_from_candidates_is_idempotent(world, login):
    school = world.projects["county"]["school"]
    earlier = ProjectYear.objects.create(project=school.project, year=2024, initial_budget=Decimal(1000000),
                                         status="accepted")
    pay(earlier, {12: 500000})
    pay(school, {6: 600000})
    national()
    client = login(world.users["county"]["perf"])
    url = reverse("keyevals:plan") + f"?region={world.county.pk}&year=2025"
    page = client.get(url).content.decode()
    assert "COUNTY-EDU-1" in page.split('id="candidate-table"')[1].split("</table>")[0]
    assert "COUNTY-AGR-1" in page.split('id="other-table"')[1]
    farm = world.projects["county"]["farm"]
    data = {"region": world.county.pk, "year": 2025, "project_year": [school.pk, farm.pk]}
    client.post(reverse("keyevals:plan"), data)
    evs = KeyEvaluation.objects.filter(region=world.county, year=2025)
    assert sorted(evs.values_list("plan_source", flat=True)) == ["candidate", "manual"]
    response = client.post(reverse("keyevals:plan"), data, follow=True)
    assert "已列入重点评价计划 0 项，2 项此前已在计划中。" in response.content.decode()
    assert evs.count() == 2
    assert "已列入" in client.get(url).content.decode()
    assert login(world.users["county"]["unit"]).get(reverse("keyevals:plan")).status_code == 403


def test_framework_pages_copy_edit_version(world, login):
    template = national()
    client = login(world.users["county"]["perf"])
    listing = client.get(reverse("keyevals:frameworks")).content.decode()
    assert "项目支出绩效评价指标体系" in listing and "政府采购绩效评价指标体系" in listing
    export = client.get(reverse("keyevals:frameworks") + "?kind=procurement&export=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][:6] == ("政府采购绩效评价指标体系", "政府采购", "全国模板", 1, "启用", 17)
    page = client.get(reverse("keyevals:framework", args=[template.pk])).content.decode()
    assert "立项依据充分性" in page and 'id="btn-edit"' not in page
    export = client.get(reverse("keyevals:framework", args=[template.pk]) + "?export=xlsx")
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws.cell(2, 3).value == "决策"
    assert client.get(reverse("keyevals:framework_edit", args=[template.pk])).status_code == 403
    response = client.post(reverse("keyevals:framework_copy", args=[template.pk]), {"region": world.county.pk})
    copy = EvaluationFramework.objects.get(owner_region=world.county)
    assert response.url == reverse("keyevals:framework_edit", args=[copy.pk])
    edit = reverse("keyevals:framework_edit", args=[copy.pk])
    form = client.get(edit).context["formset"]
    rows = [dict(f.initial) for f in form.forms if f.initial]
    post = _formset(rows, name="盐池县项目评价指标体系")
    post["item-1-weight"] = "4"  # 项目立项 5 → 4: its children still sum to 5
    body = client.post(edit, post).content.decode()
    assert "「决策 / 项目立项」：分值 4 不等于下级指标分值之和 5。" in body
    assert "「决策」：分值 15 不等于下级指标分值之和 14。" in body
    post["item-1-weight"] = "5"
    post["item-2-weight"] = "2"  # 立项依据充分性 3 → 2 and 立项程序规范性 2 → 3: still sound
    post["item-3-weight"] = "3"
    assert client.post(edit, post).status_code == 302
    copy.refresh_from_db()
    assert copy.version == 1 and copy.name == "盐池县项目评价指标体系"
    assert copy.items[0]["children"][0]["children"][0]["weight"] == 2
    # once an evaluation uses it, an edit becomes version 2
    services.plan(world.users["county"]["perf"], world.county, 2025, "用本级体系的评价", "project",
                  [world.orgs["county"]["school"]], copy, project_years=[world.projects["county"]["school"]])
    post["item-2-weight"], post["item-3-weight"] = "3", "2"
    response = client.post(edit, post)
    v2 = EvaluationFramework.objects.get(code=copy.code, version=2)
    assert response.url == reverse("keyevals:framework", args=[v2.pk])
    copy.refresh_from_db()
    assert copy.status == "retired" and v2.status == "active"
    assert copy.items[0]["children"][0]["children"][0]["weight"] == 2
    assert v2.items[0]["children"][0]["children"][0]["weight"] == 3


def _formset(rows, name):
    data = {"name": name, "item-TOTAL_FORMS": str(len(rows)), "item-INITIAL_FORMS": str(len(rows)),
            "item-MIN_NUM_FORMS": "0", "item-MAX_NUM_FORMS": "300"}
    for i, row in enumerate(rows):
        for key in ("level", "code", "name", "weight", "explanation", "standard"):
            data[f"item-{i}-{key}"] = "" if row.get(key) is None else str(row.get(key))
    return data
