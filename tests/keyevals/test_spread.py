"""Evaluator spread: the flag table and the reason guard."""

from decimal import Decimal as D

import pytest

from perfbudget.keyevals import spread

WEIGHTS = {"A11": D(10), "A12": D(5)}


@pytest.mark.parametrize(("scores", "share", "expected"), [
    # four evaluators, one far off: 4 vs the others' mean 9 → 5 > 2 (20% of 10); 9 vs mean(9, 9, 4) → 1.67
    ({"e1": {"A11": 9}, "e2": {"A11": 9}, "e3": {"A11": 9}, "e4": {"A11": 4}}, "0.2", [("e4", "A11", "9")]),
    # three evaluators: 5 vs 9 → 4 flagged; 9 vs mean(9, 5) = 7 → 2, not over the limit
    ({"e1": {"A11": 9}, "e2": {"A11": 9}, "e3": {"A11": 5}}, "0.2", [("e3", "A11", "9")]),
    # with three, the far one drags the others over too: 9 vs mean(9, 4) = 6.5 → 2.5
    ({"e1": {"A11": 9}, "e2": {"A11": 9}, "e3": {"A11": 4}}, "0.2",
     [("e1", "A11", "6.5"), ("e2", "A11", "6.5"), ("e3", "A11", "9")]),
    # exactly at the limit is not flagged: 8 vs mean 10 → 2 = 2
    ({"e1": {"A11": 10}, "e2": {"A11": 8}}, "0.2", []),
    # just over the limit
    ({"e1": {"A11": "10"}, "e2": {"A11": "7.99"}}, "0.2", [("e1", "A11", "7.99"), ("e2", "A11", "10")]),
    # a wider share tolerates it
    ({"e1": {"A11": 10}, "e2": {"A11": 7}}, "0.3", []),
    # one evaluator only: nothing to compare
    ({"e1": {"A11": 0}}, "0.2", []),
    # missing scores are skipped, the small item has its own limit (1 point)
    ({"e1": {"A11": 8, "A12": 5}, "e2": {"A11": 8, "A12": "3.9"}, "e3": {"A12": None}}, "0.2",
     [("e1", "A12", "3.9"), ("e2", "A12", "5")]),
    # items outside the weights are ignored
    ({"e1": {"Z": 0}, "e2": {"Z": 100}}, "0.2", []),
])
def test_flags(scores, share, expected):
    found = spread.flags(scores, WEIGHTS, D(share))
    assert sorted((f.evaluator, f.item_code, format(f.others_mean.normalize(), "f")) for f in found) == expected


def test_flag_with_others_mean_and_limit():
    [flag] = spread.flags({"a": {"A11": 9}, "b": {"A11": 9}, "c": {"A11": 9}, "d": {"A11": 4}}, WEIGHTS, D("0.2"))
    assert (flag.evaluator, flag.score, flag.others_mean, flag.limit, flag.difference) == ("d", 4, 9, 2, 5)


def test_missing_reasons_names_the_item():
    found = spread.flags({"a": {"A11": 9}, "b": {"A11": 9}, "c": {"A11": 9}, "d": {"A11": 4}}, WEIGHTS, D("0.2"))
    names = {"A11": "立项依据充分性"}
    assert spread.missing_reasons(found, {}, names) == [
        "指标「A11 立项依据充分性」：打分 4 与其他评价人平均分 9 相差 5 分，超过允许幅度 2 分，请填写偏离说明。"]
    assert spread.missing_reasons(found, {"A11": "  "}, names) != []
    assert spread.missing_reasons(found, {"A11": "现场核查发现资料缺失"}, names) == []


def test_means_and_total():
    scores = {"a": {"A11": D("9"), "A12": D("4")}, "b": {"A11": D("8"), "A12": D("5")}, "c": {"A11": D("8")}}
    means = spread.item_means(scores, ["A11", "A12", "A13"])
    assert means == {"A11": D("8.33"), "A12": D("4.50")}
    assert spread.total_of(means) == D("12.83")
