"""What the key-evaluation pages show each reader: organisations by their full name, a submitted column as submitted
(no scoring button until the office returns it), the rows still wanting a reason marked on the score form, and no
draw records for agencies and experts (pools decision: they see no draws — the pages answer 404)."""

import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from perfbudget.keyevals import services
from perfbudget.keyevals.choices import FrameworkStatus, Status
from perfbudget.keyevals.workflow import KEY_EVALUATION_WORKFLOW
from perfbudget.orgs.choices import OrgKind
from perfbudget.orgs.models import Organisation

from .flow import Pools, plan

pytestmark = pytest.mark.django_db


def _org(name, kind, parent=None, pk=None):
    o = Organisation(name=name, kind=kind, parent=parent)
    o.pk = o.id = pk
    return o


BUREAU = _org("吴忠市财政局", OrgKind.BUREAU, pk=1)


@pytest.mark.parametrize(("org", "label"), [
    (_org("绩效科", OrgKind.SECTION, BUREAU, pk=2), "吴忠市财政局绩效科"),
    (_org("吴忠市财政局绩效科", OrgKind.SECTION, BUREAU, pk=3), "吴忠市财政局绩效科"),  # already whole
    (_org("绩效科", OrgKind.SECTION, None, pk=4), "绩效科"),  # no bureau to name
    (BUREAU, "吴忠市财政局"),
    (_org("吴忠市教育局", OrgKind.DEPARTMENT, None, pk=5), "吴忠市教育局"),
    (_org("吴忠市第一中学", OrgKind.UNIT, _org("吴忠市教育局", OrgKind.DEPARTMENT, pk=5), pk=6), "吴忠市第一中学"),
    (None, ""),
])
def test_organisation_label(org, label):
    assert services.organisation_label(org) == label


@pytest.fixture
def assigned(world):
    pools = Pools(world.county, n=3)
    ev = plan(world)
    services.assign(world.users["county"]["perf"], ev)
    ev.refresh_from_db()
    return SimpleNamespace(ev=ev, pools=pools, perf=world.users["county"]["perf"],
                           agency_column=ev.evaluators.get(kind="agency"))


def _full(ev, reason_for=None, low=None):
    return {leaf.code: {"score": low[1] if low and leaf.code == low[0] else str(leaf.weight), "evidence": "资料齐全",
                        "reason": reason_for if low and leaf.code == low[0] else ""} for leaf in ev.leaves}


def test_commissioning_organisation_is_named_with_its_bureau(world, login, assigned):
    ev = assigned.ev
    bureau = f"{world.county.name}财政局绩效科"
    page = login(assigned.perf).get(reverse("keyevals:detail", args=[ev.pk])).content.decode()
    assert f'id="keyeval-commissioning">{bureau}<' in page
    draw = login(assigned.perf).get(reverse("pools:draw", args=[ev.expert_draw_id])).content.decode()
    assert f'id="draw-commissioning">{bureau}<' in draw
    form = login(assigned.perf).get(reverse("keyevals:create")).content.decode()
    assert f">{bureau}</option>" in form
    export = login(assigned.perf).get(reverse("keyevals:list") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][8] == bureau


def test_a_submitted_column_shows_when_and_offers_no_scoring_until_returned(world, login, assigned):
    ev, column = assigned.ev, assigned.agency_column
    agency = login(assigned.pools.agency_user)
    url = reverse("keyevals:detail", args=[ev.pk])
    score_link = f'{reverse("keyevals:score", args=[ev.pk])}?evaluator={column.pk}'
    page = agency.get(url).content.decode()
    assert f"打分：{column.name}" in page and f'id="submitted-{column.pk}"' not in page
    services.save_scores(assigned.pools.agency_user, ev, _full(ev), evaluator_id=column.pk)
    services.submit_scores(assigned.pools.agency_user, ev, evaluator_id=column.pk)
    column.refresh_from_db()
    page = agency.get(url).content.decode()
    assert f"打分：{column.name}" not in page
    badge = page.split(f'id="submitted-{column.pk}">')[1].split("</span>")[0]
    assert "评分已提交" in badge and column.submitted_at.astimezone().strftime("%Y-%m-%d") in badge
    assert score_link in page  # to read what was submitted
    score_page = agency.get(score_link).content.decode()
    assert 'id="score-submitted"' in score_page and 'id="btn-submit-scores"' not in score_page

    # The office returns it (once everyone submitted): the button is back.
    for c in ev.evaluators.filter(kind="expert"):
        u = next(u for u in assigned.pools.expert_users if u.pk == c.user_id)
        services.save_scores(u, ev, _full(ev), evaluator_id=c.pk)
        services.submit_scores(u, ev, evaluator_id=c.pk)
    ev.refresh_from_db()
    assert ev.status == Status.REVIEW
    services.take(assigned.perf, ev, "return", comment="请补充现场核查依据")
    page = agency.get(url).content.decode()
    assert f"打分：{column.name}" in page and f'id="submitted-{column.pk}"' not in page


