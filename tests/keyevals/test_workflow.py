"""The key-evaluation flow end to end with real pools draws: plan → assign → score → review → finish → rate →
publish; refusals in Chinese; to-do items for the agency and each expert."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from perfbudget.core.models import TodoItem
from perfbudget.keyevals import services
from perfbudget.keyevals.choices import Status
from perfbudget.keyevals.models import Evaluator, KeyEvaluation
from perfbudget.pools.models import Draw, Rating

from .flow import Pools, finish, national, plan, score_all

pytestmark = pytest.mark.django_db


def test_full_flow(world):
    pools = Pools(world.county, n=4, conflicting=world.orgs["county"]["school"])
    perf = world.users["county"]["perf"]
    ev = plan(world)
    assert ev.status == Status.PLANNED
    assert ev.commissioning_org == world.orgs["county"]["perf"]
    services.assign(perf, ev)
    ev.refresh_from_db()
    assert ev.status == Status.ASSIGNED
    columns = list(ev.evaluators.order_by("kind", "position"))
    assert [c.kind for c in columns] == ["agency", "expert", "expert", "expert"]  # evaluation.expert_count = 3
    assert pools.conflicted.pk not in {c.expert_id for c in columns}
    draws = list(Draw.objects.for_target(ev))
    assert {d.pk for d in draws} == {ev.agency_draw_id, ev.expert_draw_id}
    assert all(d.is_revealed for d in draws)
    assert str(pools.conflicted.pk) in ev.expert_draw.inputs["exclusions"]
    assert ev.items == national().items
    # to-do items: the agency by organisation, each drawn expert in its own inbox
    assert TodoItem.objects.for_user(pools.agency_user).open().filter(object_id=ev.pk).count() == 1
    drawn_users = [u for u in pools.expert_users if u.pk in {c.user_id for c in columns}]
    for u in drawn_users:
        assert TodoItem.objects.for_user(u).open().filter(object_id=ev.pk).count() == 1
    assert TodoItem.objects.for_user(pools.conflicted_user).open().count() == 0

    # the agency takes a little off two items, within the spread: no reasons needed
    low = {0: {"A11": "2.5", "C11": "9"}}
    ev = score_all(ev, pools, scores=low)
    assert ev.status == Status.REVIEW
    assert TodoItem.objects.for_user(perf).open().filter(object_id=ev.pk, state=Status.REVIEW).count() == 1
    assert TodoItem.objects.filter(object_id=ev.pk, user__isnull=False, closed_at__isnull=True).count() == 0

    services.add_finding(perf, ev, "funds", "部分资金未按计划拨付", amount="120000")
    services.add_recommendation(perf, ev, "加快资金拨付进度", addressee="县教育局")
    with pytest.raises(services.KeyEvalError, match="请先填写综合评价结论"):
        services.take(perf, ev, "finish")
    ev = finish(world, ev)
    assert ev.status == Status.FINISHED
    # means: A11 (2.5, 3, 3, 3) → 2.875 → 2.88; C11 (9, 10, 10, 10) → 9.75; the rest full
    assert ev.total == Decimal("99.63")
    assert ev.grade == "优"
    assert ev.ruleset_label.startswith("全国默认")
    assert ev.finished_at is not None

    with pytest.raises(services.KeyEvalError, match="公开前须对第三方机构和专家进行质量评价"):
        services.take(perf, ev, "publish")
    for column in ev.evaluators.all():
        services.rate_evaluator(perf, ev, column.pk, 88, "按时完成")
    assert Rating.objects.filter(object_id=ev.pk).count() == 4
    services.take(perf, ev, "publish")
    ev.refresh_from_db()
    assert ev.status == Status.PUBLISHED and ev.published_at is not None


def test_spread_needs_a_reason_before_submitting(world):
    pools = Pools(world.county, n=3)
    perf = world.users["county"]["perf"]
    ev = plan(world)
    services.assign(perf, ev)
    ev.refresh_from_db()
    columns = list(ev.evaluators.order_by("kind", "position"))
    by_user = {u.pk: u for u in pools.expert_users}
    full = {leaf.code: {"score": str(leaf.weight), "evidence": "资料齐全"} for leaf in ev.leaves}
    for column in columns[:3]:
        user = pools.agency_user if column.kind == "agency" else by_user[column.user_id]
        services.save_scores(user, ev, full, evaluator_id=column.pk)
    last = columns[3]
    user = by_user[last.user_id]
    far = dict(full, B12={"score": "1", "evidence": "执行率低"})
    services.save_scores(user, ev, far, evaluator_id=last.pk)
    ev.refresh_from_db()
    assert ev.status == Status.SCORING
    with pytest.raises(services.ScoreError) as caught:
        services.submit_scores(user, ev, evaluator_id=last.pk)
    assert caught.value.errors == [
        "指标「B12 预算执行率」：打分 1 与其他评价人平均分 5 相差 4 分，超过允许幅度 1 分，请填写偏离说明。"]
    far["B12"]["reason"] = "核实发现执行率仅20%"
    services.save_scores(user, ev, far, evaluator_id=last.pk)
    services.submit_scores(user, ev, evaluator_id=last.pk)
    assert Evaluator.objects.get(pk=last.pk).submitted_at is not None


def test_score_errors_name_the_item(world):
    pools = Pools(world.county)
    perf = world.users["county"]["perf"]
    ev = plan(world)
    services.assign(perf, ev)
    column = ev.evaluators.get(kind="agency")
    with pytest.raises(services.ScoreError) as caught:
        services.save_scores(pools.agency_user, ev, {"A11": {"score": "4"}, "A12": {"score": "abc"},
                                                     "ZZ": {"score": "1"}, "B12": {"score": "1.234"}})
    assert caught.value.errors == ["指标「A11 立项依据充分性」：得分 4 应在0到分值 3 之间。",
                                   "指标「A12 立项程序规范性」：得分「abc」不是数字。",
                                   "指标编码「ZZ」不在本次评价的指标体系中。",
                                   "指标「B12 预算执行率」：得分最多保留两位小数。"]
    services.save_scores(pools.agency_user, ev, {"A11": {"score": "3"}})
    with pytest.raises(services.ScoreError) as caught:
        services.submit_scores(pools.agency_user, ev)
    assert "指标「A11 立项依据充分性」：请填写评分依据。" in caught.value.errors
    assert "指标「A12 立项程序规范性」尚未打分。" in caught.value.errors
    assert column.scores.count() == 1
    # an expert may not write the agency's column; the office may not score at all
    with pytest.raises(PermissionDenied):
        services.save_scores(pools.expert_users[0], ev, {"A11": {"score": "1"}}, evaluator_id=column.pk)
    with pytest.raises(PermissionDenied):
        services.save_scores(perf, ev, {"A11": {"score": "1"}})


def test_department_never_commissions_itself(world):
    perf = world.users["county"]["perf"]
    edu = world.orgs["county"]["edu"]
    with pytest.raises(services.KeyEvalError, match="不能委托对自身或本部门所属单位的评价"):
        plan(world, commissioning_org=edu)
    with pytest.raises(services.KeyEvalError, match="不能委托对自身"):
        services.plan(perf, world.county, 2025, "教育局部门整体支出评价", "department", [edu], national("department"),
                      commissioning_org=edu)
    assert not KeyEvaluation.objects.exists()


def test_plan_refusals(world):
    perf = world.users["county"]["perf"]
    with pytest.raises(PermissionDenied):
        plan(world, user=world.users["county"]["budget"])
    with pytest.raises(PermissionDenied):
        plan(world, level="sibling", user=perf)
    with pytest.raises(services.KeyEvalError, match="适用于部门整体评价"):
        services.plan(perf, world.county, 2025, "x", "project", [world.orgs["county"]["school"]],
                      national("department"), project_years=[world.projects["county"]["school"]])
    policy = services.plan(perf, world.county, 2025, "学生资助政策评价", "policy", [world.orgs["county"]["edu"]],
                           national("project"))
    assert services.default_framework(perf, "subdistrict", world.county) == national("department")
    assert policy.items == national("project").items
    with pytest.raises(services.KeyEvalError, match="适用于政府采购评价"):
        services.plan(perf, world.county, 2025, "x", "policy", [world.orgs["county"]["edu"]], national("procurement"))
    with pytest.raises(services.KeyEvalError, match="项目评价须指定被评价的项目年度"):
        services.plan(perf, world.county, 2025, "x", "project", [world.orgs["county"]["school"]], national())


def test_too_few_experts_is_refused_and_nothing_is_kept(world):
    Pools(world.county, n=2)
    perf = world.users["county"]["perf"]
    ev = plan(world)
    with pytest.raises(services.KeyEvalError, match="少于抽取数量3个"):
        services.assign(perf, ev)
    ev.refresh_from_db()
    assert ev.status == Status.PLANNED and not ev.evaluators.exists()
    assert not Draw.objects.for_target(ev).exists()


def test_return_reopens_scoring(world):
    pools = Pools(world.county)
    perf = world.users["county"]["perf"]
    ev = plan(world)
    services.assign(perf, ev)
    ev = score_all(ev, pools)
    with pytest.raises(services.KeyEvalError, match="必须填写意见"):
        services.take(perf, ev, "return")
    services.take(perf, ev, "return", comment="请补充评分依据")
    ev.refresh_from_db()
    assert ev.status == Status.SCORING
    assert not ev.evaluators.filter(submitted_at__isnull=False).exists()
    assert TodoItem.objects.filter(object_id=ev.pk, user__isnull=False, closed_at__isnull=True).count() == 3
