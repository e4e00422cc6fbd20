"""抽评 services: the draw (commit, reveal, rule-set share, refusals), verification of the stored record (and of a
tampered one), re-evaluators, re-scoring through the engine, the exchange sheet signatures, publishing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from perfbudget.core.models import TodoItem
from perfbudget.core.workflow import WorkflowError
from perfbudget.evaluation import sampling, services_spot
from perfbudget.evaluation.models import SpotCheck, SpotCheckItem, SpotCheckStatus
from perfbudget.pools import draws
from perfbudget.rulesets.services import revise

from .test_spot_fixtures import (
    drawn_batch,
    exchanging_batch,
    reviewing_batch,
    submitted_selfevals,
    unit_user,
)

pytestmark = pytest.mark.django_db


def test_commit_then_reveal(world):
    ses = submitted_selfevals(world)
    perf = world.users["county"]["perf"]
    sc = services_spot.commit_spot_check(perf, world.county, 2025, share="0.5")
    assert sc.status == SpotCheckStatus.COMMITTED and sc.seed == "" and sc.result == []
    assert sc.population_size == 3 and sc.sample_size == 2 and sc.share == Decimal("0.5")
    assert sc.seed_hash == draws.sha256_hex(sc.sealed_seed)
    assert {c["id"] for c in sc.inputs["population"]} == {s.pk for s in ses}
    # strata: department × project class × amount band, bands cut at the rule set's A/B amounts
    assert sc.amount_bounds == ["5000000", "1000000"]
    assert not SpotCheckItem.objects.filter(spot_check=sc).exists()
    sc = services_spot.reveal_spot_check(perf, sc)
    assert sc.status == SpotCheckStatus.DRAWN and sc.seed == sc.sealed_seed and len(sc.result) == 2
    items = list(sc.items.order_by("position"))
    assert [i.self_evaluation_id for i in items] == sc.result
    se = items[0].self_evaluation
    assert items[0].self_total == se.total_score and items[0].self_grade == se.grade
    assert len(items[0].review_rows) == se.rows.count()
    with pytest.raises(services_spot.SpotCheckError, match="不能再次公开"):
        services_spot.reveal_spot_check(perf, sc)


def test_stored_record_replays_and_a_tampered_one_fails(world):
    sc = drawn_batch(world, share="0.5")
    ok, problems, record = services_spot.verify_spot_check(sc)
    assert ok and problems == []
    assert sampling.verify(record) == (True, [])
    SpotCheck.objects.filter(pk=sc.pk).update(result=list(reversed(sc.result)))
    sc.refresh_from_db()
    ok, problems, _record = services_spot.verify_spot_check(sc)
    assert not ok and any("合并不一致" in p for p in problems)


def test_share_defaults_to_and_may_not_go_below_the_rule_set(world):
    submitted_selfevals(world)
    perf = world.users["county"]["perf"]
    revise(world.county, 2025, {"evaluation.spot_check_share": 0.4}, world.admin)
    with pytest.raises(services_spot.SpotCheckError, match="不得低于规则集规定的40%"):
        services_spot.commit_spot_check(perf, world.county, 2025, share="0.3")
    sc = services_spot.commit_spot_check(perf, world.county, 2025)
    assert sc.share == Decimal("0.4") and sc.sample_size == 2  # ceil(0.4 × 3)
    assert "640323/2025/v1" in sc.ruleset


def test_draw_refusals(world):
    perf = world.users["county"]["perf"]
    with pytest.raises(services_spot.SpotCheckError, match="没有已提交的单位自评表"):
        services_spot.commit_spot_check(perf, world.county, 2025)
    submitted_selfevals(world)
    with pytest.raises(PermissionDenied):
        services_spot.commit_spot_check(world.users["county"]["unit"], world.county, 2025)
    with pytest.raises(PermissionDenied):
        services_spot.commit_spot_check(world.users["sibling"]["perf"], world.county, 2025)
    with pytest.raises(services_spot.SpotCheckError, match="分层依据"):
        services_spot.commit_spot_check(perf, world.county, 2025, keys=["colour"])
    with pytest.raises(services_spot.SpotCheckError, match="抽评比例"):
        services_spot.commit_spot_check(perf, world.county, 2025, share="很多")
    services_spot.commit_spot_check(perf, world.county, 2025)
    with pytest.raises(services_spot.SpotCheckError, match="已有抽评批次"):
        services_spot.commit_spot_check(perf, world.county, 2025)


def test_drafts_are_not_in_the_population(world):
    from perfbudget.evaluation.choices import SelfEvalStatus
    from perfbudget.evaluation.models import SelfEvaluation

    ses = submitted_selfevals(world)
    SelfEvaluation.objects.filter(pk=ses[0].pk).update(status=SelfEvalStatus.DRAFT)
    assert set(services_spot.population(world.county, 2025)) == set(ses[1:])


def test_reviewers_are_bureau_staff_or_agencies_of_the_region(world):
    sc = drawn_batch(world)
    perf = world.users["county"]["perf"]
    items = list(sc.items.all())
    with pytest.raises(services_spot.SpotCheckError, match="复核人应为"):
        services_spot.assign_reviewer(perf, sc, items, world.users["county"]["unit"])
    with pytest.raises(services_spot.SpotCheckError, match="复核人应为"):
        services_spot.assign_reviewer(perf, sc, items, world.users["sibling"]["agency"])
    with pytest.raises(WorkflowError, match="未指定复核人"):
        services_spot.step(perf, sc, "start_review")
    assert services_spot.assign_reviewer(perf, sc, items[:1], world.users["county"]["funding"]) == 1
    assert services_spot.assign_reviewer(perf, sc, items[1:], world.users["county"]["agency"]) == 2
    services_spot.step(perf, sc, "start_review")
    sc.refresh_from_db()
    assert sc.status == SpotCheckStatus.REVIEWING
    # each re-evaluator finds the batch in the inbox
    for user, n in ((world.users["county"]["funding"], 1), (world.users["county"]["agency"], 2)):
        todo = TodoItem.objects.for_user(user).open().get(object_id=sc.pk, workflow="spot_check", user=user)
        assert f"（{n}个项目）" in todo.title


def test_rescore_runs_the_engine_and_compares_with_the_self_evaluation(world):
    sc = reviewing_batch(world)
    agency = world.users["county"]["agency"]
    item = sc.items.order_by("position").first()
    # unchanged actuals: the same score as the self-evaluation
    same = services_spot.rescore_item(agency, item)
    assert same.review_total == same.self_total and same.difference == Decimal("0.00")
    assert same.review_grade == same.self_grade and same.review_result["format"] == "perfbudget.selfeval/1"
    first = same.review_rows[0]
    target = Decimal(first["weight"])
    halved = services_spot.rescore_item(agency, same, {first["row"]: {"actual": "1600平方米"}},
                                        executed="600000", opinion="面积按验收单核定。")
    row = halved.review_rows[0]
    assert row["actual"] == "1600平方米" and row["self_actual"] == first["self_actual"]
    assert Decimal(row["score"]) < target
    assert halved.review_executed == Decimal("600000.00")
    assert halved.review_total < halved.self_total
    assert halved.difference == halved.review_total - halved.self_total
    assert halved.reviewer_opinion == "面积按验收单核定。"
    assert halved.review_result["funds"]["executed"] == 600000.0


def test_bad_review_entries_name_row_and_field_and_write_nothing(world):
    sc = reviewing_batch(world)
    agency = world.users["county"]["agency"]
    item = sc.items.order_by("position").first()
    rows = item.review_rows
    with pytest.raises(services_spot.SpotCheckError) as exc:
        services_spot.rescore_item(agency, item, {rows[0]["row"]: {"judgement": "1.5"},
                                                  rows[1]["row"]: {"judgement": "好"},
                                                  rows[2]["row"]: {"actual": "x" * 101}})
    errors = exc.value.errors
    assert [(e[0], str(e[1])) for e in errors] == [(1, "达成比例"), (2, "达成比例"), (3, "复核实际完成值")]
    with pytest.raises(services_spot.SpotCheckError, match="复核全年执行数"):
        services_spot.rescore_item(agency, item, executed="-5")
    item.refresh_from_db()
    assert item.review_total is None


def test_only_the_assigned_reviewer_or_the_office_rescores(world):
    sc = reviewing_batch(world, reviewer=world.users["county"]["funding"])
    item = sc.items.first()
    with pytest.raises(PermissionDenied):
        services_spot.rescore_item(world.users["county"]["agency"], item)
    with pytest.raises(PermissionDenied):
        services_spot.rescore_item(world.users["county"]["unit"], item)
    assert services_spot.rescore_item(world.users["county"]["perf"], item).review_total is not None


def test_exchange_needs_every_item_scored_and_signed(world):
    sc = reviewing_batch(world)
    perf, agency = world.users["county"]["perf"], world.users["county"]["agency"]
    with pytest.raises(WorkflowError, match="未完成复核评分"):
        services_spot.step(perf, sc, "exchange")
    item = sc.items.first()
    with pytest.raises(services_spot.SpotCheckError, match="先完成复核评分"):
        services_spot.sign_as_reviewer(agency, item, "意见")
    services_spot.rescore_item(agency, item)
    with pytest.raises(services_spot.SpotCheckError, match="复核意见"):
        services_spot.sign_as_reviewer(agency, item, "")
    signed = services_spot.sign_as_reviewer(agency, item, "同意自评结果。")
    assert signed.reviewer_signed_by == agency and signed.reviewer_signed_at
    # re-scoring after signing takes the signatures back
    SpotCheckItem.objects.filter(pk=signed.pk).update(unit_signed_at=signed.reviewer_signed_at, agreed=True)
    signed.refresh_from_db()
    again = services_spot.rescore_item(agency, signed)
    assert again.reviewer_signed_at is None and again.unit_signed_at is None and again.agreed is None


def test_units_sign_the_exchange_sheet_and_the_bureau_publishes(world):
    sc = exchanging_batch(world)
    perf = world.users["county"]["perf"]
    items = list(sc.items.order_by("position"))
    # the units are asked to sign
    unit = unit_user(items[0])
    assert TodoItem.objects.for_user(unit).open().filter(object_id=sc.pk, workflow="spot_check").exists()
    with pytest.raises(services_spot.SpotCheckError, match="须写明意见"):
        services_spot.sign_as_unit(unit, items[0], "", agreed=False)
    with pytest.raises(PermissionDenied):
        services_spot.sign_as_unit(world.users["sibling"]["unit"], items[0], "同意", agreed=True)
    signed = services_spot.sign_as_unit(unit, items[0], "", agreed=True)
    assert signed.agreed is True and signed.unit_opinion == "无异议。" and signed.unit_signed_by == unit
    with pytest.raises(services_spot.SpotCheckError, match="未签署签证单"):
        services_spot.publish(perf, sc, "总体较好。")
    for item in items[1:]:
        services_spot.sign_as_unit(unit_user(item), item, "面积含附属用房，请予考虑。", agreed="false")
    with pytest.raises(services_spot.SpotCheckError, match="抽评结论"):
        services_spot.publish(perf, sc, "  ")
    published = services_spot.publish(perf, sc, "抽评3个项目，自评质量总体较好。", {items[0].pk: "自评基本准确。"})
    assert published.status == SpotCheckStatus.PUBLISHED and published.published_by == perf
    conclusions = dict(SpotCheckItem.objects.filter(spot_check=sc).values_list("pk", "conclusion"))
    assert conclusions[items[0].pk] == "自评基本准确。"
    assert "复核得分" in conclusions[items[1].pk] and "单位自评得分" in conclusions[items[1].pk]


def test_comparison_rows_and_summary(world):
    sc = exchanging_batch(world)
    items = list(SpotCheckItem.objects.with_related().filter(spot_check=sc).order_by("position"))
    rows = services_spot.comparison(items)
    assert [r["id"] for r in rows] == [i.pk for i in items]
    for r, i in zip(rows, items, strict=True):
        assert r["self_total"] == i.self_total and r["review_total"] == i.review_total
        assert r["difference"] == i.review_total - i.self_total and r["reviewer_signed"]
    s = services_spot.summary(items)
    assert s["total"] == 3 and s["scored"] == 3 and s["reviewer_signed"] == 3 and s["unit_signed"] == 0
    assert s["mean_difference"] < 0


def test_changes_are_change_logged(world):
    from auditlog.models import LogEntry

    sc = reviewing_batch(world)
    item = sc.items.first()
    services_spot.rescore_item(world.users["county"]["agency"], item)
    entries = LogEntry.objects.get_for_object(item)
    assert entries.filter(actor=world.users["county"]["agency"]).exists()
    batch_entries = LogEntry.objects.get_for_object(sc)
    assert batch_entries.exists()
    assert all("sealed_seed" not in (e.changes or {}) for e in batch_entries)