def test_rows_wanting_a_reason_are_marked_refused_and_after_a_save(world, login, assigned):
    ev = assigned.ev
    columns = list(ev.evaluators.order_by("kind", "position"))
    users = {c.pk: (assigned.pools.agency_user if c.kind == "agency" else
                    next(u for u in assigned.pools.expert_users if u.pk == c.user_id)) for c in columns}
    for c in columns[:-1]:
        services.save_scores(users[c.pk], ev, _full(ev), evaluator_id=c.pk)
    last = columns[-1]
    low = ev.leaves[0]
    client = login(users[last.pk])
    url = reverse("keyevals:score", args=[ev.pk])
    data = {"evaluator": last.pk, "submit": "1"}
    for code, row in _full(ev, low=(low.code, "0")).items():
        data.update({f"score-{code}": row["score"], f"evidence-{code}": row["evidence"], f"reason-{code}": ""})
    body = client.post(url, data).content.decode()
    assert 'id="score-errors"' in body
    rows = body.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]
    marked = [r for r in rows if "needs-reason" in r]
    assert len(marked) == 1 and f"{low.code} {low.name}" in marked[0] and "须填写偏离说明" in marked[0]
    # Saved without the reason (the submit was refused, the scores kept): the form shows the row before submitting.
    body = client.get(f"{url}?evaluator={last.pk}").content.decode()
    assert body.count('class="needs-reason') == 1 and "须填写偏离说明" in body
    # With the reason typed the row is no longer marked, even when the form comes back for another problem.
    data[f"reason-{low.code}"] = "现场核查发现设备未安装"
    data[f"score-{ev.leaves[1].code}"] = "abc"
    body = client.post(url, data).content.decode()
    assert "不是数字" in body and "needs-reason" not in body
    # The rule is the same for everyone: a full mark is also far from a mean pulled down by the 0 (3 against 2).
    assert services.unexplained_spread(ev, columns[0]) == {low.code}
    assert services.unexplained_spread(ev, columns[0], {low.code: {"score": "3", "reason": "资料齐全，满分"}}) == set()


def test_agencies_and_experts_get_no_draw_links_and_no_draw_pages(world, login, assigned):
    ev = assigned.ev
    detail = reverse("keyevals:detail", args=[ev.pk])
    office = login(assigned.perf).get(detail).content.decode()
    assert 'id="keyeval-draws"' in office
    assert reverse("pools:draw", args=[ev.expert_draw_id]) in office
    drawn = ev.evaluators.filter(kind="expert").values_list("user_id", flat=True)
    readers = [assigned.pools.agency_user] + [u for u in assigned.pools.expert_users if u.pk in drawn]
    for reader in readers:
        client = login(reader)
        page = client.get(detail)
        assert page.status_code == 200
        text = page.content.decode()
        assert 'id="keyeval-draws"' not in text and "抽取记录</dt>" not in text
        assert f"/pools/draws/{ev.agency_draw_id}/" not in text and f"/pools/draws/{ev.expert_draw_id}/" not in text
        for draw_id in (ev.agency_draw_id, ev.expert_draw_id):
            assert client.get(reverse("pools:draw", args=[draw_id])).status_code == 404
            assert client.get(reverse("pools:draw_record", args=[draw_id])).status_code == 404
        assert client.get(f"/api/pools/draws/{ev.expert_draw_id}/").status_code in (403, 404)


def test_statuses_read_as_statuses_in_english():
    with translation.override("en"):
        assert [str(label) for _value, label in Status.choices] == [
            "Planned", "Commissioned", "Being scored", "Under review", "Completed", "Published"]
        assert [str(label) for _value, label in FrameworkStatus.choices] == ["In use", "Retired"]
        assert str(KEY_EVALUATION_WORKFLOW.label_of("finished")) == "Completed"
