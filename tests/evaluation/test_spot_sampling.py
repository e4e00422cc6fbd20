"""抽评 sampling, pure: shares and rounding, allocation over strata (tiny strata, N = 0, 100%), stratum labels,
determinism, replay from the record through pools' draw verification, tampered records refused."""

import copy
import random
from collections import OrderedDict
from decimal import Decimal

import pytest

from perfbudget.evaluation import sampling
from perfbudget.pools import draws


@pytest.mark.parametrize(("share", "expected"), [
    ("0.1", Decimal("0.1")), (0.1, Decimal("0.1")), ("10%", Decimal("0.1")), ("10", Decimal("0.1")),
    ("12.5％", Decimal("0.125")), ("1", Decimal("1")), ("100%", Decimal("1")),
])
def test_share_spellings(share, expected):
    assert sampling.to_share(share) == expected


@pytest.mark.parametrize("share", ["0", "-0.1", "abc", "", None, "101%", "NaN"])
def test_bad_shares_are_refused_in_chinese(share):
    with pytest.raises(sampling.SamplingError, match="抽评比例"):
        sampling.to_share(share)


@pytest.mark.parametrize(("n_pop", "share", "n"), [
    (0, "0.1", 0), (1, "0.1", 1), (9, "0.1", 1), (10, "0.1", 1), (11, "0.1", 2), (140, "0.1", 14),
    (1400, "0.1", 140), (1401, "0.1", 141), (3, "1", 3), (7, "0.5", 4), (100, "0.15", 15), (3, "0.999", 3),
])
def test_sample_size_is_the_ceiling_of_share_times_n(n_pop, share, n):
    assert sampling.sample_size(n_pop, share) == n


@pytest.mark.parametrize(("sizes", "n", "expected"), [
    # proportional, exact
    ({"a": 50, "b": 30, "c": 20}, 10, {"a": 5, "b": 3, "c": 2}),
    # quotas 5.5, 3.3, 2.2: the largest remainder takes the eleventh
    ({"a": 50, "b": 30, "c": 20}, 11, {"a": 6, "b": 3, "c": 2}),
    # quotas 2.5, 2.5: the tie goes to the earlier stratum
    ({"a": 5, "b": 5}, 5, {"a": 3, "b": 2}),
    # tiny strata still get one when n allows; the others share the rest (quota of b 0.2, c 0.1 → 1 each)
    ({"a": 97, "b": 2, "c": 1}, 10, {"a": 8, "b": 1, "c": 1}),
    # two rounds: c and d fixed at one, then b's quota (2 × 9 / 30 = 0.6) drops below one too
    ({"a": 21, "b": 9, "c": 1, "d": 1}, 4, {"a": 1, "b": 1, "c": 1, "d": 1}),
    ({"a": 60, "b": 9, "c": 1, "d": 1}, 8, {"a": 5, "b": 1, "c": 1, "d": 1}),
    ({"a": 1, "b": 1, "c": 1}, 3, {"a": 1, "b": 1, "c": 1}),
    # n smaller than the number of strata: largest strata first, ties by order
    ({"a": 5, "b": 20, "c": 5, "d": 10}, 2, {"a": 0, "b": 1, "c": 0, "d": 1}),
    ({"a": 1, "b": 1, "c": 1, "d": 1}, 2, {"a": 1, "b": 1, "c": 0, "d": 0}),
    # N = 0 and empty strata
    ({}, 0, {}),
    ({"a": 0, "b": 4}, 1, {"a": 0, "b": 1}),
    # 100%: every stratum whole
    ({"a": 7, "b": 3, "c": 1}, 11, {"a": 7, "b": 3, "c": 1}),
    # n above N is clamped
    ({"a": 2}, 5, {"a": 2}),
])
def test_allocation(sizes, n, expected):
    got = sampling.allocate(OrderedDict(sizes), n)
    assert dict(got) == expected
    assert sum(got.values()) == min(n, sum(sizes.values()))
    assert all(got[k] <= sizes[k] for k in sizes)


