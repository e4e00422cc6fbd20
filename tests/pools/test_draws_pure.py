"""The pure draw module: reproducible from the record, exclusions honoured, every tampering caught."""

import copy
import datetime
import hashlib
import json

import pytest

from perfbudget.pools import draws

SEED = "3f" * 32


def _inputs(count=3, exclusions=None, n=8):
    candidates = [{"id": i, "name": f"机构{i}", "status": "approved", "fields": ["education"]} for i in range(1, n + 1)]
    context = {"purpose": "测试", "region": "640300"}
    return draws.canonical_inputs("agency", count, candidates, exclusions or {}, context)


def _record(inputs=None, seed=SEED):
    inputs = inputs or _inputs(exclusions={2: "未处于已入库状态。", 5: "与被评价单位存在关联关系。"})
    return draws.make_record(inputs, draws.inputs_hash(inputs), draws.sha256_hex(seed), seed,
                             draws.select(inputs, seed))


def test_select_is_the_documented_formula():
    inputs = _inputs(count=2, exclusions={1: "x"})
    digest = hashlib.sha256(json.dumps(inputs, ensure_ascii=False, sort_keys=True,
                                       separators=(",", ":")).encode()).hexdigest()
    ranks = sorted(range(2, 9), key=lambda i: hashlib.sha256(f"{SEED}:{digest}:{i}".encode()).hexdigest())
    assert draws.select(inputs, SEED) == ranks[:2]


def test_select_is_deterministic_and_depends_on_the_seed():
    inputs = _inputs(count=3)
    assert draws.select(inputs, SEED) == draws.select(copy.deepcopy(inputs), SEED)
    results = {tuple(draws.select(inputs, f"{s:064x}")) for s in range(20)}
    assert len(results) > 5


def test_exclusions_are_never_drawn():
    inputs = _inputs(count=5, exclusions={1: "a", 2: "b", 3: "c"})
    for s in range(30):
        assert set(draws.select(inputs, f"seed{s}")) == {4, 5, 6, 7, 8}


def test_too_few_eligible_is_a_chinese_error():
    with pytest.raises(draws.DrawError, match="符合条件的候选只有2个，少于抽取数量3个"):
        draws.select(_inputs(count=3, n=2), SEED)


def test_canonical_order_does_not_depend_on_the_given_order():
    a = [{"id": 2, "name": "乙", "status": "approved", "fields": ["b", "a"]},
         {"id": 1, "name": "甲", "status": "approved", "fields": []}]
    one = draws.canonical_inputs("expert", 1, a, {1: "x"})
    two = draws.canonical_inputs("expert", 1, list(reversed(a)), {"1": "x"})
    assert draws.inputs_hash(one) == draws.inputs_hash(two)
    assert one["candidates"][1]["fields"] == ["a", "b"]


def test_an_untouched_record_verifies_also_after_a_json_round_trip():
    record = json.loads(json.dumps(_record(), ensure_ascii=False))
    assert draws.verify(record) == (True, [])


def _set(path, value):
    def change(r):
        target = r
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value(target[path[-1]]) if callable(value) else value
    return change


TAMPERING = [
    ("candidate renamed", _set(("inputs", "candidates", 0, "name"), "别的机构"), "输入数据的哈希值与记录不符"),
    ("candidate removed", lambda r: r["inputs"]["candidates"].pop(), "输入数据的哈希值与记录不符"),
    ("exclusion added", _set(("inputs", "exclusions", "3"), "随意排除"), "输入数据的哈希值与记录不符"),
    ("exclusion dropped", lambda r: r["inputs"]["exclusions"].pop("2"), "输入数据的哈希值与记录不符"),
    ("count raised", _set(("inputs", "count"), 4), "与抽取数量4个不符"),
    ("seed replaced", _set(("seed",), "00" * 32), "种子的哈希值与抽取前公布的种子哈希值不符"),
    ("seed hash replaced", _set(("seed_hash",), "ab" * 32), "种子的哈希值与抽取前公布的种子哈希值不符"),
    ("result swapped", lambda r: r["result"].reverse(), "不一致"),
    ("result replaced", _set(("result",), [1, 3, 4]), "不一致"),
    ("excluded one in the result", _set(("result",), [2, 3, 4]), "是被排除的候选"),
    ("unknown id in the result", _set(("result",), [99, 3, 4]), "不在候选名单中"),
    ("result shortened", lambda r: r["result"].pop(), "与抽取数量3个不符"),
    ("inputs hash replaced", _set(("inputs_hash",), "cd" * 32), "输入数据的哈希值与记录不符"),
    ("seed withheld", _set(("seed",), ""), "随机种子尚未公开"),
    ("inputs missing", lambda r: r.pop("inputs"), "记录格式不完整"),
]


@pytest.mark.parametrize(("case", "tamper", "message"), TAMPERING, ids=[t[0] for t in TAMPERING])
def test_every_tampering_fails_verification(case, tamper, message):
    record = _record()
    tamper(record)
    ok, problems = draws.verify(record)
    assert not ok
    assert any(message in p for p in problems), problems


