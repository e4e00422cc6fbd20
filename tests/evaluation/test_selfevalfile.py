"""Reading perfbudget.selfeval/1: lenient with what real tables print, precise about what it cannot read."""

import json
from pathlib import Path

import pytest

from perfbudget.evaluation.selfevalfile import FormatError, load, normalise_grade
from perfbudget.goals.goalfile import FormatError as GoalFormatError

EXAMPLES = Path(__file__).resolve().parent / "examples"  # copies of shared/formats/examples


def doc(rows=None, **extra):
    out = {"format": "perfbudget.selfeval/1", "project": {"name": "示例项目", "year": 2024},
           "funds": {"full_year": 100, "executed": 90},
           "indicators": rows if rows is not None else [
               {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "target": "≥500人次",
                "actual": "520人次", "weight": 20}]}
    out.update(extra)
    return out


def one(**fields):
    row = {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "target": "≥500人次", "actual": "520人次"}
    row.update(fields)
    return load(doc([row]))["indicators"][0]


@pytest.mark.parametrize("name", ["selfeval_clean.json", "selfeval_audit.json", "selfeval_province_rules.json"])
def test_examples_load_and_load_is_idempotent(name):
    raw = (EXAMPLES / name).read_bytes()
    table = load(raw)
    assert table["format"] == "perfbudget.selfeval/1" and table["indicators"]
    assert load(table) == table
    assert load(json.loads(json.dumps(table, ensure_ascii=False))) == table


def test_encodings():
    text = json.dumps(doc(), ensure_ascii=False)
    expected = load(text)
    assert load(text.encode("utf-8")) == expected
    assert load(b"\xef\xbb\xbf" + text.encode("utf-8")) == expected
    assert load(text.encode("gb18030")) == expected
    assert load("\ufeff" + text) == expected


def test_format_error_is_the_goal_one():
    assert issubclass(FormatError, GoalFormatError) or FormatError is GoalFormatError


@pytest.mark.parametrize(("level1", "level2", "want1", "want2"), [
    ("产出指标(50分)", "数量指标", "产出指标", "数量指标"),
    ("产出指标（50分）", "（一）数量", "产出指标", "数量指标"),
    ("一、效益指标", "社会效益", "效益指标", "社会效益指标"),
    ("满意度", "满意度", "满意度指标", "服务对象满意度指标"),
    ("", "质量指标", "产出指标", "质量指标"),
    ("效果指标", None, "效益指标", ""),
])
def test_level_labels(level1, level2, want1, want2):
    row = one(level1=level1, level2=level2)
    assert (row["level1"], row["level2"]) == (want1, want2)


@pytest.mark.parametrize(("printed", "weight"), [
    (20, 20), ("20", 20), ("20分", 20), ("２０", 20), (" 20 分 ", 20), (12.5, 12.5), ("", None), (None, None),
])
def test_weights(printed, weight):
    assert one(weight=printed)["weight"] == weight


@pytest.mark.parametrize(("printed", "claimed"), [(19.5, 19.5), ("19.5分", 19.5), ("１９．５", 19.5), ("", None)])
def test_claimed_scores_as_text(printed, claimed):
    assert one(claimed_score=printed)["claimed_score"] == claimed


@pytest.mark.parametrize(("printed", "share"), [
    (0.85, 0.85), ("0.85", 0.85), ("85%", 0.85), ("85％", 0.85), (85, 0.85), (1, 1), (0, 0), (None, None),
])
def test_judgement(printed, share):
    assert one(judgement=printed)["judgement"] == pytest.approx(share) if share is not None else (
        one(judgement=printed)["judgement"] is None)


@pytest.mark.parametrize(("fields", "applicable"), [
    ({}, True), ({"applicable": False}, False), ({"applicable": "否"}, False), ({"applicable": "不适用"}, False),
    ({"applicable": True}, True), ({"applicable": "是"}, True), ({"actual": "不适用"}, False),
    ({"actual": "不涉及"}, False), ({"actual": " 不适用 "}, False),
])
def test_applicable(fields, applicable):
    assert one(**fields)["applicable"] is applicable


def test_total_rows_dropped_and_kept_aside():
    table = load(doc([
        {"level1": "产出指标", "name": "培训人次", "target": "≥500人次", "actual": "520人次", "weight": 90},
        {"level1": "合计", "name": "", "weight": "100", "claimed_score": "98分"},
        {"name": "总计", "level1": "", "weight": 100},
    ]))
    assert len(table["indicators"]) == 1 and table["dropped"] == [1, 2]
    assert table["total_row"] == {"weight": 100, "claimed_score": 98}
    assert table["indicators"][0]["index"] == 0


def test_index_is_the_input_position():
    table = load(doc([
        {"level1": "合计", "name": "合计"},
        {"level1": "产出指标", "name": "培训人次", "target": "≥500人次", "actual": "520人次"},
    ]))
    assert table["indicators"][0]["index"] == 1