def test_allocation_keeps_the_share_in_every_stratum_when_n_covers_them():
    rng = random.Random(7)
    for _ in range(500):
        sizes = OrderedDict((f"s{i}", rng.choice([1, 1, 2, 3, rng.randint(1, 80)])) for i in range(rng.randint(1, 15)))
        total = sum(sizes.values())
        share = Decimal(rng.choice(["0.1", "0.15", "0.2", "0.33", "0.5", "0.9", "1"]))
        n = sampling.sample_size(total, share)
        got = sampling.allocate(sizes, n)
        assert sum(got.values()) == n
        assert all(got[k] <= sizes[k] for k in sizes)
        if n >= len(sizes):
            assert all(c >= 1 for c in got.values())


@pytest.mark.parametrize(("amount", "label"), [
    (0, "<100万元"), ("999999.99", "<100万元"), (1_000_000, "100万–500万元"), ("4999999", "100万–500万元"),
    (5_000_000, "≥500万元"), (80_000_000, "≥500万元"),
])
def test_amount_bands_cut_at_the_stated_bounds(amount, label):
    assert sampling.amount_band(amount, ["5000000", "1000000"]) == label


def test_bounds_are_checked_and_ordered():
    assert sampling.check_bounds([1_000_000, "5000000", 1_000_000]) == ["5000000", "1000000"]
    with pytest.raises(sampling.SamplingError, match="金额分档界限"):
        sampling.check_bounds(["-1"])
    with pytest.raises(sampling.SamplingError, match="金额分档界限"):
        sampling.check_bounds(["五百万"])


def test_unknown_stratum_key_is_named():
    with pytest.raises(sampling.SamplingError, match="funding"):
        sampling.check_keys(["department", "funding"])
    assert sampling.check_keys(["amount_band", "department"]) == ["department", "amount_band"]


def population(n, seed=1):
    rng = random.Random(seed)
    return [{"id": i, "name": f"P{i:04d} 项目{i}", "department": f"D{i % 4}", "department_name": f"部门{i % 4}",
             "project_class": rng.choice(["specific", "operating", "personnel"]), "abc_class": rng.choice("ABC"),
             "amount": rng.choice([80_000, 1_500_000, 6_000_000])} for i in range(1, n + 1)]


def test_stratified_draw_of_140_projects_at_10_percent():
    inputs = sampling.build_inputs(population(140), "0.10", bounds=[5_000_000, 1_000_000])
    record = sampling.draw(inputs, "a" * 64)
    assert inputs["sample_size"] == 14 and len(record["result"]) == 14 == len(set(record["result"]))
    by_stratum = {e["stratum"]: e for e in record["strata"]}
    for e in record["strata"]:
        assert e["count"] <= e["size"]
        drawn = (e["draw"] or {}).get("result", [])
        assert len(drawn) == e["count"]
        members = {c["id"] for c in e["draw"]["inputs"]["candidates"]} if e["draw"] else set()
        assert set(drawn) <= members
    assert sum(e["size"] for e in by_stratum.values()) == 140
    assert sampling.verify(record) == (True, [])


def test_strata_follow_the_keys():
    inputs = sampling.build_inputs(population(30), "0.2", keys=["abc_class"])
    labels = [e["stratum"] for e in sampling.plan(inputs)]
    assert labels == ["A类", "B类", "C类"]
    inputs = sampling.build_inputs(population(30), "0.2", keys=[])
    assert [e["stratum"] for e in sampling.plan(inputs)] == ["全部"]


def test_draw_is_deterministic_and_depends_on_the_seed():
    inputs = sampling.build_inputs(population(60), "0.1")
    assert sampling.draw(inputs, "seed-1") == sampling.draw(copy.deepcopy(inputs), "seed-1")
    different = {tuple(sampling.draw(inputs, f"seed-{i}")["result"]) for i in range(8)}
    assert len(different) > 1


