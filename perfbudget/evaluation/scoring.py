"""Scoring a filled self-evaluation table (单位自评, DOMAIN.md §4.6): pure functions over plain data, no database.

`score_table(table, rules=None)` takes a table as `selfevalfile.load` returns it (a raw perfbudget.selfeval/1 dict,
JSON text or bytes is loaded first, so it may raise `FormatError`) and returns the result: the computed scores,
the total and grade, and the audit findings of `audit.audit` comparing the unit's claims with them. `rules` is the
base (a rule set's values through `rules_from_values`, or rule names); the table's own ``rules`` override it; the
national defaults (`DEFAULT_RULES`) fill the rest (`resolve_rules`).

Formulas (``w`` is the weight actually used, after rescaling; ratios are capped at 1 for the score):

- funds: rate = executed ÷ full-year budget (the initial budget when the full-year one is missing or 0);
  score = w × min(rate, 1) (``execution_formula`` "proportional", the only one defined).
- ``≥``/``>``: w × min(actual ÷ target, 1).  ``≤``/``<``: full when actual ≤ target, else w × target ÷ actual.
- ``=``: full when equal, else w × actual ÷ target below and w × target ÷ actual above.
- interval [lo, hi]: full inside, w × actual ÷ lo below, w × hi ÷ actual above.
- a number printed without a comparator reads as ``≥``, or ``≤`` when the name says lower is better (事故起数).
- dates: met (on or before the deadline) → full; late → w × (deadline − 1 Jan of the project year) ÷
  (actual − 1 Jan), in days; a yearless date (``12月底前``, ``9月28日``) is resolved in the project year.
  Durations (``≤11个月``) are numbers: ``12个月`` against it scores w × 11 ÷ 12.
- units must agree after conversion (money to 元, ‰ to %, 公里/米, 年/个月, 人/人次 …; an actual printed without a
  unit takes the target's; ``0.96`` against a percentage target is 96%; ``92分`` counts as 92% for a
  satisfaction survey; ``2023.11`` against a date is November 2023; ``无``/``未发生`` against ``≤3起`` is 0);
  otherwise the row is UNPARSEABLE and scores 0 until a reviewer scores it by hand.
- qualitative (and a quantitative target whose actual is words such as 已完成/达标): tiers
  ``qualitative_tiers`` (达成 80–100%, 部分达成 60–80%, 未达成 0–60% of w). With ``judgement`` (0–1) the score is
  w × judgement; without it the tier is inferred from the wording of the actual (`infer_tier`) and the row scores
  the top of that tier (NO_JUDGEMENT). An actual missing, empty or 未完成 scores 0 (NO_ACTUAL); an actual that
  repeats the target is taken as met at the target (ACTUAL_REPEATS_TARGET).
- over-achievement: actual ≥ ``over_achievement_ratio`` × target (``≥``) or ≤ target ÷ it (``≤``) →
  ``over_achieved`` and an OVER_ACHIEVED note (the target may have been set too low); the score stays capped.
- weights: a missing weight gets an equal share of what its level-one block has left under ``block_weights``, else
  of what the table has left under 100; inapplicable rows are dropped; all weights (funds included) are then
  scaled by ``scale`` = 100 ÷ (their sum), so the total is always out of 100.
- total = the sum of the exact scores rounded to 2 decimals (the rows show theirs rounded); grade by
  ``grade_bands`` (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差, lower bounds inclusive; `grade_of`).

Inside, numbers are Decimal; the result holds JSON numbers (scores rounded to 2 decimals, ratios to 4).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from perfbudget.goals import goalfile
from perfbudget.indicators import naming
from perfbudget.indicators.values import Value, base_quantity, deadline, parse_value

from . import audit as _audit
from . import selfevalfile
from .selfevalfile import FormatError

OUTPUT, BENEFIT, SATISFACTION, COST = goalfile.OUTPUT, goalfile.BENEFIT, goalfile.SATISFACTION, goalfile.COST
ACHIEVED, PARTIAL, MISSED = "达成", "部分达成", "未达成"
TIERS = (ACHIEVED, PARTIAL, MISSED)

DEFAULT_RULES = {
    "execution_weight": 10,
    "block_weights": {OUTPUT: 50, BENEFIT: 30, SATISFACTION: 10},
    "grade_bands": [90, 80, 60],
    "execution_reason_below": 0.9,
    "execution_formula": "proportional",
    "qualitative_tiers": {ACHIEVED: [0.8, 1.0], PARTIAL: [0.6, 0.8], MISSED: [0, 0.6]},
    "over_achievement_ratio": 1.5,
    "claim_tolerance": 0.5,
}
# Rule-set key → rule name.
RULE_KEYS = {
    "selfeval.execution_weight": "execution_weight",
    "selfeval.block_weights": "block_weights",
    "grades.bands": "grade_bands",
    "selfeval.execution_reason_below": "execution_reason_below",
    "selfeval.execution_formula": "execution_formula",
    "selfeval.qualitative_tiers": "qualitative_tiers",
    "selfeval.over_achievement_ratio": "over_achievement_ratio",
    "selfeval.claim_tolerance": "claim_tolerance",
}
RULE_ALIASES = {"bands": "grade_bands", "grades": "grade_bands", "tiers": "qualitative_tiers",
                "tolerance": "claim_tolerance"}
EXECUTION_FORMULAS = ("proportional",)
GRADE_NAMES = ("优", "良", "中", "差")

_ZERO, _ONE, _HUNDRED = Decimal(0), Decimal(1), Decimal(100)
_CENT, _RATIO = Decimal("0.01"), Decimal("0.0001")

# Units that compare after a factor (to the first unit of the pair); money and ‰ go through values.base_quantity.
UNIT_FACTORS = {
    "公里": ("米", Decimal(1000)), "千米": ("米", Decimal(1000)), "吨": ("千克", Decimal(1000)),
    "年": ("个月", Decimal(12)), "周": ("天", Decimal(7)), "小时": ("分钟", Decimal(60)),
    "公顷": ("亩", Decimal(15)), "平方公里": ("平方米", Decimal(1000000)), "名": ("人", _ONE), "位": ("人", _ONE),
}

# Wording of an actual → tier (DOMAIN.md §4.6). Checked in this order; see `infer_tier`.
PARTIAL_NEGATIONS = ("未全部", "未完全", "尚未全部", "没有全部", "未能全部", "部分未", "个别未", "少数未")
ZERO_INCIDENT = re.compile(r"(?:无|零|未发生|没有发生|未出现|杜绝|未收到)[\u4e00-\u9fff]{0,8}?"
                           r"(?:事故|投诉|事件|案件|问题|违规|违纪|举报|纠纷|伤亡|损失)")
NEGATION_WORDS = ("未", "没有", "不到位", "滞后", "较差", "不足", "不达标", "不合格", "不满意", "不理想", "不明显",
                  "欠缺", "差距较大", "无法", "未能", "偏低", "失败", "不够", "延期", "延误", "逾期", "停滞")
PARTIAL_WORDS = ("基本", "部分", "初步", "较好", "一般", "有所", "大部分", "大体", "逐步", "尚可", "比较满意",
                 "较满意", "略有")
ACHIEVED_WORDS = ("达成", "达到", "完成", "实现", "健全", "有效", "良好", "明显", "显著", "满意", "是", "优秀", "合格",
                  "达标", "建成", "建立", "提升", "提高", "改善", "增强", "通过", "按时", "按期", "及时", "全覆盖",
                  "符合", "正常", "稳定", "规范", "到位", "落实", "优良", "好")
DOWN_WORDS = ("减少", "下降", "降低", "压减", "缩短", "减轻")
UP_WORDS = ("增加", "上升", "提高", "增长", "提升", "扩大")
ZERO_WORDS = frozenset({"无", "零", "未发生", "没有", "没有发生", "无发生", "均未发生"})
# Comparators a unit copies when it restates the target as its actual ("≥500人次"); "达到96%" is a result.
RESTATED = re.compile(r"[≥≤<>≧≦＞＜]|不低于|不少于|不超过|不高于|以上|以下|以内|之内|大于|小于|高于|低于")
EXACT_ACHIEVED = frozenset({"是", "有", "优", "良", "√", "✓", "达到", "完成", "已完成", "全部完成", "100%完成"})
EXACT_MISSED = frozenset({"否", "无", "×", "差"})
NOT_DONE_TEXTS = frozenset({"未完成", "未达成", "未实现", "未开展", "未实施", "未启动", "没有完成", "尚未完成",
                            "未开工", "未达到", "未执行", "未验收", "暂未完成", "仍未完成", "尚未开展", "尚未实施",
                            "暂未开展", "未按期完成", "未按时完成"})
_RE_NORM_SPACE = re.compile(r"\s+")
_RE_YEAR_MONTH = re.compile(r"^((?:19|20)\d{2})[.．](0?[1-9]|1[0-2])$")


# ---------------------------------------------------------------------------------------------------------------
# Rules


def _dec(value, field) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise FormatError(field, "应为数字")
    try:
        number = Decimal(str(value).strip().removesuffix("%").removesuffix("分")) if isinstance(
            value, str) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise FormatError(field, f"“{value}”不是数字") from None
    if not number.is_finite():
        raise FormatError(field, f"“{value}”不是有限的数字")
    if isinstance(value, str) and value.strip().endswith("%"):
        number /= 100
    return number


def _num(number: Decimal):
    """A Decimal as a JSON number: int when whole, else float."""
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _share(value, field) -> Decimal:
    """0.9, "90%" or 90 → 0.9."""
    number = _dec(value, field)
    if number > 1:
        number /= 100
    if not _ZERO <= number <= _ONE:
        raise FormatError(field, f"“{value}”应在0到1之间（或0%到100%）")
    return number


def _mapped(values: dict) -> dict:
    out = {}
    for key, value in values.items():
        if not isinstance(key, str):
            continue
        name = RULE_KEYS.get(key) or RULE_ALIASES.get(key) or key
        if name in DEFAULT_RULES:
            out[name] = value
    return out


def _apply(out: dict, given: dict, where: str):
    """Overlay validated `given` (rule names) onto `out` (JSON-ready rules)."""
    for name, value in _mapped(given).items():
        field = f"{where}.{name}"
        if value is None:
            continue
        if name in ("execution_weight", "claim_tolerance"):
            number = _dec(value, field)
            if not _ZERO <= number <= _HUNDRED:
                raise FormatError(field, f"“{value}”应在0到100之间")
            out[name] = _num(number)
        elif name == "over_achievement_ratio":
            number = _dec(value, field)
            if number < 1:
                raise FormatError(field, f"超额完成提示倍数“{value}”不应小于1")
            out[name] = _num(number)
        elif name == "execution_reason_below":
            out[name] = _num(_share(value, field))
        elif name == "execution_formula":
            formula = str(value).strip().lower()
            if formula not in EXECUTION_FORMULAS:
                raise FormatError(field, f"不支持的执行率得分公式“{value}”，应为 proportional")
            out[name] = formula
        elif name == "block_weights":
            if not isinstance(value, dict):
                raise FormatError(field, "一级指标分值应为对象，如 {\"产出指标\": 50}")
            blocks = {}
            for label, weight in value.items():
                number = _dec(weight, f"{field}.{label}")
                if not _ZERO <= number <= _HUNDRED:
                    raise FormatError(f"{field}.{label}", f"分值“{weight}”应在0到100之间")
                blocks[goalfile.normalise_level1(label)] = _num(number)
            out[name] = blocks
        elif name == "grade_bands":
            if not isinstance(value, (list, tuple)) or len(value) != 3:
                raise FormatError(field, "等级分数线应为三个数（优、良、中的下限），如 [90, 80, 60]")
            bands = [_dec(v, f"{field}[{i}]") for i, v in enumerate(value)]
            if not bands[0] >= bands[1] >= bands[2] >= 0:
                raise FormatError(field, "等级分数线应从高到低排列，如 [90, 80, 60]")
            out[name] = [_num(b) for b in bands]
        elif name == "qualitative_tiers":
            if not isinstance(value, dict):
                raise FormatError(field, "定性分档应为对象，如 {\"达成\": [0.8, 1.0]}")
            tiers = dict(out[name])
            for tier, bounds in value.items():
                if tier not in TIERS:
                    raise FormatError(f"{field}.{tier}", f"分档“{tier}”应为达成、部分达成、未达成之一")
                if not isinstance(bounds, (list, tuple)) or len(bounds) != 2:
                    raise FormatError(f"{field}.{tier}", "每档应为[下限, 上限]，如 [0.8, 1.0]")
                lo, hi = (_share(b, f"{field}.{tier}") for b in bounds)
                if lo > hi:
                    raise FormatError(f"{field}.{tier}", "下限不应大于上限")
                tiers[tier] = [_num(lo), _num(hi)]
            out[name] = tiers


def _copy(rules: dict) -> dict:
    return {k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v) for k, v in rules.items()}


def resolve_rules(rules: dict | None = None, base: dict | None = None) -> dict:
    """The rules used: the national `DEFAULT_RULES`, overlaid by `base` (e.g. a rule set's, through
    `rules_from_values`), overlaid by `rules` (a table's own ``rules``). Both may use rule names or rule-set keys
    (``selfeval.execution_weight`` …). Invalid values raise FormatError naming ``rules.<name>``."""
    out = _copy(DEFAULT_RULES)
    if base:
        _apply(out, base, "rules")
    if rules:
        _apply(out, rules, "rules")
    return out


def rules_from_values(values: dict) -> dict:
    """Engine rules from a rule set's values keyed ``selfeval.execution_weight``, ``selfeval.block_weights``,
    ``grades.bands`` … (see `RULE_KEYS`); other keys are ignored."""
    return resolve_rules({RULE_KEYS[k]: v for k, v in (values or {}).items() if k in RULE_KEYS})


class Prepared:
    """Resolved rules as Decimals, built once per distinct rule dict (`prepare`)."""

    __slots__ = ("rules", "execution_weight", "block_weights", "bands", "reason_below", "tiers", "over_ratio",
                 "tolerance")

    def __init__(self, rules: dict):
        self.rules = rules
        self.execution_weight = Decimal(str(rules["execution_weight"]))
        self.block_weights = {k: Decimal(str(v)) for k, v in rules["block_weights"].items()}
        self.bands = [Decimal(str(b)) for b in rules["grade_bands"]]
        self.reason_below = Decimal(str(rules["execution_reason_below"]))
        self.tiers = {k: (Decimal(str(v[0])), Decimal(str(v[1]))) for k, v in rules["qualitative_tiers"].items()}
        self.over_ratio = Decimal(str(rules["over_achievement_ratio"]))
        self.tolerance = Decimal(str(rules["claim_tolerance"]))


_PREPARED: dict = {}
_DEFAULT_PREPARED = Prepared(_copy(DEFAULT_RULES))


def prepare(rules: dict | None) -> Prepared:
    """`rules` (rule names or rule-set keys over the defaults, as `resolve_rules` reads them; None for the
    defaults) as a `Prepared`, cached by content so that scoring many tables resolves them once."""
    if isinstance(rules, Prepared):
        return rules
    if not rules:
        return _DEFAULT_PREPARED
    key = repr(sorted((str(k), repr(v)) for k, v in rules.items()))
    found = _PREPARED.get(key)
    if found is None:
        if len(_PREPARED) > 256:
            _PREPARED.clear()
        found = _PREPARED[key] = Prepared(resolve_rules(None, rules))
    return found


def grade_of(total, bands=None) -> str:
    """优/良/中/差 of a total by the lower bounds `bands` ([90, 80, 60] by default; each bound inclusive)."""
    if total is None:
        return ""
    total = total if isinstance(total, Decimal) else Decimal(str(total))
    for name, bound in zip(GRADE_NAMES, bands or DEFAULT_RULES["grade_bands"], strict=False):
        if total >= (bound if isinstance(bound, Decimal) else Decimal(str(bound))):
            return name
    return GRADE_NAMES[3]


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _round(number: Decimal, step=_CENT) -> Decimal:
    try:
        return number.quantize(step, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # a ratio too large for the context's precision (an absurd actual): keep it
        return number


def plain(number) -> str:
    """A number as printed in Chinese tables: no trailing zeros (20, 19.17, 0.5)."""
    if number is None:
        return ""
    if not isinstance(number, Decimal):
        number = Decimal(str(number))
    return _plain(number)


@lru_cache(maxsize=4096)
def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(ratio: Decimal) -> str:
    """0.95833 → "95.83%"."""
    return plain(_round(ratio * _HUNDRED)) + "%"


def _norm(text: str) -> str:
    return _RE_NORM_SPACE.sub("", unicodedata.normalize("NFKC", text or "")).replace("％", "%")


@lru_cache(maxsize=8192)
def _quantity(v: Value):
    """(value, upper, unit) in a comparable base unit, or None."""
    q = base_quantity(v)
    if q is None:
        return None
    value, upper, unit = q
    conv = UNIT_FACTORS.get(unit)
    if conv:
        unit, factor = conv
        value = value * factor
        upper = upper * factor if upper is not None else None
    return value, upper, unit


def _units_compatible(a: str, b: str, name: str = "") -> bool:
    if a == b or a + "次" == b or b + "次" == a:
        return True
    # a satisfaction survey scored out of 100 ("92分") against a percentage target
    return {a, b} == {"分", "%"} and naming.looks_like_satisfaction(name)


@lru_cache(maxsize=4096)
def infer_tier(actual: str, target: str = "") -> str | None:
    """The tier (达成/部分达成/未达成) the wording of an actual suggests, or None when it does not tell.

    In order: the actual equals the target wording (or is 是/已完成) → 达成; "未全部/未完全" → 部分达成; a
    zero-incident statement (未发生安全事故) → 达成; a negation not in the target (未, 没有, 不到位, 滞后, 较差 …)
    → 未达成; a partial word (基本, 部分, 初步, 较好, 一般, 有所 …) → 部分达成; the actual contains the target
    wording → 达成; an achievement word (达成, 完成, 实现, 健全, 有效, 良好, 显著, 满意 …) → 达成."""
    a, t = _norm(actual), _norm(target)
    if not a:
        return None
    if a == t or a in EXACT_ACHIEVED:
        return ACHIEVED
    if a in ZERO_WORDS and any(w in t for w in ("无", "零", "杜绝", "未发生", "不发生", "没有")):
        return ACHIEVED  # "无" printed against "无重大安全事故"
    if a in EXACT_MISSED:
        return MISSED
    if any(w in a for w in PARTIAL_NEGATIONS):
        return PARTIAL
    for asked, opposite in ((DOWN_WORDS, UP_WORDS), (UP_WORDS, DOWN_WORDS)):
        if any(w in t for w in asked) and any(w in a for w in opposite) and not any(w in a for w in asked):
            return MISSED  # "较上年减少" asked, "较上年增加2%" printed
    if ZERO_INCIDENT.search(a) and not a.startswith(("未杜绝", "未能杜绝")):
        return ACHIEVED
    if any(w in a and w not in t for w in NEGATION_WORDS):
        return MISSED
    if any(w in a and w not in t for w in PARTIAL_WORDS):
        return PARTIAL
    if len(t) >= 2 and t in a:
        return ACHIEVED
    if any(w in a for w in ACHIEVED_WORDS):
        return ACHIEVED
    return None


@lru_cache(maxsize=16384)
def _effective(text: str, unit: str, name: str) -> Value:
    return goalfile.effective_target({"target": text, "unit": unit, "name": name})


def parsed_cell(row: dict, key: str = "target") -> Value:
    """The parsed target (or actual, `key`) of a loaded row with its unit column applied, cached."""
    return _effective(row.get(key) or "", row.get("unit") or "", row.get("name") or "")


def _tier_of_share(share: Decimal, tiers) -> list[str]:
    return [name for name in TIERS if name in tiers and tiers[name][0] <= share <= tiers[name][1]]


# ---------------------------------------------------------------------------------------------------------------
# One row


class _Row:
    """The working state of one row's scoring."""

    __slots__ = ("row", "i", "label", "notes", "ratio", "completion", "kind", "met", "how", "over", "tier",
                 "certain", "repeats", "actual_pct")

    def __init__(self, row):
        self.row = row
        self.i = row.get("index")
        self.label = f"第{(self.i or 0) + 1}个指标“{row.get('name', '')}”"
        self.notes = []
        self.ratio = _ZERO  # share of the weight earned, 0–1
        self.completion = None  # uncapped completion ratio, or None
        self.kind = "qualitative"
        self.met = None  # True/False when the target is definitely met or missed
        self.how = ""  # the explanation up to the score
        self.over = False
        self.tier = None
        self.certain = True  # False: a reviewer should look (inferred tier, unreadable value)
        self.repeats = False
        self.actual_pct = None  # the actual as a share (0.8 for 80%) when printed as a percentage

    def note(self, code, message):
        self.notes.append({"code": code, "severity": _audit.SEVERITY[code], "indicator": self.i, "message": message})


def score_row(row: dict, rules=None, year: int | None = None, weight=None) -> dict:
    """Score one loaded indicator row (a `selfevalfile.load` row) by `rules` (resolved, or None for the defaults)
    in the project `year` (for yearless dates). `weight` is the weight to score on (the row's own by default; the
    table passes the rescaled one). Returns the row's result: ``index``, ``applicable``, ``parsed_target``,
    ``parsed_actual``, ``completion``, ``score``, ``raw_score`` (on the printed/assigned weight), ``weight``,
    ``weight_used``, ``over_achieved``, ``tier``, ``met``, ``explanation`` and ``notes`` (findings about the row
    alone: UNPARSEABLE, NO_ACTUAL, NO_JUDGEMENT …)."""
    return _score_row(row, prepare(rules), year, weight)[0]


def _score_row(row: dict, prepared: Prepared, year, weight) -> tuple[dict, Decimal]:
    """`score_row`'s result and the exact (unrounded) score that counts toward the total."""
    printed = row.get("weight")
    base_weight = Decimal(str(printed)) if printed is not None else _ZERO
    used = Decimal(str(weight)) if weight is not None else base_weight
    state = _Row(row)
    target = parsed_cell(row)
    actual = parsed_cell(row, "actual")
    result = {
        "index": state.i,
        "level1": row.get("level1", ""),
        "level2": row.get("level2", ""),
        "name": row.get("name", ""),
        "target": row.get("target", ""),
        "actual": row.get("actual", ""),
        "applicable": row.get("applicable", True) is not False,
        "parsed_target": target.to_dict(),
        "parsed_actual": actual.to_dict(),
    }
    if not result["applicable"]:
        state.note("NOT_APPLICABLE", f"{state.label}不适用，不计分，其余指标按比例折算为满分100分。")
        result.update({"kind": "inapplicable", "completion": None, "score": None, "raw_score": None,
                       "weight": printed, "weight_used": 0, "over_achieved": False, "tier": None, "met": None,
                       "certain": True, "explanation": "本指标不适用，不计分，其余指标按比例折算。",
                       "notes": state.notes})
        return result, _ZERO
    _score(state, target, actual, prepared, year)
    score = _round(used * state.ratio)
    raw = _round(base_weight * state.ratio)
    shown_weight = plain(_round(used)) if used == base_weight or printed is None else (
        f"{plain(base_weight)}（折算为{plain(_round(used))}）")
    if state.how.endswith("得0分"):
        explanation = state.how
    else:
        explanation = f"{state.how}，得分={shown_weight}×{percent(state.ratio)}={plain(score)}"
    result.update({
        "kind": state.kind,
        "completion": None if state.completion is None else float(_round(state.completion, _RATIO)),
        "score": _num(score),
        "raw_score": _num(raw),
        "weight": printed,
        "weight_used": _num(_round(used, _RATIO)),
        "over_achieved": state.over,
        "tier": state.tier,
        "met": state.met,
        "certain": state.certain,
        "repeats_target": state.repeats,
        "actual_share": None if state.actual_pct is None else float(state.actual_pct),
        "explanation": explanation,
        "notes": state.notes,
    })
    return result, used * state.ratio


def _score(s: _Row, target: Value, actual: Value, p: Prepared, year):
    row = s.row
    actual_text = _norm(row.get("actual", ""))
    if target.kind in ("number", "percent") and target.value is not None:
        s.kind = "quantitative"
    elif target.kind == "date":
        s.kind = "date"
    else:
        s.kind = "qualitative"
    if actual.kind == "percent" and actual.value is not None and actual.unit == "%":
        s.actual_pct = actual.value / _HUNDRED
    if s.kind == "qualitative":
        if target.kind == "empty":
            s.certain = False
            s.note("UNPARSEABLE", f"{s.label}未填年度指标值，无法按公式计分：已按定性指标评分，请复核。")
        _qualitative(s, target, actual, p)
        return
    # a quantitative or date target
    if actual_text in ZERO_WORDS and s.kind == "quantitative" and (target.value == 0 or target.op in ("≤", "<")):
        actual = parse_value(f"0{target.unit}")  # "无" incidents against "≤3起"
    elif actual.kind == "empty" or actual_text in NOT_DONE_TEXTS:
        _no_actual(s, actual_text)
        return
    if actual.op not in (None, "=") and (actual_text == _norm(row.get("target", "")) or (
            RESTATED.search(actual_text) and _same(target, actual))):
        s.repeats, s.met, s.ratio, s.completion, s.certain = True, True, _ONE, _ONE, False
        s.note("ACTUAL_REPEATS_TARGET", f"{s.label}的实际完成值“{row.get('actual')}”照抄目标值，无法核实："
                                        "按达到目标计分，请补充实际数据。")
        s.how = f"实际完成值照抄目标“{row.get('target')}”，按达到目标计"
        return
    if s.kind == "date":
        _date(s, target, actual, p, year)
    else:
        _quantitative(s, target, actual, p)


def _same(target: Value, actual: Value) -> bool:
    if target.kind != actual.kind:
        return False
    if target.kind == "date":
        return target.op == actual.op and target.date == actual.date and target.period == actual.period
    return target.op == actual.op and _quantity(target) == _quantity(actual)


def _no_actual(s: _Row, actual_text: str):
    s.met, s.ratio, s.completion = False, _ZERO, None
    if actual_text:
        s.note("NO_ACTUAL", f"{s.label}的实际完成值为“{s.row.get('actual')}”，按未完成得0分。")
        s.how = f"实际完成值为“{s.row.get('actual')}”，未完成，得0分"
    else:
        s.note("NO_ACTUAL", f"{s.label}未填实际完成值，得0分：请补充实际完成情况。")
        s.how = "未填实际完成值，得0分"


def _words_for_number(s: _Row, target: Value, actual: Value, p: Prepared, why: str):
    """A quantitative or date target whose actual cannot be compared: score by the wording of the actual."""
    s.certain = False
    tier = infer_tier(s.row.get("actual", ""), s.row.get("target", ""))
    s.completion = None
    if tier is None:
        s.note("UNPARSEABLE", f"{s.label}的实际完成值“{s.row.get('actual')}”{why}，无法计算完成率：暂得0分，"
                              "请填写与目标同单位的实际数值后由复核人评分。")
        s.how = f"实际完成值“{s.row.get('actual')}”{why}，无法计算完成率，得0分"
        s.ratio, s.met = _ZERO, None
        return
    s.tier = tier
    s.ratio = p.tiers.get(tier, (_ZERO, _ONE))[1]
    s.met = True if tier == ACHIEVED else False
    s.note("UNPARSEABLE", f"{s.label}的实际完成值“{s.row.get('actual')}”{why}，按措辞归入“{tier}”档，"
                          f"取档内上限{percent(s.ratio)}：请填写实际数值。")
    s.how = f"实际完成值“{s.row.get('actual')}”{why}，按措辞归入“{tier}”档，取上限{percent(s.ratio)}"


def _quantitative(s: _Row, target: Value, actual: Value, p: Prepared):
    row = s.row
    if actual.kind not in ("number", "percent") or actual.value is None:
        _words_for_number(s, target, actual, p, "不是数值")
        return
    tq, aq = _quantity(target), _quantity(actual)
    t_lo, t_hi, t_unit = tq
    a_val, _a_hi, a_unit = aq
    if a_unit and t_unit and not _units_compatible(a_unit, t_unit, row.get("name", "")):
        s.certain, s.met, s.ratio, s.completion = False, None, _ZERO, None
        s.note("UNPARSEABLE", f"{s.label}的实际完成值“{row.get('actual')}”与目标“{row.get('target')}”"
                              f"单位不一致（{actual.unit or '无单位'}与{target.unit or '无单位'}），"
                              "无法计算完成率：暂得0分，请核对。")
        s.how = f"实际完成值“{row.get('actual')}”与目标“{row.get('target')}”单位不一致，无法计算完成率，得0分"
        return
    shown = f"实际完成{row.get('actual')}，目标{row.get('target')}"
    if target.kind == "percent" and not actual.unit and 0 < a_val <= Decimal("1.5") < t_lo and t_lo <= _HUNDRED:
        a_val = a_val * _HUNDRED  # "0.96" printed for 96% against "≥95%"
        shown += f"（按{plain(a_val)}%计）"
    op = target.op or ("≤" if naming.looks_like_reverse(row.get("name", "")) else "≥")
    if op in (">", "≥"):
        completion = _div(a_val, t_lo, a_val >= t_lo)
        s.met = a_val >= t_lo
        s.over = t_lo > 0 and completion is not None and completion >= p.over_ratio
        how = f"完成率{percent(completion)}" if completion is not None else ("达到目标" if s.met else "未达到目标")
    elif op in ("<", "≤"):
        s.met = a_val <= t_lo
        if s.met:
            completion = _ONE if a_val <= 0 else _div(t_lo, a_val, True)
            s.over = a_val > 0 and t_lo > 0 and completion >= p.over_ratio
            how = "未超过目标，达到目标"
        else:
            completion = _div(t_lo, a_val, False)
            how = f"超出目标，完成率={plain(t_lo)}÷{plain(a_val)}={percent(completion)}" if completion is not None \
                else "超出目标"
    elif op == "interval":
        hi = t_hi if t_hi is not None else t_lo
        s.met = t_lo <= a_val <= hi
        if s.met:
            completion, how = _ONE, "在目标区间内，达到目标"
        elif a_val < t_lo:
            completion = _div(a_val, t_lo, False)
            how = f"低于区间下限，完成率={plain(a_val)}÷{plain(t_lo)}={percent(completion)}" if completion is not None \
                else "低于区间下限"
        else:
            completion = _div(hi, a_val, False)
            how = f"高于区间上限，完成率={plain(hi)}÷{plain(a_val)}={percent(completion)}" if completion is not None \
                else "高于区间上限"
    else:  # "="
        s.met = a_val == t_lo
        if s.met:
            completion, how = _ONE, "与目标相等，达到目标"
        elif a_val < t_lo:
            completion = _div(a_val, t_lo, False)
            how = f"低于目标，完成率={percent(completion)}" if completion is not None else "低于目标"
        else:
            completion = _div(t_lo, a_val, False)
            how = f"高于目标，完成率={plain(t_lo)}÷{plain(a_val)}={percent(completion)}" if completion is not None \
                else "高于目标"
    if completion is None:
        completion = _ONE if s.met else _ZERO
    s.completion = completion
    s.ratio = min(completion, _ONE) if completion > 0 else _ZERO
    if completion > _ONE and op in (">", "≥"):
        how += "（按100%计）"
    s.how = f"{shown}，{how}"
    if s.over:
        s.note("OVER_ACHIEVED", f"{s.label}实际完成{row.get('actual')}，远超目标{row.get('target')}"
                                f"（{plain(p.over_ratio)}倍以上）：目标可能定得过低，请在下年度调整。")


def _div(a: Decimal, b: Decimal, met: bool) -> Decimal | None:
    """a ÷ b for ratios, or None where it means nothing (a zero or negative side)."""
    if a <= 0 or b <= 0:
        return None if met else (_ZERO if a <= 0 else None)
    return a / b


def _date(s: _Row, target: Value, actual: Value, p: Prepared, year):
    row = s.row
    year = year or (target.date.year if target.date else None)
    due = deadline(target, year)
    if due is None:
        s.certain, s.met, s.ratio = False, None, _ZERO
        s.note("UNPARSEABLE", f"{s.label}的目标“{row.get('target')}”缺年份且项目未写年度，无法确定时限：暂得0分。")
        s.how = f"目标“{row.get('target')}”无法确定时限，得0分"
        return
    if actual.kind == "number" and (m := _RE_YEAR_MONTH.match(_norm(row.get("actual", "")))):
        actual = parse_value(f"{m.group(1)}年{int(m.group(2))}月")  # "2023.11": a month, not a number
    if actual.kind != "date":
        _words_for_number(s, target, actual, p, "不是日期")
        return
    done = deadline(actual, year)
    if done is None:
        _words_for_number(s, target, actual, p, "不是完整日期")
        return
    shown = f"实际完成于{done.isoformat()}，目标{row.get('target')}（{due.isoformat()}）"
    if target.op == "≥":  # "不早于": rare, a start date
        s.met = done >= due
    else:
        s.met = done <= due
    if s.met:
        s.ratio, s.completion = _ONE, _ONE
        s.how = f"{shown}，按时完成"
        return
    start = datetime.date(year or due.year, 1, 1)
    allowed, used = (due - start).days, (done - start).days
    if target.op == "≥":
        allowed, used = used, allowed
    if allowed <= 0 or used <= 0:
        s.ratio, s.completion = _ZERO, _ZERO
        s.how = f"{shown}，未按时完成"
        return
    s.completion = Decimal(allowed) / Decimal(used)
    s.ratio = min(s.completion, _ONE)
    s.how = f"{shown}，逾期{abs((done - due).days)}天，完成率=时限天数{allowed}÷实际天数{used}={percent(s.ratio)}"


def _qualitative(s: _Row, target: Value, actual: Value, p: Prepared):
    row = s.row
    judgement = row.get("judgement")
    actual_text = row.get("actual", "")
    s.kind = "qualitative"
    zero = _norm(actual_text) in ZERO_WORDS
    tier = infer_tier(actual_text, row.get("target", "")) if actual.kind != "empty" or zero else None
    if tier is None and actual.kind in ("number", "percent", "date") and actual.value is not None or (
            tier is None and actual.kind == "date"):
        tier = ACHIEVED  # a measured result against a worded target
    if (actual.kind == "empty" and tier is None) or _norm(actual_text) in NOT_DONE_TEXTS:
        if judgement is None:
            _no_actual(s, _norm(actual_text))
            return
        s.note("NO_ACTUAL", f"{s.label}未填实际完成情况：得分依据评价比例，请补充实际完成情况。")
    if judgement is not None:
        share = Decimal(str(judgement))
        s.ratio = share
        s.tier = (_tier_of_share(share, p.tiers) or [None])[0]
        s.met = share >= _ONE
        if tier is not None and tier in p.tiers:
            lo, hi = p.tiers[tier]
            if not lo <= share <= hi:
                s.note("JUDGEMENT_OUT_OF_TIER",
                       f"{s.label}的实际“{actual_text}”属“{tier}”档（{percent(lo)}–{percent(hi)}），"
                       f"评价比例{percent(share)}在档外：请说明理由或调整。")
            else:
                s.tier = tier  # a share on a boundary (80%) belongs to the tier the wording names
        s.how = f"定性指标，实际“{actual_text}”，评价比例{percent(share)}" + (
            f"（{s.tier}档）" if s.tier else "")
        return
    s.certain = False
    if tier is None:
        tier = PARTIAL
        why = "措辞无法判断档次，暂按“部分达成”"
    else:
        why = f"按措辞归入“{tier}”档"
    s.tier = tier
    s.ratio = p.tiers.get(tier, (_ZERO, _ONE))[1]
    s.met = tier == ACHIEVED
    s.note("NO_JUDGEMENT", f"{s.label}未给出评价比例，{why}，取档内上限{percent(s.ratio)}：请评价人在档内确定得分"
                           "比例并说明理由。")
    s.how = f"定性指标，实际“{actual_text}”，未给出评价比例，{why}，取档内上限{percent(s.ratio)}"


# ---------------------------------------------------------------------------------------------------------------
# The table


def _level1_block(level1: str, blocks) -> str:
    if level1 == COST and COST not in blocks:
        return OUTPUT  # 101号 layout scored against 10号 block weights: cost sits under output
    return level1


def assign_weights(rows: list, funds_weight: Decimal, block_weights: dict) -> tuple[list, list]:
    """Weights for every row (printed, or spread for a missing one) and the notes on how missing ones were
    filled: an equal share of what the row's level-one block has left under `block_weights`, else of what the
    table has left under 100 (funds weight included)."""
    weights = [Decimal(str(r["weight"])) if r.get("weight") is not None else None for r in rows]
    missing = [k for k, w in enumerate(weights) if w is None]
    if not missing:
        return weights, []
    notes = []
    by_block = {}
    for k, r in enumerate(rows):
        by_block.setdefault(_level1_block(r["level1"], block_weights), []).append(k)
    for block, members in by_block.items():
        gaps = [k for k in members if weights[k] is None]
        if not gaps or block not in block_weights:
            continue
        left = block_weights[block] - sum(weights[k] for k in members if weights[k] is not None)
        if left > 0:
            share = left / len(gaps)
            for k in gaps:
                weights[k] = share
            notes.append((block, gaps, share, "block"))
    gaps = [k for k in missing if weights[k] is None]
    if gaps:
        left = _HUNDRED - funds_weight - sum(w for w in weights if w is not None)
        share = left / len(gaps) if left > 0 else _ZERO
        for k in gaps:
            weights[k] = share
        notes.append(("", gaps, share, "table"))
    return weights, notes


def _execution(funds: dict, weight: Decimal, used: Decimal) -> dict:
    full = funds.get("full_year")
    initial = funds.get("initial")
    executed = funds.get("executed")
    budget = full if full not in (None, 0) else initial
    basis = "全年预算数" if full not in (None, 0) else "年初预算数"
    unit = funds.get("money_unit") or ""
    if budget in (None, 0) or executed is None:
        return {"rate": None, "ratio": _ZERO, "basis": basis, "score": _ZERO, "raw": _ZERO, "exact": _ZERO,
                "explanation": "缺少预算数或执行数，无法计算预算执行率，得0分"}
    rate = Decimal(str(executed)) / Decimal(str(budget))
    ratio = min(rate, _ONE)
    exact = used * ratio
    score, raw = _round(exact), _round(weight * ratio)
    shown = plain(weight) if used == weight else f"{plain(weight)}（折算为{plain(_round(used))}）"
    capped = "（超过100%按100%计）" if rate > 1 else ""
    return {"rate": rate, "ratio": ratio, "basis": basis, "score": score, "raw": raw, "exact": exact,
            "explanation": f"全年执行数{plain(Decimal(str(executed)))}{unit}÷{basis}{plain(Decimal(str(budget)))}{unit}"
                           f"，执行率{percent(rate)}{capped}，得分={shown}×{percent(ratio)}={plain(score)}"}


def score_table(table, rules: dict | None = None) -> dict:
    """Score and audit a self-evaluation table; see the module docstring. `table` is a `selfevalfile.load` result
    (or anything `load` reads); `rules` the base rules (rule names or rule-set keys), overridden by the table's."""
    if not (isinstance(table, dict) and table.get("format") == selfevalfile.FORMAT and "total_row" in table
            and isinstance(table.get("funds"), dict) and "money_unit" in table["funds"]):
        table = selfevalfile.load(table)
    p = prepare(resolve_rules(table.get("rules"), rules)) if (table.get("rules") or rules) else _DEFAULT_PREPARED
    year = table["project"].get("year")
    funds = table["funds"]
    rows = table["indicators"]
    printed_fw = funds.get("weight")
    fw = Decimal(str(printed_fw)) if printed_fw is not None else p.execution_weight
    weights, spread = assign_weights(rows, fw, p.block_weights)
    applicable = [r.get("applicable", True) is not False for r in rows]
    weight_total = fw + sum((w for w, a in zip(weights, applicable, strict=True) if a), _ZERO)
    scale = _HUNDRED / weight_total if weight_total > 0 else _ONE
    exact = abs(scale - _ONE) < Decimal("1e-9")
    results, exact_sum = [], _ZERO
    for row, w, a in zip(rows, weights, applicable, strict=True):
        if row.get("weight") is None:
            row = dict(row, weight=_num(_round(w, _RATIO)))
        scored, exact_score = _score_row(row, p, year, w if exact or not a else w * scale)
        results.append(scored)
        exact_sum += exact_score
        results[-1]["weight_assigned"] = rows[len(results) - 1].get("weight") is None
    execution = _execution(funds, fw, fw if exact else fw * scale)
    # the rounded sum of exact scores: never above 100 after rescaling (row scores shown are rounded apart)
    total = _round(execution["exact"] + exact_sum)
    result = {
        "format": selfevalfile.FORMAT,
        "project": table["project"],
        "execution_rate": None if execution["rate"] is None else float(_round(execution["rate"], _RATIO)),
        "execution_score": _num(execution["score"]),
        "funds": {
            "initial": funds.get("initial"), "full_year": funds.get("full_year"), "executed": funds.get("executed"),
            "money_unit": funds.get("money_unit", ""), "basis": execution["basis"],
            "weight": _num(fw), "weight_printed": printed_fw is not None,
            "weight_used": _num(_round(fw if exact else fw * scale, _RATIO)),
            "score": _num(execution["score"]), "raw_score": _num(execution["raw"]),
            "claimed_score": funds.get("claimed_score"), "reason": funds.get("reason", ""),
            "explanation": execution["explanation"],
        },
        "indicators": results,
        "total_score": _num(total),
        "grade": grade_of(total, p.bands),
        "weight_total": _num(_round(weight_total, _RATIO)),
        "scale": float(_round(scale, _RATIO)),
        "claimed_total": table.get("claimed_total"),
        "claimed_grade": table.get("claimed_grade") or None,
        "rules": _copy(p.rules),
        "weights_spread": [{"block": b, "indicators": [rows[k]["index"] for k in ks], "weight": _num(_round(sh, _CENT))}
                           for b, ks, sh, _how in spread],
    }
    findings = _audit.audit(table, result, p)
    by_row = {}
    for f in findings:
        if f["indicator"] is not None:
            by_row.setdefault(f["indicator"], []).append(f)
    for r in results:
        r.pop("notes", None)
        r["findings"] = by_row.get(r["index"], [])
    result["findings"] = findings
    result["counts"] = {s: sum(1 for f in findings if f["severity"] == s) for s in ("error", "warning", "info")}
    return result
