"""统一社会信用代码 check characters and the drop-the-lowest ranking, as tables."""

from decimal import Decimal

import pytest

from perfbudget.pools import ranking
from perfbudget.pools.creditcode import problem

# GB 32100-2015, 7.3: the check character is 31 − (Σ Ci·Wi mod 31) over the 31-character set, 31 counting as 0.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
STANDARD_WEIGHTS = [3 ** i % 31 for i in range(17)]


def check_char(body):
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, STANDARD_WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def test_the_weights_are_powers_of_three():
    assert STANDARD_WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


BODIES = ["91110000100000589", "91640300MA76XK2L0", "12640000455807382", "52640300000000001", "Y1640000000000000"]


@pytest.mark.parametrize("body", BODIES)
def test_valid_codes_pass(body):
    assert problem(body + check_char(body)) is None
    assert problem((body + check_char(body)).lower()) is None  # typed in lower case


@pytest.mark.parametrize("body", BODIES)
def test_a_wrong_check_character_is_refused(body):
    right = check_char(body)
    wrong = next(c for c in "0A1B" if c != right)
    assert "校验位错误" in problem(body + wrong)
    assert f"应为「{right}」" in problem(body + wrong)


def test_a_changed_digit_is_caught():
    body = BODIES[0]
    code = body + check_char(body)
    changed = code[:5] + ("1" if code[5] != "1" else "2") + code[6:]
    assert "校验位错误" in problem(changed)


@pytest.mark.parametrize(("code", "message"), [
    ("", "应为18位，当前为0位"),
    ("9111000010000058", "应为18位，当前为16位"),
    ("91110000100000589B1", "应为18位，当前为19位"),
    ("91110000I00000589B", "不允许的字符「I」"),
    ("9111000010000058OB", "不允许的字符「O」"),
    ("91110000-00000589B", "不允许的字符「-」"),
])
def test_malformed_codes(code, message):
    assert message in problem(code)


def _entries(*averages_and_jobs):
    return [{"id": i, "name": f"N{i:02d}", "scores": [avg] * jobs}
            for i, (avg, jobs) in enumerate(averages_and_jobs, 1)]


RANKING = [
    # (case, entries, min_ratings, min_rating, share, expected {id: (rank, reasons)})
    ("nobody below, share floors to zero", _entries((90, 2), (80, 2), (70, 2)), 2, 60, "0.10",
     {1: (1, ()), 2: (2, ()), 3: (3, ())}),
    ("below the floor", _entries((90, 2), (55, 3)), 2, 60, "0.10", {1: (1, ()), 2: (2, ("below_min",))}),
    ("lowest ten percent of ten", _entries(*[(90 - i, 2) for i in range(10)]), 2, 60, "0.10",
     {10: (10, ("lowest_share",)), 9: (9, ())}),
    ("lowest share and below", _entries(*[(95 - 5 * i, 2) for i in range(10)]), 2, 60, "0.20",
     {10: (10, ("below_min", "lowest_share")), 9: (9, ("below_min", "lowest_share")), 8: (8, ()), 1: (1, ())}),
    ("ties at the cut share the fate", _entries(*[(90, 2)] * 7, (70, 2), (70, 2), (70, 2)), 2, 60, "0.10",
     {8: (8, ("lowest_share",)), 9: (8, ("lowest_share",)), 10: (8, ("lowest_share",)), 1: (1, ())}),
    ("too few ratings: not ranked, never dropped", _entries((40, 1), (90, 2)), 2, 60, "0.50",
     {1: (None, ()), 2: (1, ())}),
    ("half of two", _entries((90, 3), (85, 3)), 2, 60, "0.50", {1: (1, ()), 2: (2, ("lowest_share",))}),
    ("exactly the floor is not below it", _entries((60, 2)), 2, 60, "0", {1: (1, ())}),
    ("no ratings at all", _entries((0, 0)), 1, 60, "0.1", {1: (None, ())}),
]


@pytest.mark.parametrize(("case", "entries", "min_ratings", "min_rating", "share", "expected"), RANKING,
                         ids=[c[0] for c in RANKING])
def test_ranking(case, entries, min_ratings, min_rating, share, expected):
    rows = {r.id: r for r in ranking.rank(entries, min_ratings, Decimal(min_rating), Decimal(share))}
    for pk, (rank, reasons) in expected.items():
        assert (rows[pk].rank, rows[pk].reasons) == (rank, reasons), pk


def test_average_is_rounded_half_up():
    assert ranking.average([Decimal("80"), Decimal("85.005"), Decimal("90")]) == Decimal("85.00")
    assert ranking.average([Decimal("70.125"), Decimal("70.12")]) == Decimal("70.12")
    assert ranking.average(["88.5", "88.5"]) == Decimal("88.50")
    assert ranking.average([]) is None


def test_ranked_first_best_first_then_unranked_by_name():
    rows = ranking.rank([{"id": 1, "name": "乙", "scores": [70, 70]}, {"id": 2, "name": "甲", "scores": [80]},
                         {"id": 3, "name": "丙", "scores": [95, 85]}], 2, 60, 0)
    assert [r.id for r in rows] == [3, 1, 2]


def test_the_often_quoted_example_has_check_character_a():
    assert check_char("91110000100000589") == "A"
    assert problem("91110000100000589A") is None
    assert "应为「A」" in problem("91110000100000589B")
