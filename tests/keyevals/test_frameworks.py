"""Framework validation: every error fires and names the item; the shipped templates validate."""

import copy
import json
from decimal import Decimal

import pytest

from perfbudget.keyevals import frameworks
from perfbudget.keyevals.shipped import FOLDER, shipped_templates


def leaf(code, name, weight):
    return {"code": code, "name": name, "weight": weight, "standard": "按完成程度得分。"}


def tree(decision=15, process=20, output=35, benefit=30):
    """A small valid project framework with the given level-one weights."""
    def block(code, name, weight):
        half = Decimal(weight) / 2
        rest = str(Decimal(weight) - half)
        return {"code": code, "name": name, "weight": weight, "children": [
            {"code": f"{code}1", "name": f"{name}二级", "weight": weight, "children": [
                leaf(f"{code}11", f"{name}甲", str(half)), leaf(f"{code}12", f"{name}乙", rest)]}]}
    return [block("A", "决策", decision), block("B", "过程", process), block("C", "产出", output),
            block("D", "效益", benefit)]


def test_small_tree_is_valid():
    assert frameworks.validate(tree(), "project") == []


def _mutate(fn):
    items = tree()
    fn(items)
    return items


CASES = [
    ("leaf sum", lambda t: t[0]["children"][0]["children"][0].update(weight="10"), "project",
     ["「决策 / 决策二级」：分值 15 不等于下级指标分值之和 17.5。", "末级指标分值合计为 102.5，应为100。"]),
    ("parent sum", lambda t: t[1].update(weight=25), "project", ["「过程」：分值 25 不等于下级指标分值之和 20。"]),
    ("empty name", lambda t: t[2]["children"][0]["children"][1].update(name=""), "project",
     ["「产出 / 产出二级 / 第2项」：指标名称不能为空。"]),
    ("duplicate code", lambda t: t[3]["children"][0]["children"][1].update(code="A11"), "project",
     ["「效益 / 效益二级 / 效益乙」：指标编码「A11」与「决策 / 决策二级 / 决策甲」重复。"]),
    ("weight not a number", lambda t: t[0]["children"][0]["children"][1].update(weight="七"), "project",
     ["「决策 / 决策二级 / 决策乙」：分值「七」不是数字。", "「决策 / 决策二级」：分值 15 不等于下级指标分值之和 7.5。",
      "末级指标分值合计为 92.5，应为100。"]),
    ("negative weight", lambda t: t[0]["children"][0]["children"][1].update(weight=-1), "project",
     ["「决策 / 决策二级 / 决策乙」：分值必须大于0。", "「决策 / 决策二级」：分值 15 不等于下级指标分值之和 6.5。",
      "末级指标分值合计为 91.5，应为100。"]),
    ("level one without children", lambda t: t[0].pop("children"), "project",
     ["「决策」：一级指标下至少要有一个二级指标。"]),
    ("four levels", lambda t: t[0]["children"][0]["children"][0].update(children=[leaf("X", "四级", "7.5")]),
     "project", ["「决策 / 决策二级 / 决策甲」：指标体系最多三级。"]),
    ("unknown level-one name", lambda t: t[0].update(name="投入"), "project",
     ["一级指标「投入」不在项目（政策）评价的一级指标（决策、过程、产出、效益）之中。", "缺少一级指标「决策」。"]),
    ("duplicate sibling names", lambda t: t[1].update(name="决策"), "policy",
     ["「决策」：同一级下指标名称重复。", "缺少一级指标「过程」。"]),
]


