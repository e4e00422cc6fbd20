"""The audit of a unit's self-evaluation claims (自评审核): a pure function over plain data.

`audit(table, result, rules)` compares what the unit printed (weights, claimed scores, total and grade, the funds
block) with what `scoring.score_table` computed, and gathers the notes scoring made on single rows. It returns
the findings, each ``{"code", "severity", "indicator", "message"}`` — ``indicator`` is the row's position in the
input ``indicators`` list, None for the whole table; ``message`` is one Chinese sentence saying what is wrong and
what to do.

Severities (`SEVERITY`): *error* — a claim the rules contradict (a score, total or grade the unit cannot stand
by); *warning* — a doubt a reviewer must settle (an unreadable value, an inferred tier, weights off the rules, a
missing reason); *info* — a note (an inapplicable row, a target met far beyond). A clean table has no error.

When a specific code explains a row's difference (MET_BUT_DOCKED, MISSED_BUT_FULL, WEIGHT_TIMES_ACTUAL,
CLAIMED_OVER_WEIGHT) the generic SCORE_DIFFERS is not raised on that row. Claims on rows a reviewer must score by
hand (an unreadable target or actual) are not compared.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from perfbudget.goals import quality

from . import scoring

SEVERITY = {
    # the rules contradict a claim
    "SCORE_DIFFERS": "error",
    "MET_BUT_DOCKED": "error",
    "MISSED_BUT_FULL": "error",
    "WEIGHT_TIMES_ACTUAL": "error",
    "CLAIMED_OVER_WEIGHT": "error",
    "TOTAL_MISMATCH": "error",
    "TOTAL_DIFFERS": "error",
    "EXECUTION_SCORE_DIFFERS": "error",
    "GRADE_MISMATCH": "error",
    "GRADE_DIFFERS": "error",
    # doubts a reviewer settles
    "UNPARSEABLE": "warning",
    "WEIGHT_SUM": "warning",
    "WEIGHT_MISSING": "warning",
    "WEIGHTS_OFF_RULE": "warning",
    "MISCLASSIFIED": "warning",
    "NO_JUDGEMENT": "warning",
    "JUDGEMENT_OUT_OF_TIER": "warning",
    "NO_ACTUAL": "warning",
    "ACTUAL_REPEATS_TARGET": "warning",
    "EXECUTION_REASON_MISSING": "warning",
    "EXECUTED_OVER_BUDGET": "warning",
    "EXECUTION_UNKNOWN": "warning",
    # notes
    "OVER_ACHIEVED": "info",
    "NOT_APPLICABLE": "info",
}
FINDING_CODES = {
    "UNPARSEABLE": _("指标值无法识别"),
    "WEIGHT_SUM": _("分值合计不为100"),
    "WEIGHT_MISSING": _("分值缺失"),
    "WEIGHTS_OFF_RULE": _("一级指标分值与规则不符"),
    "SCORE_DIFFERS": _("自评得分与计算不符"),
    "MET_BUT_DOCKED": _("已完成目标却扣分"),
    "MISSED_BUT_FULL": _("未完成目标却得满分"),
    "WEIGHT_TIMES_ACTUAL": _("以分值×实际值计分"),
    "CLAIMED_OVER_WEIGHT": _("自评得分超过分值"),
    "TOTAL_MISMATCH": _("自评总分与各项得分之和不符"),
    "TOTAL_DIFFERS": _("自评总分与复核总分不符"),
    "EXECUTION_SCORE_DIFFERS": _("预算执行率得分不符"),
    "GRADE_MISMATCH": _("自评等级与自评总分不符"),
    "GRADE_DIFFERS": _("自评等级与复核等级不符"),
    "MISCLASSIFIED": _("指标归类不当"),
    "NO_JUDGEMENT": _("定性指标未给出评价比例"),
    "JUDGEMENT_OUT_OF_TIER": _("评价比例超出档次"),
    "NO_ACTUAL": _("缺少实际完成值"),
    "ACTUAL_REPEATS_TARGET": _("实际值照抄目标值"),
    "EXECUTION_REASON_MISSING": _("执行率偏低未说明原因"),
    "EXECUTED_OVER_BUDGET": _("执行数超过预算数"),
    "EXECUTION_UNKNOWN": _("无法计算预算执行率"),
    "OVER_ACHIEVED": _("远超目标"),
    "NOT_APPLICABLE": _("指标不适用"),
}
# A claimed score equal to weight × actual% within this is the WEIGHT_TIMES_ACTUAL mistake.
WEIGHT_TIMES_ACTUAL_TOLERANCE = Decimal("0.05")
# Sums of printed scores agree within this (each printed score is rounded to 0.01 at most).
SUM_TOLERANCE = Decimal("0.05")
_EPS = Decimal("0.005")
_RANK = {"error": 0, "warning": 1, "info": 2}


def _d(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _p(value) -> str:
    return scoring.plain(value)


class _Findings(list):
    def add(self, code, indicator, message):
        self.append({"code": code, "severity": SEVERITY[code], "indicator": indicator, "message": message})


def audit(table: dict, result: dict, rules: dict) -> list[dict]:
    """The findings on a scored table: row notes from scoring, category checks, weights, funds, the unit's
    claimed row scores, total and grade. `table` is the loaded table, `result` what `score_table` computed
    (rows still carrying their ``notes``), `rules` the resolved rules (or `scoring.Prepared`). Sorted by row, then
    severity."""
    p = scoring.prepare(rules)
    out = _Findings()
    rows = table["indicators"]
    for row, res in zip(rows, result["indicators"], strict=True):
        out.extend(res.get("notes") or ())
        found = quality.category_finding(row, scoring.parsed_cell(row))
        if found and found[0] == "MISCLASSIFIED":
            out.add("MISCLASSIFIED", row["index"], found[1])
        if res.get("applicable"):
            _row_claim(out, row, res, p)
    _weights(out, table, result, p)
    _funds(out, table, result, p)
    _totals(out, table, result, p)
    out.sort(key=lambda f: (f["indicator"] is None, f["indicator"] or 0, _RANK[f["severity"]]))
    return list(out)


# ---- rows


def _label(row):
    return f"第{row['index'] + 1}个指标“{row['name']}”"


def _row_claim(out, row, res, p):
    claimed = _d(row.get("claimed_score"))
    if claimed is None:
        return
    i, label = row["index"], _label(row)
    weight = _d(res.get("weight")) or Decimal(0)
    computed = _d(res.get("raw_score"))
    if claimed > weight + _EPS:
        out.add("CLAIMED_OVER_WEIGHT", i, f"{label}自评{_p(claimed)}分，超过分值{_p(weight)}分：请改正。")
        return
    if computed is None or (not res.get("certain") and res.get("kind") != "qualitative") or (
            res.get("met") is None and res.get("kind") != "qualitative"):
        return  # an unreadable row: a reviewer scores it by hand
    tol = p.tolerance
    if res.get("kind") == "qualitative" and row.get("judgement") is None:
        # the score is the top of an inferred tier: any claim inside that tier stands
        tier = res.get("tier")
        lo, hi = p.tiers.get(tier, (Decimal(0), Decimal(1)))
        if weight * lo - tol <= claimed <= weight * hi + tol:
            return
        out.add("SCORE_DIFFERS", i, f"{label}自评{_p(claimed)}分，在按措辞判定的“{tier}”档"
                                    f"（{_p(weight * lo)}–{_p(weight * hi)}分）之外：请评价人确定得分比例并说明理由。")
        return
    share = _d(res.get("actual_share"))
    completion = _d(res.get("completion"))
    if share is not None and weight > 0 and res.get("kind") == "quantitative" and completion is not None and (
            abs(claimed - weight * share) <= WEIGHT_TIMES_ACTUAL_TOLERANCE
            and abs(min(completion, Decimal(1)) - share) > Decimal("0.001")
            and abs(claimed - computed) > WEIGHT_TIMES_ACTUAL_TOLERANCE):
        out.add("WEIGHT_TIMES_ACTUAL", i, f"{label}自评{_p(claimed)}分=分值{_p(weight)}×实际值{row.get('actual')}，"
                                          f"应按完成率计分（{res['explanation']}）：请改为{_p(computed)}分。")
        return
    full = weight - _EPS
    if res.get("met") is True and computed >= full and claimed < full and not row.get("deviation_note") and (
            res.get("kind") != "qualitative"):
        out.add("MET_BUT_DOCKED", i, f"{label}已达到目标（{row.get('actual')}，目标{row.get('target')}），"
                                     f"却只自评{_p(claimed)}分且未说明偏差原因：应得{_p(computed)}分，或补充扣分理由。")
        return
    if res.get("met") is False and computed < full and claimed >= full:
        actual = row.get("actual") or "未填实际完成值"
        out.add("MISSED_BUT_FULL", i, f"{label}未达到目标（{actual}，目标{row.get('target')}），"
                                      f"却自评满分{_p(claimed)}分：应得{_p(computed)}分（{res['explanation']}）。")
        return
    if abs(claimed - computed) > tol:
        out.add("SCORE_DIFFERS", i, f"{label}自评{_p(claimed)}分，按规则应得{_p(computed)}分"
                                    f"（{res['explanation']}），相差超过{_p(tol)}分：请核对。")


# ---- weights


def _weights(out, table, result, p):
    rows = table["indicators"]
    for spread in result.get("weights_spread") or ():
        where = f"“{spread['block']}”剩余分值" if spread["block"] else "剩余分值"
        shown = "、".join(f"第{k + 1}" for k in spread["indicators"][:10]) + "个"
        out.add("WEIGHT_MISSING", None, f"{shown}指标未填分值，已按{where}平均分配，每项{_p(spread['weight'])}分："
                                        "请补填分值。")
    funds_weight = _d(result["funds"]["weight"])
    weights = [_d(r.get("weight")) for r in result["indicators"]]
    total = funds_weight + sum((w for w in weights if w is not None), Decimal(0))
    if abs(total - 100) > Decimal("0.01"):
        scale = result.get("scale")
        out.add("WEIGHT_SUM", None, f"分值合计{_p(scoring._round(total))}分（含预算执行率{_p(funds_weight)}分），"
                                    f"不是100分：总分已按100÷{_p(scoring._round(total))}折算"
                                    f"（系数{_p(scale)}）为百分制，请调整分值。")
    elif result.get("scale") not in (1, 1.0):
        pass  # inapplicable rows: NOT_APPLICABLE notes say so
    if any(r.get("weight") is None for r in rows):
        return  # block sums of a table with missing weights say nothing about the unit's choice
    blocks = {}
    for r in rows:
        block = scoring._level1_block(r["level1"], p.block_weights)
        blocks[block] = blocks.get(block, Decimal(0)) + _d(r["weight"])
    off = []
    for block, rule in p.block_weights.items():
        have = blocks.get(block, Decimal(0))
        if abs(have - rule) > Decimal("0.01"):
            off.append(f"{block}{_p(have)}分（规则{_p(rule)}分）")
    if result["funds"].get("weight_printed") and abs(funds_weight - p.execution_weight) > Decimal("0.01"):
        off.append(f"预算执行率{_p(funds_weight)}分（规则{_p(p.execution_weight)}分）")
    if off:
        out.add("WEIGHTS_OFF_RULE", None, f"分值与规则集不符：{'，'.join(off)}：请按规则调整，或说明依据。")


# ---- funds


def _funds(out, table, result, p):
    funds = result["funds"]
    rate = result.get("execution_rate")
    unit = funds.get("money_unit") or ""
    if rate is None:
        out.add("EXECUTION_UNKNOWN", None, "资金情况缺少全年预算数（或为0）或全年执行数，无法计算预算执行率，"
                                           "该项得0分：请补充。")
    else:
        rate = Decimal(str(rate))
        executed, budget = _d(funds.get("executed")), _d(funds.get("full_year") or funds.get("initial"))
        if rate > 1:
            out.add("EXECUTED_OVER_BUDGET", None, f"全年执行数{_p(executed)}{unit}超过{funds['basis']}"
                                                  f"{_p(budget)}{unit}（执行率{scoring.percent(rate)}）："
                                                  "请核对是否超预算支出或漏报预算调整。")
        elif rate < p.reason_below and not (funds.get("reason") or "").strip():
            out.add("EXECUTION_REASON_MISSING", None, f"预算执行率{scoring.percent(rate)}，低于"
                                                      f"{scoring.percent(p.reason_below)}，未说明原因：请在资金情况中"
                                                      "说明执行率偏低的原因和改进措施。")
    claimed = _d(funds.get("claimed_score"))
    if claimed is None:
        return
    weight, computed = _d(funds["weight"]), _d(funds["raw_score"])
    if claimed > weight + _EPS:
        out.add("CLAIMED_OVER_WEIGHT", None, f"预算执行率自评{_p(claimed)}分，超过分值{_p(weight)}分：请改正。")
    elif abs(claimed - computed) > p.tolerance:
        out.add("EXECUTION_SCORE_DIFFERS", None, f"预算执行率自评{_p(claimed)}分，按规则应得{_p(computed)}分"
                                                 f"（{funds['explanation']}）：请改正。")


# ---- totals


def _totals(out, table, result, p):
    claimed_total = _d(table.get("claimed_total"))
    printed_total = _d((table.get("total_row") or {}).get("claimed_score"))
    rows = table["indicators"]
    funds_claim = _d(table["funds"].get("claimed_score"))
    claims = [_d(r.get("claimed_score")) for r in rows if r.get("applicable", True) is not False]
    all_claimed = funds_claim is not None and rows and all(c is not None for c in claims)
    claimed_sum = (funds_claim + sum(claims, Decimal(0))) if all_claimed else None
    if claimed_sum is not None:
        for what, total in (("自评总分", claimed_total), ("合计行得分", printed_total)):
            if total is not None and abs(total - claimed_sum) > SUM_TOLERANCE:
                out.add("TOTAL_MISMATCH", None, f"{what}{_p(total)}分，但各项自评得分（含预算执行率）之和为"
                                                f"{_p(claimed_sum)}分：请核对加总。")
                break
    if claimed_total is None and printed_total is not None:
        claimed_total = printed_total
    if claimed_total is None:
        return
    computed = _d(result["total_score"])
    if abs(claimed_total - computed) > p.tolerance:
        out.add("TOTAL_DIFFERS", None, f"自评总分{_p(claimed_total)}分，按规则复核为{_p(computed)}分：请核对各项得分。")
    claimed_grade = table.get("claimed_grade")
    if claimed_grade:
        own = scoring.grade_of(claimed_total, p.bands)
        if claimed_grade != own:
            out.add("GRADE_MISMATCH", None, f"自评等级“{claimed_grade}”与自评总分{_p(claimed_total)}分不符，"
                                            f"按分数线应为“{own}”：请改正。")
        elif claimed_grade != result["grade"]:
            out.add("GRADE_DIFFERS", None, f"自评等级“{claimed_grade}”，按规则复核总分{_p(computed)}分为"
                                           f"“{result['grade']}”：请核对。")