def test_recomputed_hash_after_tampering_still_fails():
    """Whoever edits the inputs and recomputes the hash changes the ranking: the stored result no longer replays."""
    for s in range(10):
        record = _record(seed=f"seed-{s}")
        drawn = record["result"][0]
        record["inputs"]["exclusions"][str(drawn)] = "事后排除"
        record["inputs_hash"] = draws.inputs_hash(record["inputs"])
        ok, problems = draws.verify(record)
        assert not ok and any("是被排除的候选" in p for p in problems)


TODAY = datetime.date(2026, 6, 30)


def _facts(**kw):
    base = {"id": 1, "name": "甲", "status": "approved", "fields": ["education", "health"]}
    return draws.CandidateFacts(**{**base, **kw})


def _ctx(**kw):
    base = {"subject_paths": ["/D1/D1-U1/"], "today": TODAY, "violation_years": 3}
    return draws.DrawContext(**{**base, **kw})


EXCLUSIONS = [
    ("eligible", _facts(), _ctx(), None),
    ("pending", _facts(status="pending"), _ctx(), "未处于已入库状态"),
    ("suspended", _facts(status="suspended"), _ctx(), "未处于已入库状态"),
    ("major violation within 3 years", _facts(major_violations=[datetime.date(2024, 1, 5)]), _ctx(), "3年内有重大违规"),
    ("major violation exactly 3 years ago", _facts(major_violations=[datetime.date(2023, 6, 30)]), _ctx(),
     "3年内有重大违规"),
    ("major violation older", _facts(major_violations=[datetime.date(2023, 6, 29)]), _ctx(), None),
    ("violation years from the rules", _facts(major_violations=[datetime.date(2022, 1, 1)]),
     _ctx(violation_years=5), "5年内有重大违规"),
    ("agency is the subject", _facts(own_path="/D1/D1-U1/"), _ctx(), "机构本身是被评价对象"),
    ("agency is the subject's department", _facts(own_path="/D1/"), _ctx(), "机构本身是被评价对象"),
    ("agency elsewhere", _facts(own_path="/AG1/"), _ctx(), None),
    ("expert employed by the subject", _facts(employer_path="/D1/D1-U1/"), _ctx(), "专家任职于被评价单位"),
    ("expert employed by the subject's department", _facts(employer_path="/D1/"), _ctx(), "专家任职于被评价单位"),
    ("expert employed by a unit under the subject department", _facts(employer_path="/D1/D1-U2/"),
     _ctx(subject_paths=["/D1/"]), "专家任职于被评价单位"),
    ("expert employed by a sibling unit", _facts(employer_path="/D1/D1-U2/"), _ctx(), None),
    ("tie with the subject", _facts(tie_paths=["/D1/D1-U1/"]), _ctx(), "存在关联关系"),
    ("tie with the parent department", _facts(tie_paths=["/D1/"]), _ctx(), "存在关联关系"),
    ("tie with a unit under the subject", _facts(tie_paths=["/D1/D1-U1/X/"]), _ctx(), "存在关联关系"),
    ("tie with an unrelated department", _facts(tie_paths=["/D2/"]), _ctx(), None),
    ("prefix of a code is not a tie", _facts(tie_paths=["/D1/D1-U1"]), _ctx(subject_paths=["/D1/D1-U10/"]), None),
    ("open conflict", _facts(conflicts=[("/D1/", None, None)]), _ctx(), "已申报与被评价单位存在利益冲突"),
    ("conflict in force", _facts(conflicts=[("/D1/D1-U1/", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))]),
     _ctx(), "利益冲突"),
    ("conflict expired", _facts(conflicts=[("/D1/D1-U1/", datetime.date(2020, 1, 1), datetime.date(2025, 12, 31))]),
     _ctx(), None),
    ("conflict not yet begun", _facts(conflicts=[("/D1/", datetime.date(2027, 1, 1), None)]), _ctx(), None),
    ("fields covered", _facts(), _ctx(required_fields=["education"]), None),
    ("field missing", _facts(), _ctx(required_fields=["education", "water"], field_labels={"water": "水利"}),
     "专业领域不含：水利"),
    ("several subjects, second tied", _facts(tie_paths=["/D9/"]), _ctx(subject_paths=["/D1/", "/D9/U/"]),
     "存在关联关系"),
    ("status checked before everything", _facts(status="removed", tie_paths=["/D1/"]), _ctx(), "未处于已入库状态"),
]


@pytest.mark.parametrize(("case", "facts", "ctx", "expected"), EXCLUSIONS, ids=[c[0] for c in EXCLUSIONS])
def test_exclusion_rules(case, facts, ctx, expected):
    reason = draws.exclusion_reason(facts, ctx)
    if expected is None:
        assert reason is None
    else:
        assert reason is not None and expected in reason, reason


def test_years_before_leap_day():
    assert draws.years_before(datetime.date(2028, 2, 29), 3) == datetime.date(2025, 2, 28)
