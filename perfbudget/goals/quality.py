"""The quality check of a declared goal table (绩效目标质量检查, DOMAIN.md §4.3): a pure function.

`check_goals(table, rules=None)` takes a table as `goalfile.load` returns it (a raw perfbudget.goals/1 dict is
loaded first, so it may raise `goalfile.FormatError`) and returns the report:

- ``findings``: ``[{"code", "severity", "indicator", "message"}]`` — ``indicator`` is the row's position in the
  input ``indicators`` list (None for the whole table); ``message`` says, in Chinese, what is wrong and how to
  fix it. Codes and severities are in `SEVERITY`: an *error* blocks submission (the structure is wrong or the
  row cannot be a goal), a *warning* needs the unit's written reason to stand, an *info* is advice.
- ``counts``: findings per severity; ``quantified_share`` (0–1, 4 decimals), ``quantified_count``,
  ``indicator_count``; ``passed`` (no error);
- ``quality_score``: ``max(0, 100 − 15 × errors − 5 × warnings − 1 × info)`` (see `PENALTY`);
- ``indicators``: per row its index, categories, name, weight, ``parsed_target`` (`Value.to_dict()`),
  ``quantified`` and the category its name suggests;
- ``rules``: the rules used.

Rules (`DEFAULT_RULES`, the national defaults): ``layout`` (10号 or 101号), ``min_indicators``,
``max_indicator_weight``, ``min_quantified_share``, ``special_fund_min_quantified``, ``weight_total`` (100 minus
the execution weight) and ``required_level2``. `rules_from_values` maps a rule set's values
(``goals.layout`` …, ``selfeval.execution_weight``) to them.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from perfbudget.indicators import naming
from perfbudget.indicators.values import Value, base_quantity, is_quantified, parse_value, same_target

from . import goalfile

OUTPUT, BENEFIT, SATISFACTION, COST = goalfile.OUTPUT, goalfile.BENEFIT, goalfile.SATISFACTION, goalfile.COST

DEFAULT_RULES = {
    "layout": "10号",
    "min_indicators": 6,
    "max_indicator_weight": 20,
    "min_quantified_share": 0.8,
    "special_fund_min_quantified": 10,
    "weight_total": 90,
    "required_level2": ["数量指标", "质量指标", "时效指标"],
}
# Rule-set key → rule name (selfeval.execution_weight becomes weight_total = 100 − it).
RULE_KEYS = {
    "goals.layout": "layout",
    "goals.min_indicators": "min_indicators",
    "goals.max_indicator_weight": "max_indicator_weight",
    "goals.min_quantified_share": "min_quantified_share",
    "goals.special_fund_min_quantified": "special_fund_min_quantified",
    "goals.required_level2": "required_level2",
}
REQUIRED_LEVEL1 = {"10号": [OUTPUT, BENEFIT, SATISFACTION], "101号": [COST, OUTPUT, BENEFIT, SATISFACTION]}
# Level two accepted under each level one, in either layout.
ALLOWED_LEVEL2 = {
    OUTPUT: {"数量指标", "质量指标", "时效指标", "成本指标"},
    BENEFIT: {"经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"},
    SATISFACTION: {"服务对象满意度指标"},
    COST: {"经济成本指标", "社会成本指标", "生态环境成本指标", "成本指标"},
}

SEVERITY = {
    # errors: the table cannot be submitted as it is
    "MISSING_CATEGORY": "error",
    "TOO_FEW_INDICATORS": "error",
    "WEIGHT_SUM": "error",
    "PERCENT_OUT_OF_RANGE": "error",
    "INPUT_AS_GOAL": "error",
    "SPECIAL_FUND_FEW_QUANTIFIED": "error",
    "DUPLICATE_INDICATOR": "error",
    # warnings: stand only with the unit's written reason
    "VAGUE_TARGET": "warning",
    "NO_COMPARATOR": "warning",
    "WRONG_COMPARATOR": "warning",
    "MISSING_UNIT": "warning",
    "MISCLASSIFIED": "warning",
    "MULTIPLE_IN_ONE": "warning",
    "COPIED_FROM_HISTORY": "warning",
    "BELOW_HISTORY": "warning",
    "WEIGHT_CONCENTRATED": "warning",
    "LOW_QUANTIFIED_SHARE": "warning",
    "MISSING_OVERALL_GOAL": "warning",
    "UNKNOWN_CATEGORY": "warning",
    # advice
    "VAGUE_OVERALL_GOAL": "info",
    "NO_LEVEL2": "info",
}
PENALTY = {"error": 15, "warning": 5, "info": 1}
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}

# A qualitative target is vague (VAGUE_TARGET) unless one of its clauses (split at 、，；并 …) states something a
# reviewer can check and uses no trend word: a tier or a pass (合格, 良好及以上, 通过验收), zero incidents
# (无重大安全事故), a standard met (符合…标准), a milestone (建立…制度), a schedule (按季度, 定期, 限期整改).
# Such a target is legitimate; it only does not count as quantified.
# Whole clauses that are checkable on their own.
TIER_WORDS = frozenset({
    "良好", "优秀", "优良", "优", "良", "合格", "达标", "是", "否", "有", "通过", "通过验收", "验收合格", "完成",
    "全部完成", "按时完成", "按期完成", "按计划完成", "及时", "按时", "按期", "符合", "符合要求", "符合标准",
    "规范", "正常", "正常运行", "正常使用", "全覆盖", "满意", "较满意", "基本满意", "非常满意", "达到", "达到标准",
    "达到要求", "一次性通过验收", "全部达标", "全部合格", "安全运行", "无事故", "零事故", "零投诉", "无投诉",
    # milestones a reviewer can see done or not
    "建立", "已建立", "建成", "完成建设", "投入使用", "交付使用", "开工", "竣工", "运行", "出台", "印发", "实现",
})
# Words that make a clause checkable wherever they stand in it.
VERIFIABLE_WORDS = (
    "合格", "达标", "良好", "优秀", "优良", "验收", "全覆盖", "不予", "零事故", "零投诉",
    "建立", "建成", "制定", "出台", "印发", "发布", "签订", "设立", "投入使用", "交付使用", "竣工", "开工",
    "健全", "完整", "完好", "清晰", "整洁", "明确", "公示", "公开", "合规", "正常运行", "正常运营", "正常使用",
    "按时", "按期", "按月", "按季", "按年", "按周", "按规定", "按要求", "按计划", "按约", "按合同", "按证", "按标准",
    "按程序", "按频次", "定期", "限期", "及时", "每年", "每半年", "每季度", "每月", "每周", "到人", "到户")
_RE_VERIFIABLE = re.compile(
    r"(?:无|零|未发生|不发生|未出现|杜绝)(?!法|论|需|关|星)[\u4e00-\u9fff]"  # zero incidents
    r"|(?:符合|达到|满足|执行|遵守)[^、,;]{0,16}?(?:标准|规范|要求|规定|设计|定额|条件|程序|办法)"  # a standard met
    r"|通过[^、,;]{0,10}?(?:验收|评审|审核|审查|评估|考核|检查|复核|测评|认证|鉴定|备案|审计)"  # a pass
    r"|(?:取得|获得)[^、,;]{0,8}?(?:认证|批复|许可|证书|备案)"
    r"|^有(?!序|力|利|望|关|所|效|助)[\u4e00-\u9fff]{1,4}$")  # 有机构、有人员、有预案
_RE_CLAUSES = re.compile(r"[、,;]|并且|同时|并|且")
# Trend and intensity words: a clause with one states a direction, not a level anyone can check.
VAGUE_WORDS = ("提升", "提高", "改善", "加强", "增强", "长远", "长期", "有效", "明显", "显著", "进一步", "持续",
               "逐步", "促进", "推动", "稳步", "大幅", "较好", "一定", "有所", "不断", "积极", "优化", "完善",
               "增加", "减少", "降低", "下降", "好转", "发展", "预期", "逐年", "稳定", "较大", "较高", "大力",
               "切实", "充分", "更加", "良性", "保障", "加快", "扩大", "认真", "扎实", "努力", "尽快", "高效",
               "高质量", "更好", "较为")
_RE_VAGUE = re.compile("|".join(VAGUE_WORDS))
# Names where a bare number is customary (an index, a ranking).
UNITLESS_NAMES = ("指数", "系数", "倍数", "比值", "排名", "名次", "等级", "星级", "评分", "得分", "分值")
CATEGORY_EXAMPLES = {
    OUTPUT: "“完成改造长度≥10公里”", BENEFIT: "“受益群众人数≥5000人”", SATISFACTION: "“服务对象满意度≥90%”",
    COST: "“单位改造成本≤48万元/公里”",
}
LEVEL2_EXAMPLES = {"数量指标": "“培训人次≥500人次”", "质量指标": "“验收合格率≥95%”",
                   "时效指标": "“完成时间：2025年12月底前”", "成本指标": "“单位成本≤48万元”"}
_MONEY_UNITS = frozenset({"元", "千元", "万元", "百万元", "千万元", "亿元", "美元", "万美元"})


# ---------------------------------------------------------------------------------------------------------------
# Rules


def _number(value, default):
    if value is None or isinstance(value, bool):
        return default
    try:
        number = float(Decimal(str(value)))
    except Exception:  # a rule value that is not a number keeps the default
        return default
    return number


def resolve_rules(rules: dict | None = None) -> dict:
    """DEFAULT_RULES updated with `rules`, which may use rule names or rule-set keys (goals.layout …)."""
    out = {k: (list(v) if isinstance(v, list) else v) for k, v in DEFAULT_RULES.items()}
    if not rules:
        return out
    given = dict(rules)
    if any(isinstance(k, str) and "." in k for k in given):
        given = {**{k: v for k, v in given.items() if "." not in str(k)}, **_mapped(given)}
    if "execution_weight" in given and "weight_total" not in given:
        given["weight_total"] = 100 - _number(given["execution_weight"], 100 - DEFAULT_RULES["weight_total"])
    layout = str(given.get("layout", out["layout"])).strip().replace("号", "")
    out["layout"] = "101号" if layout == "101" else "10号"
    for key in ("min_indicators", "special_fund_min_quantified"):
        out[key] = int(_number(given.get(key), out[key]))
    for key in ("max_indicator_weight", "weight_total"):
        out[key] = _number(given.get(key), out[key])
    share = _number(given.get("min_quantified_share"), out["min_quantified_share"])
    out["min_quantified_share"] = share / 100 if share > 1 else share
    required = given.get("required_level2")
    if isinstance(required, (list, tuple)):
        out["required_level2"] = [goalfile.normalise_level2(x) for x in required if x]
    for key in ("max_indicator_weight", "weight_total"):
        if out[key] == int(out[key]):
            out[key] = int(out[key])
    return out


def _mapped(values: dict) -> dict:
    out = {}
    for key, value in values.items():
        if key in RULE_KEYS:
            out[RULE_KEYS[key]] = value
        elif key == "selfeval.execution_weight":
            out["execution_weight"] = value
    return out


def rules_from_values(values: dict) -> dict:
    """The check's rules from a rule set's values ({"goals.layout": "101号", "selfeval.execution_weight": 20 …})."""
    return resolve_rules(_mapped(values or {}))


# ---------------------------------------------------------------------------------------------------------------
# The check


class _Report:
    def __init__(self):
        self.findings = []

    def add(self, code, indicator, message):
        self.findings.append({"code": code, "severity": SEVERITY[code], "indicator": indicator, "message": message})


def _label(row):
    return f"第{row['index'] + 1}个指标“{row['name']}”"


def _plain(number) -> str:
    if number is None:
        return ""
    if isinstance(number, float):
        number = Decimal(str(number))
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _is_bound(v: Value) -> bool:
    """100%, 0% or a count of 0 ("0起"): "=", "≥" and "≤" mean the same there."""
    if v.op == "interval" or v.value is None:
        return False
    return v.value == 0 or (v.kind == "percent" and v.unit == "%" and v.value == 100)


def check_goals(table: dict, rules: dict | None = None) -> dict:
    """Check a goal table against the rules; see the module docstring for the report."""
    table = goalfile.load(table)
    merged = dict(table.get("rules") or {})
    merged.update(rules or {})
    rules = resolve_rules(merged)
    report = _Report()
    rows = table["indicators"]
    parsed = [goalfile.effective_target(row) for row in rows]
    # A restated input (INPUT_AS_GOAL) is not a goal, so it does not count as a quantified one either.
    quantified = [is_quantified(v) and not _is_input(row["name"], v, row["level1"]) for row, v in zip(rows, parsed,
                                                                                                      strict=True)]

    for row, v in zip(rows, parsed, strict=True):
        _check_row(report, row, v, rules)
    _check_structure(report, table, rows, parsed, rules)
    quantified_count = sum(quantified)
    _check_quantification(report, table, rows, quantified_count, rules)
    _check_weights(report, rows, rules)
    _check_duplicates(report, rows)
    _check_history(report, table, rows, parsed)
    _check_overall_goal(report, table)

    findings = sorted(report.findings, key=lambda f: (f["indicator"] is None, f["indicator"] or 0,
                                                      _SEVERITY_RANK[f["severity"]]))
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        counts[f["severity"]] += 1
    score = max(0, 100 - sum(PENALTY[s] * n for s, n in counts.items()))
    share = round(quantified_count / len(rows), 4) if rows else 0.0
    return {
        "format": goalfile.FORMAT,
        "project": table["project"],
        "findings": findings,
        "counts": counts,
        "passed": counts["error"] == 0,
        "quality_score": score,
        "quantified_share": share,
        "quantified_count": quantified_count,
        "indicator_count": len(rows),
        "indicators": [
            {"index": row["index"], "level1": row["level1"], "level2": row["level2"], "name": row["name"],
             "target": row["target"], "weight": row["weight"], "parsed_target": v.to_dict(), "quantified": q,
             "expected_level2": naming.expected_level2(row["name"])}
            for row, v, q in zip(rows, parsed, quantified, strict=True)
        ],
        "rules": rules,
    }


# ---- one row


def _check_row(report, row, v, rules):
    i, name, label, target = row["index"], row["name"], _label(row), row["target"]
    if _is_input(name, v, row["level1"]):
        if naming.looks_like_time(name) or "执行" in name or "到位" in name:
            report.add("INPUT_AS_GOAL", i, f"{label}是资金执行，自评时另行考核：请删除，改为产出或效益。")
        else:
            report.add("INPUT_AS_GOAL", i, f"{label}是投入，不是结果：请删除，改为它带来的产出或效益。")
        return  # the row is to be replaced: its spelling does not matter
    weight = row.get("weight")
    if weight is not None and weight > rules["max_indicator_weight"]:
        report.add("WEIGHT_CONCENTRATED", i, f"{label}{_plain(weight)}分，超过单项上限"
                                             f"{_plain(rules['max_indicator_weight'])}分：请分给其他指标。")
    if v.multi or naming.packs_several(name):
        report.add("MULTIPLE_IN_ONE", i, f"{label}一行含几个指标：请拆开，每行一个指标一个值。")
    _check_category(report, row, v)
    if v.kind == "empty":
        report.add("VAGUE_TARGET", i, f"{label}未填指标值：请填数值、时限或可核验的标准。")
        return
    if v.kind == "qualitative":
        if is_vague_wording(v.word):
            report.add("VAGUE_TARGET", i, f"{label}的“{target}”无法核验：请改为数值、时限或明确标准（如通过验收）。")
        return
    if v.kind == "date":
        return
    _check_number(report, row, v)


def _is_input(name, v, level1):
    if naming.looks_like_input(name):
        return True
    return level1 == OUTPUT and naming.looks_like_money(name) and v.unit in _MONEY_UNITS


def is_vague_wording(word: str) -> bool:
    """A qualitative target no reviewer can check: trend words (明显提升, 有效减少, 长期 …) or a sentence that
    restates the goal. Not vague: a concrete standard in words — a tier or a pass (合格, 良好及以上, 通过验收),
    zero incidents (无重大安全事故), a standard met (符合设计及规范要求), a milestone or a schedule
    (建立管护制度、明确责任主体并落实; 按季度统计上报), in at least one clause free of trend words."""
    w = unicodedata.normalize("NFKC", word or "").strip()
    if not w:
        return True
    return not any(_verifiable_clause(c.strip()) for c in _RE_CLAUSES.split(w))


def _verifiable_clause(clause: str) -> bool:
    if not clause or _RE_VAGUE.search(clause):
        return False
    return (clause in TIER_WORDS or any(word in clause for word in VERIFIABLE_WORDS)
            or bool(_RE_VERIFIABLE.search(clause)))


def _check_number(report, row, v):
    i, name, label, target = row["index"], row["name"], _label(row), row["target"]
    rate = naming.looks_like_rate(name) or naming.looks_like_satisfaction(name)
    count = naming.looks_like_count(name)
    # "较上年下降10%" asks for a change: its direction is in the words, not in the comparator
    change = naming.looks_like_change(name) or naming.looks_like_change(target)
    reverse = naming.looks_like_reverse(name) and not change
    number = f"{_plain(v.value)}{v.unit}"
    if v.op is None and not _is_bound(v) and not v.multi:
        better = "≤" if reverse else "≥"
        report.add("NO_COMPARATOR", i, f"{label}的“{target}”缺比较符：请写成“{better}{number}”（或≤、区间）。")
    elif v.op == "=" and (rate or count or v.kind == "percent") and not _is_bound(v):
        report.add("WRONG_COMPARATOR", i, f"{label}用“=”，多少一点都算未完成：请按方向改为“≥”或“≤”。")
    elif v.op in ("≥", ">") and reverse and not _is_bound(v):
        report.add("WRONG_COMPARATOR", i, f"{label}越低越好，不应用“{v.op}”：请改为“≤{number}”。")
    elif v.op in ("≤", "<") and not reverse and not _is_bound(v) and (
            naming.looks_like_satisfaction(name) or (naming.looks_like_quality(name) and rate)):
        report.add("WRONG_COMPARATOR", i, f"{label}越高越好，不应用“{v.op}”：请改为“≥{number}”。")
    if v.kind == "number" and not v.unit and v.value != 0 and not any(w in name for w in UNITLESS_NAMES):
        if naming.looks_like_rate(name) or naming.looks_like_satisfaction(name):
            op = v.op or ("≤" if reverse else "≥")
            shown = f"{_plain(v.value)}%-{_plain(v.upper)}%" if v.op == "interval" else f"{op}{_plain(v.value)}%"
            report.add("MISSING_UNIT", i, f"{label}是比率，“{target}”缺“%”：请写成“{shown}”。")
        else:
            report.add("MISSING_UNIT", i, f"{label}的“{target}”缺单位：请补上单位（如个、人次、公里）。")
    if v.kind == "percent" and not change:
        limit = Decimal(1000) if v.unit == "‰" else Decimal(100)
        high = v.upper if v.upper is not None else v.value
        if v.value < 0 or high > limit:
            report.add("PERCENT_OUT_OF_RANGE", i, f"{label}是占比，“{target}”超出0–{_plain(limit)}{v.unit}："
                                                  "请核对；若是增幅，请在名称中写明。")


def _check_category(report, row, v):
    """MISCLASSIFIED when the name clearly contradicts the categories; UNKNOWN_CATEGORY for a foreign level one."""
    found = category_finding(row, v)
    if found:
        report.add(found[0], row["index"], found[1])


def category_finding(row: dict, v: Value) -> tuple[str, str] | None:
    """(code, message) when a row's categories are wrong — ``MISCLASSIFIED`` (the name contradicts its level
    one/two) or ``UNKNOWN_CATEGORY`` (a foreign level one) — else None. `row` needs index, name, level1 and
    level2 (normalised as goalfile.load leaves them); `v` is its parsed target. Shared with the self-evaluation
    audit."""
    name, label = row["name"], _label(row)
    level1, level2 = row["level1"], row["level2"]
    if level1 not in ALLOWED_LEVEL2:
        return "UNKNOWN_CATEGORY", f"{label}的一级指标“{level1}”不规范：请归入产出、效益、满意度或成本。"
    where = level2 or level1
    guess = naming.expected_level2(name)
    problem = None  # (what is wrong, where it belongs: a level two, or words)
    if naming.looks_like_satisfaction(name) and level1 != SATISFACTION:
        problem = ("是满意度指标", "服务对象满意度指标")
    elif level1 == SATISFACTION and not naming.looks_like_satisfaction(name):
        problem = ("不是满意度指标", guess if guess and guess != "服务对象满意度指标" else "产出或效益指标")
    elif level2 and level2 not in ALLOWED_LEVEL2[level1]:
        dest = guess if guess and naming.LEVEL1_OF_LEVEL2.get(guess) == level1 else f"{level1}下的二级指标"
        return "MISCLASSIFIED", f"{label}的“{level2}”不属于“{level1}”：请改为“{dest}”。"
    elif level2 == "数量指标" and naming.looks_like_rate(name) and not naming.looks_like_completion_rate(name):
        problem = ("是比率", guess if guess and guess not in ("数量指标", "服务对象满意度指标") else "质量指标")
    elif level2 in ("数量指标", "质量指标") and (naming.looks_like_deadline(name) or v.kind == "date"):
        problem = ("是完成时限", "时效指标")
    elif (level2 in ("数量指标", "质量指标", "时效指标") or level1 in (BENEFIT, SATISFACTION)) and (
            naming.looks_like_cost(name) and not naming.looks_like_change(name)):
        problem = ("是成本指标", "成本指标")
    if problem:
        what, dest = problem
        return "MISCLASSIFIED", f"{label}{what}，不应在“{where}”下：请移到“{dest}”或改名。"
    return None


# ---- the table


def _check_structure(report, table, rows, parsed, rules):
    layout = rules["layout"]
    present = {row["level1"] for row in rows}
    cost_as_level2 = any(row["level2"] == "成本指标" and row["level1"] == OUTPUT for row in rows)
    for category in REQUIRED_LEVEL1[layout]:
        if category in present:
            continue
        if category == COST and cost_as_level2:
            how = "请把产出下的成本指标移为一级指标。"
        else:
            how = f"请补充至少一个（如{CATEGORY_EXAMPLES[category]}）。"
        report.add("MISSING_CATEGORY", None, f"缺少一级指标“{category}”（{layout}版式）：{how}")
    if len(rows) < rules["min_indicators"]:
        report.add("TOO_FEW_INDICATORS", None, f"三级指标仅{len(rows)}个，少于规则要求的{rules['min_indicators']}个："
                                               "请补充产出、效益、满意度指标。")
    if not rows:
        return
    if not any(row["level2"] for row in rows):
        report.add("NO_LEVEL2", None, "未填二级指标，无法核对数量、质量、时效是否齐全：请逐行填写。")
        return
    seen = set()
    for row, v in zip(rows, parsed, strict=True):
        level2 = row["level2"] or naming.expected_level2(row["name"]) or ""
        if not row["level2"] and v.kind == "date":
            level2 = "时效指标"
        seen.add(level2)
    for level2 in rules["required_level2"]:
        if level2 not in seen:
            example = LEVEL2_EXAMPLES.get(level2, "")
            report.add("TOO_FEW_INDICATORS", None, f"缺少“{level2}”：请补充至少一个"
                                                   f"{'（如' + example + '）' if example else ''}。")


def _check_quantification(report, table, rows, quantified_count, rules):
    if not rows:
        return
    share = quantified_count / len(rows)
    minimum = rules["min_quantified_share"]
    if share + 1e-9 < minimum:
        report.add("LOW_QUANTIFIED_SHARE", None, f"定量指标占比{share:.0%}（{quantified_count}/{len(rows)}），"
                                                 f"低于要求的{minimum:.0%}：请把定性指标改为数值或时限。")
    needed = rules["special_fund_min_quantified"]
    if table["project"].get("special_fund") and quantified_count < needed:
        report.add("SPECIAL_FUND_FEW_QUANTIFIED", None, f"专项资金仅{quantified_count}个定量指标，"
                                                        f"少于要求的{needed}个：请补充定量指标。")


def _check_weights(report, rows, rules):
    weights = [row.get("weight") for row in rows]
    given = [w for w in weights if w is not None]
    if not given:
        return  # no weights printed: nothing to add up
    expected = rules["weight_total"]
    total = sum(Decimal(str(w)) for w in given)
    execution = _plain(Decimal(100) - Decimal(str(expected)))
    missing = [row["index"] + 1 for row, w in zip(rows, weights, strict=True) if w is None]
    if missing:
        shown = "、".join(str(n) for n in missing[:10]) + ("个等" if len(missing) > 10 else "个")
        report.add("WEIGHT_SUM", None, f"{len(missing)}个指标未填分值（第{shown}）：请补齐，"
                                       f"合计{_plain(expected)}分。")
    elif abs(total - Decimal(str(expected))) > Decimal("0.01"):
        report.add("WEIGHT_SUM", None, f"分值合计{_plain(total)}分，应为{_plain(expected)}分"
                                       f"（100减执行率{execution}分）：请调整分值。")


def _check_duplicates(report, rows):
    first = {}
    for row in rows:
        key = naming.name_key(row["name"])
        if key in first:
            report.add("DUPLICATE_INDICATOR", row["index"], f"{_label(row)}与第{first[key]['index'] + 1}个指标重复："
                                                            "请删去一个或改名区分。")
        else:
            first[key] = row


def _check_overall_goal(report, table):
    goal = table.get("overall_goal") or ""
    if not goal.strip():
        report.add("MISSING_OVERALL_GOAL", None, "未填总体目标：请概括本年主要产出（数量、时限）和效果。")
    elif not any(c.isdigit() for c in goal):
        report.add("VAGUE_OVERALL_GOAL", None, "总体目标没有数量或时间：请写明主要数量、时限和效果。")


# ---- history


def _comparable(v: Value, name: str):
    """(lower, upper, unit) in base units; a bare number under a rate name counts as a percentage."""
    q = base_quantity(v)
    if q is None or v.multi:
        return None
    value, upper, unit = q
    if not unit and (naming.looks_like_rate(name) or naming.looks_like_satisfaction(name)) and (
            Decimal(0) <= value <= Decimal(100)):
        unit = "%"
    return value, upper, unit


def _check_history(report, table, rows, parsed):
    history = [h for h in table.get("history") or [] if h.get("indicators")]
    if not history:
        return
    year = table["project"].get("year")
    earlier = [h for h in history if h.get("year") is None or year is None or h["year"] < year]
    if not earlier:
        return
    by_key = {}
    for entry in earlier:
        for item in entry["indicators"]:
            by_key.setdefault(naming.name_key(item["name"]), []).append((entry.get("year"), item))
    for row, v in zip(rows, parsed, strict=True):
        _below_history(report, row, v, by_key.get(naming.name_key(row["name"]), []))
    _copied(report, rows, earlier)


def _below_history(report, row, v, past):
    if not past or v.kind not in ("number", "percent"):
        return
    mine = _comparable(v, row["name"])
    if mine is None:
        return
    reverse = naming.looks_like_reverse(row["name"]) and not naming.looks_like_change(row["name"])
    op = v.op or ("≤" if reverse else "≥")
    if op not in ("≥", ">", "≤", "<", "interval"):
        return
    lower_is_better = op in ("≤", "<")
    bound = mine[0]  # the target (an interval's lower bound)
    worst = None  # (achieved, year, printed, source) of the earlier value the target falls short of most
    for year, item in past:
        source = "actual" if item["actual"] else "target"
        ref_text = item[source]
        theirs = _comparable(parse_value(ref_text), row["name"])
        if theirs is None or theirs[2] != mine[2]:
            continue
        achieved = theirs[0]
        if lower_is_better and bound > achieved and (worst is None or achieved < worst[0]):
            worst = (achieved, year, ref_text, source)
        elif not lower_is_better and bound < achieved and (worst is None or achieved > worst[0]):
            worst = (achieved, year, ref_text, source)
    if worst is None:
        return
    _, year, ref_text, source = worst
    when = f"{year}年" if year else "以前年度"
    what = "实际值" if source == "actual" else "目标值"
    if lower_is_better:
        message = f"{_label(row)}的“{row['target']}”比{when}{what}“{ref_text}”宽松：请收紧，或写明理由。"
    else:
        message = f"{_label(row)}的“{row['target']}”低于{when}{what}“{ref_text}”：请提高，或写明下调理由。"
    report.add("BELOW_HISTORY", row["index"], message)


def _copied(report, rows, earlier):
    last = max(earlier, key=lambda h: h.get("year") or 0)
    previous = {naming.name_key(item["name"]): item for item in last["indicators"] if item.get("target")}
    pairs = [(row, previous[naming.name_key(row["name"])]) for row in rows
             if naming.name_key(row["name"]) in previous]
    if len(pairs) < 3 or len(pairs) < 0.8 * len(rows):
        return
    if all(same_target(row["target"], item["target"]) for row, item in pairs):
        year = f"{last['year']}年" if last.get("year") else "上年"
        report.add("COPIED_FROM_HISTORY", None, f"{len(pairs)}个指标值与{year}逐行相同："
                                                "请按上年实绩和本年预算重新测算。")