@pytest.mark.parametrize(("funds", "want"), [
    ({"full_year": 130, "executed": 120, "money_unit": "万元"},
     {"full_year": 130, "executed": 120, "money_unit": "万元"}),
    ({"full_year": "130万元", "executed": "1,200,000元", "money_unit": "万元"},
     {"full_year": 130, "executed": 120, "money_unit": "万元"}),
    ({"full_year": "130万元", "executed": "120万元"}, {"full_year": 130, "executed": 120, "money_unit": "万元"}),
    ({"full_year": "1300000", "executed": "1,200,000", "money_unit": "元"},
     {"full_year": 1300000, "executed": 1200000, "money_unit": "元"}),
    ({"full_year": "0.013亿元", "executed": "120万元", "money_unit": "万元"},
     {"full_year": 130, "executed": 120, "money_unit": "万元"}),
    ({"full_year": "１３０", "executed": 120}, {"full_year": 130, "executed": 120, "money_unit": ""}),
    ({}, {"full_year": None, "executed": None, "initial": None, "weight": None, "claimed_score": None}),
    ({"weight": "10分", "claimed_score": "9.5分", "reason": "年底资金下达较晚"},
     {"weight": 10, "claimed_score": 9.5, "reason": "年底资金下达较晚"}),
    ({"deviation_note": "项目跨年"}, {"reason": "项目跨年"}),
])
def test_funds(funds, want):
    got = load(doc(funds=funds))["funds"]
    for key, value in want.items():
        assert got[key] == value, (key, got)


@pytest.mark.parametrize(("printed", "grade"), [
    ("优", "优"), ("优秀", "优"), ("良好", "良"), ("良", "良"), ("中", "中"), ("合格", "中"), ("差", "差"),
    ("不合格", "差"), (" 优秀 ", "优"), ("A", "优"), (None, ""), ("", ""),
])
def test_claimed_grade(printed, grade):
    assert load(doc(claimed_grade=printed))["claimed_grade"] == grade
    assert normalise_grade(printed) == grade


def test_claimed_total_and_year_as_text():
    table = load(doc(claimed_total="96.5分", project={"name": "示例", "year": "2024年"}))
    assert table["claimed_total"] == 96.5 and table["project"]["year"] == 2024


@pytest.mark.parametrize(("document", "field", "reason"), [
    (b"\xff\xfe\x00garbage{", "$", ""),
    ("{", "$", "不是有效的 JSON"),
    ("[]", "$", "应为一个 JSON 对象"),
    ({"indicators": []}, "format", "缺少格式标识"),
    ({"format": "perfbudget.goals/1", "indicators": []}, "format", "不支持的格式"),
    ({"format": "perfbudget.selfeval/1"}, "indicators", "缺少指标列表"),
    (doc("x"), "indicators", "应为列表"),
    (doc(["x"]), "indicators[0]", "应为对象"),
    (doc([{"level1": "产出指标", "name": "培训人次", "weight": "二十分"}]), "indicators[0].weight",
     "分值“二十分”不是数字"),
    (doc([{"level1": "产出指标", "name": "培训人次", "weight": 120}]), "indicators[0].weight", "应在0到100之间"),
    (doc([{"level1": "产出指标", "name": "培训人次", "weight": True}]), "indicators[0].weight", "分值应为数字"),
    (doc([{"level1": "产出指标", "name": "培训人次", "claimed_score": -1}]), "indicators[0].claimed_score",
     "应在0到100之间"),
    (doc([{"level1": "产出指标", "name": "培训人次", "judgement": 1.5}]), "indicators[0].judgement", "0到1之间"),
    (doc([{"level1": "产出指标", "name": "培训人次", "judgement": "很好"}]), "indicators[0].judgement", "不是数字"),
    (doc([{"level1": "产出指标", "name": "培训人次", "applicable": "也许"}]), "indicators[0].applicable", "是/否"),
    (doc([{"level1": "", "name": "培训人次"}]), "indicators[0].level1", "缺少一级指标"),
    (doc([{"level1": "产出指标", "name": ""}]), "indicators[0].name", "缺少三级指标名称"),
    (doc([{"level1": "产出指标", "name": "培训人次", "target": ["≥500"]}]), "indicators[0].target", "应为文字或数字"),
    (doc(funds=[1]), "funds", "应为对象"),
    (doc(funds={"full_year": "很多"}), "funds.full_year", "不是数字"),
    (doc(funds={"executed": -3}), "funds.executed", "不能为负数"),
    (doc(funds={"money_unit": "美金"}), "funds.money_unit", "不认识"),
    (doc(funds={"weight": 200}), "funds.weight", "应在0到100之间"),
    (doc(claimed_grade="很好"), "claimed_grade", "不是优、良、中、差之一"),
    (doc(claimed_grade=90), "claimed_grade", "应为文字"),
    (doc(claimed_total="九十分"), "claimed_total", "不是数字"),
    (doc(project={"year": 3000}), "project.year", "不是有效的年份"),
    (doc(rules=[1]), "rules", "应为对象"),
])
def test_errors_name_the_field(document, field, reason):
    with pytest.raises(FormatError) as exc:
        load(document)
    assert exc.value.field == field
    assert reason in exc.value.reason
    assert str(exc.value).startswith(f"{field}: ")


SHARED = Path(__file__).resolve().parents[3] / "shared" / "formats" / "examples"


@pytest.mark.skipif(not SHARED.exists(), reason="shared/formats/examples is not beside the project")
def test_example_copies_match_the_shared_ones():
    shared = sorted(SHARED.glob("selfeval_*.json"))
    assert [p.name for p in shared] == sorted(p.name for p in EXAMPLES.glob("selfeval_*.json"))
    assert all((EXAMPLES / p.name).read_bytes() == p.read_bytes() for p in shared)