@pytest.mark.parametrize(("label", "change", "kind", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_error_fires(label, change, kind, expected):
    errors = frameworks.validate(_mutate(change), kind)
    for message in expected:
        assert message in errors
    assert len(errors) == len(expected), errors


@pytest.mark.parametrize(("weights", "floor", "ok"), [
    ((15, 20, 35, 30), 60, True),  # 65
    ((25, 20, 30, 25), 60, False),  # 55
    ((20, 20, 30, 30), 60, True),  # exactly 60
    ((20, 20, 30, 30), 61, False),
])
def test_output_benefit_floor(weights, floor, ok):
    errors = frameworks.validate(tree(*weights), "project", floor)
    assert (errors == []) is ok
    if not ok:
        assert errors == [f"产出、效益指标分值合计 {weights[2] + weights[3]}，低于规定下限 {floor} 分。"]


def dept(names, weights):
    return [{"code": f"K{i}", "name": n, "weight": w, "children": [leaf(f"K{i}1", f"{n}指标", w)]}
            for i, (n, w) in enumerate(zip(names, weights, strict=True))]


@pytest.mark.parametrize(("names", "weights", "expected"), [
    (("投入", "过程", "产出", "效果"), (15, 25, 30, 30), []),
    (("投入", "过程", "产出", "效果"), (25, 25, 25, 25), ["产出、效果指标分值合计 50，低于规定下限 60 分。"]),
    (("运行成本", "管理效率", "履职效能", "社会效应", "可持续发展能力", "满意度"), (10, 20, 30, 20, 10, 10), []),
    (("运行成本", "管理效率", "履职效能", "社会效应", "可持续发展能力", "满意度"), (20, 25, 25, 15, 10, 5),
     ["履职效能、社会效应、满意度指标分值合计 45，低于规定下限 60 分。"]),
    (("投入", "管理效率", "产出", "效果"), (15, 25, 30, 30),
     ["部门整体（街道）评价的一级指标须全部取自「投入、过程、产出、效果」或「运行成本、管理效率、履职效能、社会效应、"
      "可持续发展能力、满意度」之一，不能混用；当前为：投入、管理效率、产出、效果。"]),
])
def test_department_families(names, weights, expected):
    assert frameworks.validate(dept(names, weights), "department") == expected
    assert frameworks.validate(dept(names, weights), "subdistrict") == expected


def test_procurement_has_no_fixed_names_or_floor():
    assert frameworks.validate(dept(("采购管理", "采购执行", "采购结果"), (40, 40, 20)), "procurement") == []


def test_empty_framework():
    assert frameworks.validate([], "project") == ["指标体系没有任何一级指标。"]


def test_shipped_templates_validate():
    docs = {d["code"]: d for d in shipped_templates()}
    assert set(docs) == {"national-project", "national-department", "national-procurement"}
    for doc in docs.values():
        assert frameworks.validate(doc["items"], doc["kind"]) == []
        assert all(leaf.standard and leaf.explanation for leaf in frameworks.leaves(doc["items"]))
    assert frameworks.level3_count(docs["national-procurement"]["items"]) == 17
    project = docs["national-project"]["items"]
    assert [n["name"] for n in project] == ["决策", "过程", "产出", "效益"]
    assert frameworks.block_weights(project) == {"决策": 15, "过程": 20, "产出": 35, "效益": 30}
    names = {leaf.name for leaf in frameworks.leaves(project)}
    assert {"立项依据充分性", "资金到位率", "预算执行率", "资金使用合规性", "服务对象满意度", "可持续影响"} <= names
    assert [n["name"] for n in docs["national-department"]["items"]] == ["投入", "过程", "产出", "效果"]


def test_flatten_and_build_round_trip():
    items = json.loads((FOLDER / "national-project.json").read_text(encoding="utf-8"))["items"]
    rebuilt, errors = frameworks.build_tree(frameworks.flatten(items))
    assert errors == []
    assert rebuilt == items


def test_build_tree_errors_name_rows():
    rows = [{"level": 2, "code": "A1", "name": "孤儿", "weight": 5}, {"level": "x", "code": "B", "name": "坏"},
            {"level": 1, "code": "C", "name": "决策", "weight": "5.5"}]
    items, errors = frameworks.build_tree(rows)
    assert errors == ["第 1 行「孤儿」：缺少上一级指标。", "第 2 行：级次必须是1、2或3。"]
    assert items == [{"code": "C", "name": "决策", "weight": "5.5"}]


def test_weights_are_exact_decimals():
    items = copy.deepcopy(tree())
    assert sum(frameworks.weights(items).values()) == Decimal(100)


@pytest.mark.django_db
def test_migration_loaded_templates_and_sync_versions_changes(monkeypatch):
    from perfbudget.keyevals import shipped
    from perfbudget.keyevals.models import EvaluationFramework

    shipped.sync_national_frameworks()  # a flushing test may have emptied the table; the migration loaded them
    assert shipped.sync_national_frameworks() == 0  # idempotent
    national = EvaluationFramework.objects.filter(owner_region__isnull=True)
    assert sorted(national.values_list("kind", flat=True)) == ["department", "procurement", "project"]
    docs = shipped_templates()
    changed = copy.deepcopy(docs)
    changed[0]["name"] += "（修订）"
    monkeypatch.setattr(shipped, "shipped_templates", lambda: changed)
    assert shipped.sync_national_frameworks() == 1
    rows = list(national.filter(code=changed[0]["code"]).order_by("version").values_list("version", "status"))
    assert rows == [(1, "retired"), (2, "active")]
