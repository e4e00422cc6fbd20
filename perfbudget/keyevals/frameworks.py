"""Evaluation frameworks (评价指标体系) as data: the tree, its flat editing rows, and its validation.

A framework's `items` is a list of level-one indicators; each item is a dict with `code`, `name`, `weight`
and, below level one, `children` (level two, then level three). A leaf may stand at level two or three
and carries `explanation` (指标解释) and `standard` (评分标准) texts. Weights are points: the leaves sum to
100 and every parent's weight equals the sum of its children's.

The output/benefit floor (rule `evaluation.min_output_benefit_weight`, *default* 60 points, 10号 annex 2):

- project and policy frameworks: level-one names are 决策/过程/产出/效益; 产出 + 效益 must reach the floor.
- department-wide and sub-district frameworks may follow one of two families, recognised by their level-one
  names: 投入/过程/产出/效果 (the common department-wide set; 产出 + 效果 must reach the floor), or
  运行成本/管理效率/履职效能/社会效应/可持续发展能力/满意度 (the newer duty-based set; its result blocks
  履职效能 + 社会效应 + 满意度 must reach the floor, since without 满意度 the set weighs results far lighter than
  the project set does). Level-one names from both families may not be mixed. The shipped department
  template uses the first family.
- procurement frameworks (政府采购绩效) have no fixed level-one names and no floor: they score management,
  execution and results of purchasing, not the outputs of spending.

Everything here is plain Python over plain data; the model, the edit page and the API call it.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_LEVELS = 3
PROJECT_BLOCKS = ("决策", "过程", "产出", "效益")
DEPARTMENT_FAMILIES = (
    (("投入", "过程", "产出", "效果"), ("产出", "效果")),
    (("运行成本", "管理效率", "履职效能", "社会效应", "可持续发展能力", "满意度"), ("履职效能", "社会效应", "满意度")),
)
TOTAL = Decimal(100)


@dataclass(frozen=True)
class Leaf:
    """One scored indicator of a framework, with the names of the levels above it."""

    code: str
    name: str
    weight: Decimal
    level1: str
    level2: str
    explanation: str = ""
    standard: str = ""

    @property
    def path(self):
        return " / ".join(n for n in (self.level1, self.level2, self.name) if n)


def to_weight(value):
    """A weight as Decimal, or None when it is not a number."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _label(names):
    return "「" + " / ".join(names) + "」"


def _fmt(number):
    return format(number.normalize(), "f") if number == number.to_integral() else format(number, "f")


def leaves(items):
    """The leaves of a framework tree in order, each with its level-one and level-two names."""
    out = []

    def walk(nodes, trail):
        for node in nodes or ():
            children = node.get("children") or []
            names = (*trail, node.get("name", ""))
            if children:
                walk(children, names)
            else:
                out.append(Leaf(code=str(node.get("code", "")), name=str(node.get("name", "")),
                                weight=to_weight(node.get("weight")) or Decimal(0), level1=names[0],
                                level2=names[1] if len(names) > 2 else "",
                                explanation=node.get("explanation", ""), standard=node.get("standard", "")))

    walk(items, ())
    return out


def weights(items):
    """{leaf code: weight} of a framework tree."""
    return {leaf.code: leaf.weight for leaf in leaves(items)}


def block_weights(items):
    """{level-one name: weight} as declared on the level-one items."""
    return {str(n.get("name", "")): to_weight(n.get("weight")) or Decimal(0) for n in items or ()}


def result_blocks(kind, names):
    """The level-one names whose weights must reach the output/benefit floor for `kind`, or () when none do."""
    if kind in ("project", "policy"):
        return ("产出", "效益")
    if kind in ("department", "subdistrict"):
        for family, blocks in DEPARTMENT_FAMILIES:
            if set(names) <= set(family):
                return blocks
    return ()