def test_candidate_order_does_not_change_the_sample():
    cands = population(50)
    shuffled = list(reversed(cands))
    a = sampling.draw(sampling.build_inputs(cands, "0.2"), "s")
    b = sampling.draw(sampling.build_inputs(shuffled, "0.2"), "s")
    assert a["result"] == b["result"] and a["inputs_hash"] == b["inputs_hash"]


def test_each_stratum_is_a_pools_draw_record_that_pools_verifies():
    record = sampling.draw(sampling.build_inputs(population(40), "0.25"), "s3cr3t")
    for e in record["strata"]:
        if e["draw"] is None:
            continue
        assert e["draw"]["format"] == draws.FORMAT
        assert e["draw"]["inputs"]["context"]["spot_check_inputs_hash"] == record["inputs_hash"]
        assert draws.verify(e["draw"]) == (True, [])
        # the ranking is the pools ranking: sha256(seed:inputs_hash:id)
        assert e["draw"]["result"] == draws.select(e["draw"]["inputs"], "s3cr3t")


def test_committed_record_hides_the_seed_and_reveal_checks_it():
    inputs = sampling.build_inputs(population(20), "0.1")
    committed = sampling.commit(inputs, "right")
    assert committed["seed"] == "" and committed["result"] == []
    assert committed["seed_hash"] == draws.sha256_hex("right")
    ok, problems = sampling.verify(committed)
    assert not ok and "随机种子尚未公开" in problems[-1]
    with pytest.raises(sampling.SamplingError):
        sampling.reveal(committed, "wrong")
    assert sampling.verify(sampling.reveal(committed, "right")) == (True, [])


def _tamper(record, how):
    r = copy.deepcopy(record)
    how(r)
    return r


def _first_drawn(r):
    return next(e for e in r["strata"] if e["draw"])


TAMPERINGS = {
    "population": (lambda r: r["inputs"]["population"].pop(), "输入的哈希值"),
    "share": (lambda r: r["inputs"].update(share="0.05"), "输入的哈希值"),
    "seed": (lambda r: r.update(seed="another"), "种子的哈希值"),
    "result": (lambda r: r.update(result=list(reversed(r["result"]))), "合并不一致"),
    "stratum result": (lambda r: _first_drawn(r)["draw"].update(result=[999999]), "不在候选名单"),
    "stratum count": (lambda r: _first_drawn(r).update(count=_first_drawn(r)["count"] + 1), "层应有"),
    "stratum inputs": (lambda r: _first_drawn(r)["draw"]["inputs"]["candidates"].pop(), "抽取输入"),
    "sample size": (lambda r: r["inputs"].update(sample_size=1), "抽评数量应为"),
    "broken": (lambda r: r.pop("strata"), "记录格式不完整"),
}


@pytest.mark.parametrize("name", TAMPERINGS)
def test_a_tampered_record_fails_verification(name):
    record = sampling.draw(sampling.build_inputs(population(80), "0.1"), "seed")
    how, message = TAMPERINGS[name]
    ok, problems = sampling.verify(_tamper(record, how))
    assert not ok
    assert any(message in p for p in problems), problems


def test_zero_population_and_whole_population():
    empty = sampling.draw(sampling.build_inputs([], "0.1"), "s")
    assert empty["result"] == [] and empty["strata"] == [] and sampling.verify(empty) == (True, [])
    cands = population(9)
    everything = sampling.draw(sampling.build_inputs(cands, "100%"), "s")
    assert sorted(everything["result"]) == [c["id"] for c in cands]
    assert sampling.verify(everything) == (True, [])


def test_duplicate_ids_and_bad_amounts_are_refused():
    with pytest.raises(sampling.SamplingError, match="重复"):
        sampling.build_inputs([{"id": 1, "amount": 1}, {"id": 1, "amount": 2}], "0.1")
    with pytest.raises(sampling.SamplingError, match="金额"):
        sampling.build_inputs([{"id": 1, "amount": "很多"}], "0.1")