def validate(items, kind, min_output_benefit=60):
    """Every problem of a framework tree, in Chinese, each naming the item; [] when the framework is sound."""
    errors = []
    if not isinstance(items, list) or not items:
        return [_("指标体系没有任何一级指标。")]
    codes = {}

    def check(nodes, trail, level):
        total = Decimal(0)
        seen_names = set()
        for index, node in enumerate(nodes, start=1):
            if not isinstance(node, dict):
                where = _label(trail) if trail else ""
                errors.append(_("%(where)s第 %(n)s 项格式不正确。") % {"where": where, "n": index})
                continue
            name = str(node.get("name", "")).strip()
            names = (*trail, name or _("第%(n)s项") % {"n": index})
            where = _label(names)
            if not name:
                errors.append(_("%(where)s：指标名称不能为空。") % {"where": where})
            elif name in seen_names:
                errors.append(_("%(where)s：同一级下指标名称重复。") % {"where": where})
            seen_names.add(name)
            code = str(node.get("code", "")).strip()
            if not code:
                errors.append(_("%(where)s：指标编码不能为空。") % {"where": where})
            elif code in codes:
                errors.append(_("%(where)s：指标编码「%(code)s」与%(other)s重复。")
                              % {"where": where, "code": code, "other": codes[code]})
            else:
                codes[code] = where
            weight = to_weight(node.get("weight"))
            if weight is None:
                errors.append(_("%(where)s：分值「%(value)s」不是数字。")
                              % {"where": where, "value": node.get("weight", "")})
                weight = Decimal(0)
            elif weight <= 0:
                errors.append(_("%(where)s：分值必须大于0。") % {"where": where})
            total += weight
            children = node.get("children") or []
            if children and level >= MAX_LEVELS:
                errors.append(_("%(where)s：指标体系最多三级。") % {"where": where})
            elif children:
                below = check(children, names, level + 1)
                if below != weight:
                    errors.append(_("%(where)s：分值 %(w)s 不等于下级指标分值之和 %(s)s。")
                                  % {"where": where, "w": _fmt(weight), "s": _fmt(below)})
            elif level == 1:
                errors.append(_("%(where)s：一级指标下至少要有一个二级指标。") % {"where": where})
        return total

    check(items, (), 1)
    leaf_total = sum((leaf.weight for leaf in leaves(items)), Decimal(0))
    if leaf_total != TOTAL:
        errors.append(_("末级指标分值合计为 %(s)s，应为100。") % {"s": _fmt(leaf_total)})
    names = [str(n.get("name", "")).strip() for n in items if isinstance(n, dict)]
    errors += _check_level_one(kind, names, items, min_output_benefit)
    return errors


def _check_level_one(kind, names, items, min_output_benefit):
    errors = []
    if kind in ("project", "policy"):
        for name in names:
            if name and name not in PROJECT_BLOCKS:
                errors.append(_("一级指标「%(name)s」不在项目（政策）评价的一级指标（决策、过程、产出、效益）之中。")
                              % {"name": name})
        for block in PROJECT_BLOCKS:
            if block not in names:
                errors.append(_("缺少一级指标「%(name)s」。") % {"name": block})
    elif kind in ("department", "subdistrict"):
        if not result_blocks(kind, names):
            errors.append(_("部门整体（街道）评价的一级指标须全部取自「投入、过程、产出、效果」或「运行成本、管理效率、履职效能、"
                            "社会效应、可持续发展能力、满意度」之一，不能混用；当前为：%(names)s。")
                          % {"names": "、".join(names)})
    blocks = result_blocks(kind, names)
    if blocks and min_output_benefit is not None:
        by_name = block_weights(items)
        floor = to_weight(min_output_benefit) or Decimal(0)
        got = sum((by_name.get(b, Decimal(0)) for b in blocks), Decimal(0))
        if got < floor:
            errors.append(_("%(blocks)s指标分值合计 %(got)s，低于规定下限 %(floor)s 分。")
                          % {"blocks": "、".join(blocks), "got": _fmt(got), "floor": _fmt(floor)})
    return errors


def level3_count(items):
    """How many level-three indicators the tree holds."""
    return sum(1 for n in items or () for c in n.get("children") or () for _leaf in c.get("children") or ())


# --- flat rows, as the edit page shows them -------------------------------------------------------------------

ROW_FIELDS = ("level", "code", "name", "weight", "explanation", "standard")


def flatten(items):
    """The tree as rows in reading order: {level, code, name, weight, explanation, standard}."""
    rows = []

    def walk(nodes, level):
        for node in nodes or ():
            rows.append({"level": level, "code": node.get("code", ""), "name": node.get("name", ""),
                         "weight": node.get("weight", ""), "explanation": node.get("explanation", ""),
                         "standard": node.get("standard", "")})
            walk(node.get("children"), level + 1)

    walk(items, 1)
    return rows


def build_tree(rows):
    """Rows (in order, each with a level 1–3) back into a tree; returns (items, errors) with row numbers."""
    items, errors = [], []
    stack = []  # the open node at each level
    for number, row in enumerate(rows, start=1):
        try:
            level = int(row.get("level"))
        except (TypeError, ValueError):
            errors.append(_("第 %(n)s 行：级次必须是1、2或3。") % {"n": number})
            continue
        if level not in (1, 2, 3):
            errors.append(_("第 %(n)s 行：级次必须是1、2或3。") % {"n": number})
            continue
        if level > len(stack) + 1:
            errors.append(_("第 %(n)s 行「%(name)s」：缺少上一级指标。") % {"n": number, "name": row.get("name", "")})
            continue
        weight = to_weight(row.get("weight"))
        node = {"code": str(row.get("code", "")).strip(), "name": str(row.get("name", "")).strip(),
                "weight": _json_number(weight) if weight is not None else str(row.get("weight", "")).strip()}
        for key in ("explanation", "standard"):
            if str(row.get(key) or "").strip():
                node[key] = str(row[key]).strip()
        del stack[level - 1:]
        if level == 1:
            items.append(node)
        else:
            stack[-1].setdefault("children", []).append(node)
        stack.append(node)
    return items, errors


def _json_number(number):
    """Whole weights as int, others as a string of the decimal (JSON keeps them exact)."""
    return int(number) if number == number.to_integral() else format(number, "f")
