"""The demo region's performance goals (绩效目标): a deterministic plan built from `goal_tables.py` and the shipped
indicator library, then written idempotently after the project library.

`plan_goals()` is pure: for every project-year of the demo plan it decides whether a goal is declared, its
indicator rows (sound tables drawn from the library entries that fit the project, or weak ones: vague targets,
inputs as goals, no satisfaction indicator, copied from last year, weights that do not add up), its review path
and its final state; it adds a few adjustments (目标调整) and a mid-year addition (年中追加) to the executing year,
and budget cuts (核减) on goals the performance office returned.

`seed_goals()` writes the plan. The goals of the demo users' departments (`ENGINE_DEPARTMENTS`) run through the
real services (`start_goal`, `save_goal`, `submit`, `review`, `record_cut`) as the demo accounts; the others are
written in bulk with the workflow records and to-do items the engine would have written, dated when the steps
happened. Quality scores are computed by the same check the services use. Goals are keyed by (project-year,
version) and created only when missing, so running it again changes nothing.
"""

import datetime
import random
import re
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from perfbudget.core.middleware import current_request_id
from perfbudget.core.models import TodoItem, WorkflowRecord
from perfbudget.core.workflow import transition
from perfbudget.goals import quality, services
from perfbudget.goals.choices import GoalKind, GoalStatus
from perfbudget.goals.models import BudgetCut, Goal, GoalIndicator, printed_target
from perfbudget.goals.rows import clean_rows, number_of
from perfbudget.goals.workflow import GOAL_WORKFLOW
from perfbudget.indicators import frameworks, naming
from perfbudget.indicators.choices import BASIS_BY_LABEL, FROM_SYMBOL, Basis
from perfbudget.indicators.library import read_csv
from perfbudget.indicators.models import IndicatorEntry
from perfbudget.orgs.choices import OrgKind, Role
from perfbudget.projects.choices import ProjectClass
from perfbudget.projects.models import ProjectYear

from . import goal_tables as G
from . import tables as T

OUTPUT, BENEFIT, SATISFACTION = frameworks.OUTPUT, frameworks.BENEFIT, frameworks.SATISFACTION
LAYOUT = frameworks.layout(frameworks.DEFAULT_LAYOUT)
LEVEL1_OF = {l2: l1 for l1, l2s in LAYOUT.items() for l2 in l2s}
LEVEL2_ORDER = [l2 for l2s in LAYOUT.values() for l2 in l2s]
BLOCK_WEIGHTS = {OUTPUT: 50, BENEFIT: 30, SATISFACTION: 10}  # + 预算执行率 10 = 100 (DOMAIN.md §4.3)
PRIORITY = {"数量指标": 4.0, "质量指标": 3.0, "时效指标": 2.0, "成本指标": 2.5, "经济效益指标": 3.0,
            "社会效益指标": 3.0, "生态效益指标": 3.0, "可持续影响指标": 2.0, "服务对象满意度指标": 1.0}
MAX_WEIGHT = 20
# 元 per unit of output, for counts derived from a project's amount when the table gives no cost of its own.
COST_PER_UNIT = {"人": 3000, "人次": 400, "户": 8000, "亩": 1500, "公里": 800000, "个": 80000, "所": 1500000,
                 "场": 8000, "次": 5000, "件": 3000, "处": 150000, "座": 300000, "家": 150000, "平方米": 1500,
                 "吨": 3000, "项": 300000, "台": 30000, "条": 400000, "家次": 1500, "笔": 60000, "册": 60,
                 "盏": 4000, "平方公里": 3000000, "万平方米": 200000, "千瓦": 4000, "辆": 450000, "期": 30000}
CURRENT_YEAR = max(T.YEARS)
HISTORY_YEARS = tuple(y for y in T.YEARS if y != CURRENT_YEAR)
# The state each action leads to in the demo (departments consolidate; every department has a funding section).
TARGET = {"submit": GoalStatus.DEPT_REVIEW, "withdraw": GoalStatus.DRAFT, "dept_approve": GoalStatus.SECTION_REVIEW,
          "section_approve": GoalStatus.OFFICE_REVIEW, "office_approve": GoalStatus.APPROVED,
          "dept_return": GoalStatus.RETURNED, "section_return": GoalStatus.RETURNED,
          "office_return": GoalStatus.RETURNED}
REVIEWER = {"dept": Role.DEPARTMENT, "section": Role.FUNDING_SECTION, "office": Role.PERFORMANCE_OFFICE,
            "submit": Role.UNIT, "withdraw": Role.UNIT}

# ------------------------------------------------------------------------------------------------ the plan


@dataclass
class GoalPlan:
    """One goal to write: its rows (and the rows it had when it was returned, if it was), steps and state."""

    project: str
    year: int
    state: str
    quality: str  # "good", a warning kind (vague, units, library, copied, below) or an error kind
    overall: str
    annual: str
    rows: list
    steps: tuple  # ((action, comment, criteria, row comments), ...); action "edit" = the unit saves `rows`
    engine: bool
    first_rows: list | None = None  # the table as first submitted, when it was returned and fixed since
    version: int = 1
    kind: str = GoalKind.ANNUAL
    change_reason: str = ""
    addition_amount: Decimal | None = None


@dataclass(frozen=True)
class CutPlan:
    """核减 by the performance office on a goal it returned."""

    project: str
    year: int
    percent: int
    reason: str


@dataclass
class GoalsPlan:
    goals: list = field(default_factory=list)
    cuts: list = field(default_factory=list)


@cache
def _library():
    return {row["code"]: row for row in read_csv("entries.csv")}


_RE_SUGGESTION = re.compile(r"^(≥|≤|=)?\s*([\d.]+)(?:\s*-\s*([\d.]+))?")


def _from_library(code, spec=None):
    """A candidate row from a library entry: its categories, name, comparator, value spec and unit."""
    e = _library()[code]
    comparator = FROM_SYMBOL.get(e["direction"], "ge")
    unit = "" if e["unit"] == "日期" else e["unit"]
    suggestion, upper = e["suggested_target"], ""
    if comparator == "qual":
        if not suggestion:
            return None
        value = suggestion
    elif e["unit"] == "日期":
        value = ("{y1}年" + suggestion[2:]) if suggestion.startswith("次年") else "{y}年" + suggestion
    elif spec is not None:
        value = spec
    else:
        m = _RE_SUGGESTION.match(suggestion)
        if e["level2"] == "数量指标" and unit in COST_PER_UNIT:
            value = f"#{COST_PER_UNIT[unit]}"
        elif m:
            value, upper = m.group(2), m.group(3) or ""
        elif unit in COST_PER_UNIT:
            value = f"#{COST_PER_UNIT[unit]}"
        elif unit == "万元":
            value = "$2"
        elif unit == "%" and e["range_low"] and e["range_high"]:
            value = str((Decimal(e["range_low"]) + Decimal(e["range_high"])) / 2).rstrip("0").rstrip(".")
        else:
            return None  # nothing to set the target from
    if comparator == "range" and not upper:
        comparator = "ge"
    return {"level1": e["level1"], "level2": e["level2"], "name": e["name"], "comparator": comparator,
            "value": value, "upper": upper, "unit": unit, "entry": code,
            "basis": BASIS_BY_LABEL.get(e["basis"], Basis.PLAN)}


def _from_custom(c):
    return {"level1": LEVEL1_OF[c.level2], "level2": c.level2, "name": c.name, "comparator": c.comparator,
            "value": c.value, "upper": "", "unit": c.unit, "entry": "", "basis": Basis.PLAN}


def _candidate(item):
    if isinstance(item, G.C):
        return _from_custom(item)
    if isinstance(item, tuple):
        return _from_library(*item)
    return _from_library(item)


def _theme(name):
    return next((t for t in G.THEMES if any(k in name for k in t.keys)), None)


@cache
def _common(category):
    return [code for code, e in _library().items() if e["category_code"] == category]


@cache
def _sector(function_code):
    """Library entries (not common) whose function codes cover `function_code` most specifically."""
    found = []
    for code, e in _library().items():
        if e["is_common"] == "1" or e["category_code"] in G.NARROW_CATEGORIES:
            continue
        lengths = [len(fc) for fc in e["function_codes"].split() if function_code.startswith(fc)]
        if lengths:
            found.append((-max(lengths), code))
    best = min((n for n, _c in found), default=0)
    return [code for n, code in sorted(found) if n == best]


def _candidates(pp):
    """(domain, [candidate rows in order of preference]) for a project."""
    if pp.project_class == ProjectClass.PERSONNEL:
        rows = next(rows for word, rows in G.PERSONNEL_ROWS if word in pp.name)
        return "人员保障", [c for c in map(_candidate, rows) if c]
    if pp.project_class == ProjectClass.OPERATING:
        rows = next(rows for word, rows in G.OPERATING_ROWS if word in pp.name)
        return "单位运转", [c for c in map(_candidate, rows) if c]
    theme = _theme(pp.name)
    items = list(theme.rows) if theme else (_sector(pp.function_code) or list(G.GENERIC_ROWS))
    for words, category in G.COMMON_BY_NAME:
        if any(w in pp.name for w in words):
            items += _common(category)
    items += _common("Z01")
    return (theme.domain if theme else "业务工作"), [c for c in map(_candidate, items) if c]


# ---- targets


def _nice(x):
    """A count rounded as a table prints it: two significant figures, at least 1."""
    if x < 1:
        return 1
    n = int(round(x))
    if n < 100:
        return max(1, n)
    step = 10 ** (len(str(n)) - 2)
    return int(round(n / step) * step)


def _plain(d):
    text = format(Decimal(str(d)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _resolve(cand, amount, years, rng):
    """{year: target text} for the years of a project (counts grow year on year, dates follow the year)."""
    value = cand["value"]
    out = {}
    if value.startswith("#"):
        base = float(amount) * rng.uniform(0.45, 0.85) / float(value[1:])
        growth = rng.uniform(0.03, 0.12)
        previous = None
        for k, year in enumerate(years):
            n = _nice(base * (1 + growth) ** k)
            if previous is not None and n <= previous:
                n = previous + (1 if previous < 100 else 10 ** (len(str(previous)) - 2))
            out[year] = str(n)
            previous = n
    elif value.startswith("$"):
        wan = float(amount) / 10_000 * float(value[1:]) * rng.uniform(0.8, 1.2)
        for k, year in enumerate(years):
            out[year] = str(_nice(wan * (1.05 ** k)))
    elif "{y" in value:
        for year in years:
            out[year] = value.format(y=year, y1=year + 1)
    else:
        for year in years:
            out[year] = value
    return out


def _row(cand, target, weight=None):
    """A row dict as the goal page posts it."""
    return {"level1": cand["level1"], "level2": cand["level2"], "name": cand["name"],
            "comparator": cand["comparator"], "target": target, "upper": cand["upper"], "unit": cand["unit"],
            "basis": cand["basis"], "weight": "" if weight is None else _plain(weight), "is_core": "",
            "entry": cand["entry"], "note": ""}


def printed(row):
    return printed_target(row["comparator"], row["target"], row.get("upper", ""), row.get("unit", ""))


@cache
def _row_findings(level1, level2, name, text):
    """Codes the quality check raises on one row by itself (cached: the same rows recur across projects)."""
    table = {"format": quality.goalfile.FORMAT, "project": {"name": "—"}, "overall_goal": "",
             "indicators": [{"level1": level1, "level2": level2, "name": name, "target": text}]}
    return tuple(f["code"] for f in quality.check_goals(table)["findings"] if f["indicator"] == 0)


def _sample(cand):
    """A target of the candidate's shape, for checking its wording."""
    value = cand["value"]
    if value[:1] in "#$":
        return "10"
    return value.format(y=CURRENT_YEAR, y1=CURRENT_YEAR + 1) if "{y" in value else value


def _clean(cand, sample):
    """Whether the candidate, with a sample target, draws no finding; `=0` counts are tried as `≤0` too."""
    row = _row(cand, sample)
    if not _row_findings(cand["level1"], cand["level2"], cand["name"], printed(row)):
        return cand
    if cand["comparator"] == "eq" and cand["value"] == "0":
        alt = dict(cand, comparator="le")
        if not _row_findings(alt["level1"], alt["level2"], alt["name"], printed(_row(alt, "0"))):
            return alt
    return None


# ---- choosing the rows of a sound table


def _slots(special, rng):
    """How many rows per level two (benefit rows pooled) a sound table has."""
    if special:
        return {"数量指标": rng.choice([3, 4]), "质量指标": rng.choice([2, 3]), "时效指标": rng.choice([1, 2]),
                "成本指标": 1, BENEFIT: 3, SATISFACTION: 1}
    return {"数量指标": rng.choice([2, 2, 3]), "质量指标": rng.choice([1, 2]), "时效指标": 1,
            "成本指标": 1 if rng.random() < 0.7 else 0, BENEFIT: rng.choice([2, 3, 3]), SATISFACTION: 1}


def _slot_of(cand):
    return cand["level2"] if cand["level1"] == OUTPUT else cand["level1"]


@dataclass
class Selection:
    """A project's chosen indicators (stable across its years) and the library rows the check flags."""

    domain: str
    chosen: list  # candidate rows, in table order
    flagged: list  # library candidates whose own wording draws a finding (for weak tables)
    targets: list  # per chosen row: {year: target}


def _select(pp, seed):
    rng = random.Random(f"{seed}:{pp.code}:goal-rows")
    domain, cands = _candidates(pp)
    years = [y.year for y in pp.years]
    first = pp.years[0]
    amount = first.adjusted_budget or first.initial_budget
    slots = _slots(pp.special_fund, rng)
    # Theme rows come first in a random order per slot; common rows keep their order after them.
    keyed = [(0 if not c["entry"].startswith("Z") else 1, rng.random() if not c["entry"].startswith("Z") else i, c)
             for i, c in enumerate(cands)]
    ordered = [c for _a, _b, c in sorted(keyed, key=lambda t: (t[0], t[1]))]
    chosen, flagged, seen = [], [], set()
    qualitative = 0
    for cand in ordered:
        key = naming.name_key(cand["name"])
        if key in seen:
            continue
        ok = _clean(cand, _sample(cand))
        if ok is None:
            if cand["entry"]:
                flagged.append(cand)
            continue
        slot = _slot_of(ok)
        if slots.get(slot, 0) <= 0 or (ok["comparator"] == "qual" and qualitative):
            continue
        slots[slot] -= 1
        qualitative += ok["comparator"] == "qual"
        chosen.append(ok)
        seen.add(key)
    if pp.special_fund:  # special funds need at least ten quantified rows (S002)
        for cand in ordered:
            if sum(c["comparator"] != "qual" for c in chosen) >= 10:
                break
            key = naming.name_key(cand["name"])
            if key in seen or cand["comparator"] == "qual" or cand["level1"] == SATISFACTION:
                continue
            ok = _clean(cand, _sample(cand))
            if ok is not None:
                chosen.append(ok)
                seen.add(key)
    chosen.sort(key=lambda c: LEVEL2_ORDER.index(c["level2"]))
    targets = [_resolve(c, amount, years, random.Random(f"{seed}:{pp.code}:{c['name']}")) for c in chosen]
    return Selection(domain, chosen, flagged, targets)


def _weights(rows, rng):
    """Spread 产出 50 / 效益 30 / 满意度 10 over the rows by level two (whole points, at most 20 each)."""
    for level1, total in BLOCK_WEIGHTS.items():
        idx = [i for i, r in enumerate(rows) if r["level1"] == level1]
        if not idx:
            continue
        cap = max(MAX_WEIGHT, -(-total // len(idx)))
        raw = [PRIORITY[rows[i]["level2"]] * rng.uniform(0.85, 1.15) for i in idx]
        scale = total / sum(raw)
        parts = [min(cap, r * scale) for r in raw]
        whole = [int(p) for p in parts]
        order = sorted(range(len(idx)), key=lambda k: parts[k] - whole[k], reverse=True)
        k = 0
        while sum(whole) < total:
            j = order[k % len(order)]
            if whole[j] < cap:
                whole[j] += 1
            k += 1
        for i, w in zip(idx, whole, strict=True):
            rows[i]["weight"] = str(w)
    return rows


def _sound_rows(sel, year, seed, pp):
    rows = [_row(c, t[year]) for c, t in zip(sel.chosen, sel.targets, strict=True)]
    rows = _weights(rows, random.Random(f"{seed}:{pp.code}:weights"))
    for level1 in (OUTPUT, BENEFIT):
        first = next((r for r in rows if r["level1"] == level1), None)
        if first is not None:
            first["is_core"] = "1"
    return rows


# ---- weak tables


def _copy(rows):
    return [dict(r) for r in rows]


def _weaken(kind, rows, sel, rng, previous, amount, year):
    """A weak version of a sound table: (rows, indexes of the weak rows), or None when the kind does not apply."""
    rows = _copy(rows)
    benefit = [i for i, r in enumerate(rows) if r["level1"] == BENEFIT]
    if kind == "vague":
        picked = sorted(rng.sample(benefit, min(len(benefit), rng.choice([1, 2]))))
        vague = rng.sample(G.VAGUE_ROWS, len(picked))
        for i, (level2, name, target) in zip(picked, vague, strict=True):
            rows[i].update(level2=level2, name=name.format(d=sel.domain), comparator="qual", target=target, unit="",
                           entry="", upper="")
        return rows, picked
    if kind == "units":
        rates = [i for i, r in enumerate(rows) if r["unit"] == "%" and r["comparator"] == "ge"
                 and r["level1"] != SATISFACTION and Decimal(r["target"]) < 100]
        if not rates:
            return None
        picked = sorted(rng.sample(rates, min(len(rates), rng.choice([1, 2]))))
        for i in picked:
            rows[i]["unit"] = ""
        return rows, picked
    if kind == "library":
        for cand in sel.flagged:
            same = [i for i, r in enumerate(rows) if r["level2"] == cand["level2"]]
            if not same or any(naming.name_key(r["name"]) == naming.name_key(cand["name"]) for r in rows):
                continue
            i = same[-1]
            target = _resolve(cand, amount, [year], rng)[year] if cand["comparator"] != "qual" else cand["value"]
            weight = rows[i]["weight"]
            rows[i] = _row(cand, target)
            rows[i]["weight"] = weight
            return rows, [i]
        return None
    if kind == "copied":
        if not previous:
            return None
        return _copy(previous), []
    if kind == "below":
        if not previous:
            return None
        before = {naming.name_key(r["name"]): r for r in previous}
        picked = []
        for i, r in enumerate(rows):
            old = before.get(naming.name_key(r["name"]))
            if old and r["comparator"] == "ge" and r["unit"] not in ("%", "") and old["target"].isdigit():
                r["target"] = str(max(1, _nice(int(old["target"]) * rng.uniform(0.7, 0.9))))
                if int(r["target"]) < int(old["target"]):
                    picked.append(i)
        return (rows, picked) if picked else None
    if kind == "input":
        first = next(i for i, r in enumerate(rows) if r["level1"] == OUTPUT)
        half = Decimal(rows[first]["weight"]) / 2
        rows[first]["weight"] = _plain(Decimal(rows[first]["weight"]) - half)
        wan = _plain((Decimal(amount) / 10_000).quantize(Decimal("0.01")))
        rows.insert(first, {**rows[first], "level2": G.INPUT_ROW[0], "name": G.INPUT_ROW[1], "comparator": "ge",
                            "target": wan, "unit": "万元", "entry": "", "weight": _plain(half), "is_core": ""})
        return rows, [first]
    if kind == "no_satisfaction":
        kept = [r for r in rows if r["level1"] != SATISFACTION]
        extra = [i for i, r in enumerate(kept) if r["level1"] == BENEFIT][:2]
        for i in extra:
            kept[i]["weight"] = _plain(Decimal(kept[i]["weight"]) + Decimal(10) / len(extra))
        return kept, []
    if kind == "weights":  # the 10 points of 预算执行率 spread over the indicators too: 100 instead of 90
        outputs = [i for i, r in enumerate(rows) if r["level1"] == OUTPUT][:2]
        for i, extra in zip(outputs + benefit[:1], (4, 3, 3), strict=False):
            rows[i]["weight"] = _plain(Decimal(rows[i]["weight"]) + extra)
        return rows, []
    if kind == "few":
        keep = [i for i, r in enumerate(rows) if r["level2"] == "数量指标"][:2] + benefit[:1] + [
            i for i, r in enumerate(rows) if r["level1"] == SATISFACTION]
        return [rows[i] for i in sorted(keep)], []
    if kind == "mixed":  # like the weak example table: an input, vague effects, a rate without its unit, few rows
        weak, _ = _weaken("vague", rows, sel, rng, previous, amount, year)
        weak, _ = _weaken("input", weak, sel, rng, previous, amount, year)
        keep = [r for r in weak if r["level2"] not in ("时效指标", "成本指标")]
        for r in keep:
            if r["unit"] == "%" and r["level1"] != SATISFACTION:
                r["unit"] = ""
                break
        return keep, []
    raise ValueError(kind)


# ---- checking a planned table (the same check the services run, with the history the plan knows)


def _table(pp, year, overall, rows, history):
    amount = next(y.adjusted_budget or y.initial_budget for y in pp.years if y.year == year)
    return {"format": quality.goalfile.FORMAT,
            "project": {"name": pp.name, "unit": pp.unit, "year": year, "amount": float(amount), "money_unit": "元",
                        "special_fund": pp.special_fund},
            "overall_goal": overall,
            "indicators": [{"level1": r["level1"], "level2": r["level2"], "name": r["name"], "target": printed(r),
                            "unit": r["unit"], **({"weight": float(r["weight"])} if r["weight"] != "" else {})}
                           for r in rows],
            "history": history}


def _history(year, rows):
    return [{"year": year, "indicators": [{"name": r["name"], "target": printed(r)} for r in rows]}] if rows else []


def _codes(pp, year, overall, rows, history):
    report = quality.check_goals(_table(pp, year, overall, rows, history))
    return Counter(f["severity"] for f in report["findings"]), report


def _align(pp, year, rows, previous):
    """A sound table of a continuing project keeps up with last year's approved targets: none below them, and
    not all the same (the history checks would rightly flag either)."""
    if not previous:
        return rows
    before = {naming.name_key(r["name"]): r for r in previous}
    _sev, report = _codes(pp, year, "", rows, _history(year - 1, previous))
    codes = {f["code"] for f in report["findings"]}
    for f in report["findings"]:
        if f["code"] == "BELOW_HISTORY":
            row = rows[f["indicator"]]
            row["target"] = before[naming.name_key(row["name"])]["target"]
    if "COPIED_FROM_HISTORY" in codes or "BELOW_HISTORY" in codes:
        for row in rows:
            old = before.get(naming.name_key(row["name"]))
            if old is None or row["comparator"] != "ge" or not row["target"].isdigit():
                continue
            n = int(old["target"])
            row["target"] = str(n + (1 if n < 100 else 10 ** (len(str(n)) - 2)))
            break
        else:
            for row in rows:
                if row["unit"] == "%" and row["comparator"] == "ge" and Decimal(row["target"]) < 99:
                    row["target"] = _plain(Decimal(row["target"]) + 1)
                    break
    return rows


# ---- wording


def _goal_text(pp, year, rows):
    """Overall and annual goal of a sound table, from its main rows."""
    out = [r for r in rows if r["level2"] == "数量指标"][:2]
    ben = [r for r in rows if r["level1"] == BENEFIT and r["comparator"] != "qual"][:1]
    sat = [r for r in rows if r["level1"] == SATISFACTION][:1]
    parts = "、".join(f"{r['name']}{printed(r)}" for r in out)
    text = f"{year}年，完成{parts}"
    if ben:
        text += f"，实现{ben[0]['name']}{printed(ben[0])}"
    if sat:
        text += f"，{sat[0]['name']}{printed(sat[0])}"
    annual = text + "。"
    if pp.end_year > pp.start_year:
        overall = f"{pp.start_year}—{pp.end_year}年持续实施{pp.name}，按年度计划推进；" + annual
    else:
        overall = annual
    return overall, annual


def _weak_text(pp, domain, rng):
    text = rng.choice(G.WEAK_OVERALL).format(d=domain, n=pp.name)
    return text, text


# ---- review paths


def _criteria(rng, low, high):
    return {k: float(rng.choice(range(low * 2, high * 2 + 1))) / 2
            for k in ("completeness", "relevance", "feasibility", "appropriateness")}


def _approvals(rng, upto):
    """Approval steps up to (not including) the reviewer `upto` (dept, section, office or None for all)."""
    steps = []
    for who in ("dept", "section", "office"):
        if who == upto:
            break
        action = f"{who}_approve"
        criteria = _criteria(rng, 20, 25) if who != "dept" else None
        steps.append((action, rng.choice(G.APPROVE_COMMENTS[action]), criteria, None))
    return steps


def _return_step(who, rng, comment, row_comments):
    criteria = _criteria(rng, 12, 19) if who != "dept" else None
    return (f"{who}_return", comment, criteria, row_comments or None)


def _row_comments(kind, rows, weak, previous):
    before = {naming.name_key(r["name"]): r for r in previous or []}
    notes = {}
    for i in weak[:3]:
        old = before.get(naming.name_key(rows[i]["name"]))
        notes[str(i)] = G.ROW_COMMENTS[kind].format(target=rows[i]["target"],
                                                    previous=printed(old) if old else "")
    return notes


def _submit(rng, again=False):
    return ("submit", rng.choice(G.RESUBMIT_COMMENTS if again else G.SUBMIT_COMMENTS), None, None)


def _path(state, rng, returned_by=None, return_comment="", row_comments=None, cycle=False):
    """Steps to `state`; with `cycle`, the goal is returned once on the way and fixed ("edit")."""
    who_returns = returned_by or rng.choice(["dept", "section", "office"])
    if state == GoalStatus.DRAFT:
        return ()
    if state == GoalStatus.RETURNED:
        return (_submit(rng), *_approvals(rng, who_returns),
                _return_step(who_returns, rng, return_comment, row_comments))
    upto = {GoalStatus.DEPT_REVIEW: "dept", GoalStatus.SECTION_REVIEW: "section",
            GoalStatus.OFFICE_REVIEW: "office", GoalStatus.APPROVED: None}[state]
    final = (_submit(rng, again=cycle), *_approvals(rng, upto))
    if not cycle:
        return final
    order = ["dept", "section", "office"]
    limit = order.index(upto) + 1 if upto else 3
    who = rng.choice(order[:limit])
    first = (_submit(rng), *_approvals(rng, who), _return_step(who, rng, return_comment, row_comments))
    return (*first, ("edit", "", None, None), *final)


# ---- the whole plan


def _pick(rng, mix):
    return rng.choices([k for k, _w in mix], [w for _k, w in mix])[0]


def _dept(unit_code):
    return "-".join(unit_code.split("-")[:2])


def _quality_group(state):
    if state == GoalStatus.DRAFT:
        return "draft"
    if state == GoalStatus.RETURNED:
        return "returned"
    if state == GoalStatus.APPROVED:
        return "approved"
    return "review"


def _declare(pp, yp, state, seed, sel, previous, forced_kind=None, returned_by=None, allow_cycle=True):
    """The GoalPlan of one project-year in `state` (with its final table's quality drawn from the mix)."""
    rng = random.Random(f"{seed}:{pp.code}:{yp.year}:goal")
    amount = yp.adjusted_budget or yp.initial_budget
    history = _history(yp.year - 1, previous)
    sound = _align(pp, yp.year, _sound_rows(sel, yp.year, seed, pp), previous)
    group = _quality_group(state)
    kind = forced_kind or _pick(rng, G.QUALITY_MIX[group])
    engine = yp.year == CURRENT_YEAR and _dept(pp.unit) in G.ENGINE_DEPARTMENTS
    overall, annual = _goal_text(pp, yp.year, sound)

    def weak(kinds):
        for k in kinds:
            made = _weaken(k, sound, sel, rng, previous, amount, yp.year)
            if made is None:
                continue
            rows, idx = made
            if k in ("vague", "mixed") or rng.random() < 0.3:
                text = _weak_text(pp, sel.domain, rng)
            elif k == "copied":
                text = _goal_text(pp, yp.year - 1, rows)  # last year's wording, year and all
            else:
                text = _goal_text(pp, yp.year, rows)
            severities, _report = _codes(pp, yp.year, text[0], rows, history)
            if k in G.ERROR_KINDS or not severities["error"]:
                return k, rows, idx, text
        return None

    if kind == "warn":
        made = weak(rng.sample(G.WARN_KINDS, len(G.WARN_KINDS)))
    elif kind == "error":
        made = weak([rng.choice(G.ERROR_KINDS)])
    else:
        made = None
    if made is None:
        kind, rows, idx, (overall_t, annual_t) = "good", sound, [], (overall, annual)
    else:
        kind, rows, idx, (overall_t, annual_t) = made
        if kind in G.ERROR_KINDS and rng.random() < G.DRAFT_OVERALL_MISSING:
            overall_t, annual_t = "", annual_t
    if kind in G.ERROR_KINDS and state != GoalStatus.DRAFT:
        raise ValueError(f"{pp.code} {yp.year}: a table with errors cannot be in state {state}")

    first_rows = None
    if state == GoalStatus.RETURNED:
        if kind == "good":
            steps = _path(state, rng, returned_by, rng.choice(G.OTHER_RETURN_COMMENTS),
                          _row_comments("other", rows, [0], previous))
        else:
            steps = _path(state, rng, returned_by, G.RETURN_COMMENTS[kind],
                          _row_comments(kind, rows, idx, previous))
    elif state == GoalStatus.DRAFT:
        steps = ()
        if kind not in G.ERROR_KINDS and rng.random() < 0.15:
            steps = (_submit(rng), ("withdraw", G.WITHDRAW_COMMENT, None, None))
    elif allow_cycle and kind == "good" and rng.random() < G.RETURN_CYCLE_SHARE:
        made = weak(["vague", "units", "below", "library"])
        if made is not None:
            wkind, first_rows, widx, _text = made
            steps = _path(state, rng, None, G.RETURN_COMMENTS[wkind], _row_comments(wkind, first_rows, widx, previous),
                          cycle=True)
        else:
            steps = _path(state, rng)
    else:
        steps = _path(state, rng)
    return GoalPlan(pp.code, yp.year, state, kind, overall_t, annual_t, rows, steps, engine, first_rows)


def _state_2026(pp, yp, rng, forced):
    if forced:
        return forced.pop(0)
    state = _pick(rng, G.GOAL_MIX_2026[yp.status])
    return None if state == "none" else state


def _make_addition(gp, pp):
    """Turn an executing-year goal into a mid-year addition (年中追加) declared through the engine."""
    gp.kind, gp.change_reason, gp.engine = GoalKind.ADDITION, G.ADDITION_REASON, True
    yp = next(y for y in pp.years if y.year == gp.year)
    if yp.adjusted_budget and yp.adjusted_budget > yp.initial_budget:
        extra = yp.adjusted_budget - yp.initial_budget
    else:
        extra = yp.initial_budget * Decimal("0.15")
    gp.addition_amount = Decimal(int(round(float(extra), -2)))


def plan_goals(plan, seed=T.SEED):
    """The goals of the demo region as plain data: a pure function of the project plan and the seed."""
    result = GoalsPlan()
    selections = {pp.code: _select(pp, seed) for pp in plan.projects}
    final_rows = {}  # (project, year) → rows of the version the history check sees (approved)
    by_code = {pp.code: pp for pp in plan.projects}

    # The executing year: every project in the library has an approved goal.
    for pp in plan.projects:
        for yp in pp.years:
            if yp.year not in HISTORY_YEARS or yp.status != "accepted":
                continue
            gp = _declare(pp, yp, GoalStatus.APPROVED, seed, selections[pp.code], None)
            result.goals.append(gp)
            final_rows[(pp.code, yp.year)] = gp.rows

    # Adjustments (目标调整) and a mid-year addition (年中追加) in the executing year, as the demo users.
    rng = random.Random(f"{seed}:goal-changes")
    candidates = [gp for gp in result.goals if _dept(by_code[gp.project].unit) in G.ENGINE_DEPARTMENTS
                  and gp.quality == "good" and not gp.first_rows
                  and by_code[gp.project].project_class == ProjectClass.SPECIFIC
                  and any(c["value"].startswith("#") and int(r["target"]) >= 20
                          for c, r in zip(selections[gp.project].chosen, gp.rows, strict=True))]
    picked = rng.sample(candidates, min(4, len(candidates)))
    for n, gp in enumerate(picked[:3]):
        pp = by_code[gp.project]
        rows = _copy(gp.rows)
        i = next(i for i, c in enumerate(selections[pp.code].chosen)
                 if c["value"].startswith("#") and int(rows[i]["target"]) >= 20)
        factor = 0.85 if n != 1 else 1.2
        rows[i]["target"] = str(_nice(int(rows[i]["target"]) * factor))
        state = GoalStatus.APPROVED if n < 2 else GoalStatus.OFFICE_REVIEW
        overall, annual = _goal_text(pp, gp.year, rows)
        reason = G.ADJUSTMENT_REASONS[n]
        steps = _path(state, random.Random(f"{seed}:{pp.code}:adjust"))
        result.goals.append(GoalPlan(pp.code, gp.year, state, "good", overall, annual, rows, steps, True,
                                     version=2, kind=GoalKind.ADJUSTMENT, change_reason=reason))
        if state == GoalStatus.APPROVED:
            final_rows[(pp.code, gp.year)] = rows
    for addition in picked[3:]:
        _make_addition(addition, by_code[addition.project])

    # The planning year: most project-years declare goals, in every state of the review.
    forced = {unit: list(states) for unit, states in G.FORCED_GOALS_2026.items()}
    current = []
    for pp in plan.projects:
        for yp in pp.years:
            if yp.year != CURRENT_YEAR:
                continue
            rng = random.Random(f"{seed}:{pp.code}:{yp.year}:goal-state")
            state = _state_2026(pp, yp, rng, forced.get(pp.unit))
            if state is not None:
                current.append((pp, yp, state))
    # Budget cuts: goals the performance office returned, in the regions of the demo performance offices.
    rng = random.Random(f"{seed}:goal-cuts")
    cut_keys = {}  # (project, year) → percent cut
    for region, n in (("640300", 2), ("640323", 1)):
        pool = [(pp, yp) for pp, yp, state in current
                if pp.region == region and _dept(pp.unit) in G.ENGINE_DEPARTMENTS and pp.unit not in forced
                and pp.project_class == ProjectClass.SPECIFIC and yp.status in ("accepted", "bureau_review")
                and (pp.code, yp.year - 1) in final_rows]
        for pp, yp in rng.sample(pool, min(n, len(pool))):
            cut_keys[(pp.code, yp.year)] = rng.choice([10, 15, 20])
    for pp, yp, state in current:
        previous = final_rows.get((pp.code, yp.year - 1))
        percent = cut_keys.get((pp.code, yp.year))
        if percent:
            gp = _declare(pp, yp, GoalStatus.RETURNED, seed, selections[pp.code], previous,
                          forced_kind="warn", returned_by="office")
            reason = G.CUT_REASONS.get(gp.quality, G.CUT_REASONS["other"])
            result.cuts.append(CutPlan(pp.code, yp.year, percent, reason.format(p=percent)))
        else:
            gp = _declare(pp, yp, state, seed, selections[pp.code], previous)
        result.goals.append(gp)
    return result


# ------------------------------------------------------------------------------------------------- writing


def _reviewer_plans(plan):
    """Accounts for the funding sections and performance offices that have no named demo user, so that every
    department's goals can be reviewed (usernames are the organisation codes, like the generator's)."""
    from .generator import UserPlan, full_name

    named = {(up.role, up.organisation) for up in plan.users}
    by_code = {o.code: o for o in plan.organisations}
    sections = {o.funding_section for o in plan.organisations if o.funding_section}
    extra = []
    for o in plan.organisations:
        if o.kind != OrgKind.SECTION:
            continue
        role = Role.PERFORMANCE_OFFICE if o.code.endswith("-JXK") else (
            Role.FUNDING_SECTION if o.code in sections else None)
        if role is None or (role, o.code) in named:
            continue
        extra.append(UserPlan(o.code.lower(), f"{full_name(o, by_code)}经办人", role, organisation=o.code))
    return extra


def _reviewers(plan, users):
    """(role, organisation code) → the account that acts for it (named demo users first)."""
    acting = {}
    for up in plan.users:
        if up.organisation and up.role:
            acting.setdefault((up.role, up.organisation), users[up.username])
    return acting


class _Writer:
    """Shared state of one run: accounts, project-years, library ids, rules and the dates of bulk steps."""

    def __init__(self, plan, users, pys, seed, stats):
        self.plan, self.users, self.seed, self.stats = plan, users, seed, stats
        self.by_code = {pp.code: pp for pp in plan.projects}
        self.orgs = {o.code: o for o in plan.organisations}
        self.acting = _reviewers(SimpleNamespace(users=plan.users + _reviewer_plans(plan)), users)
        ids = {key: py.pk for key, py in pys.items()}
        loaded = ProjectYear.objects.filter(pk__in=ids.values()).select_related(
            "project__unit", "project__department__funding_section", "project__region")
        by_pk = {py.pk: py for py in loaded}
        self.pys = {key: by_pk[pk] for key, pk in ids.items()}
        self.entries = dict(IndicatorEntry.objects.filter(owner_region__isnull=True, is_current=True)
                            .values_list("code", "pk"))
        self.ct = ContentType.objects.get_for_model(Goal)
        self.now = timezone.now()
        self.request_id = current_request_id() or ""

    def actor(self, gp, action):
        pp = self.by_code[gp.project]
        who = REVIEWER.get(action.split("_")[0], Role.UNIT)
        if who == Role.UNIT:
            return self.acting[(Role.UNIT, pp.unit)]
        dept = _dept(pp.unit)
        if who == Role.DEPARTMENT:
            return self.acting[(Role.DEPARTMENT, dept)]
        if who == Role.FUNDING_SECTION:
            return self.acting[(Role.FUNDING_SECTION, self.orgs[dept].funding_section)]
        return self.acting[(Role.PERFORMANCE_OFFICE, f"{pp.region}-CZJ-JXK")]

    def raw_rows(self, rows):
        return [{**r, "entry": str(self.entries.get(r["entry"], "")) if r["entry"] else ""} for r in rows]

    def check(self, gp, py, rows):
        """(cleaned rows, quality report, reasons for its warnings) of a planned table, as the services see it."""
        cleaned, errors = clean_rows(self.raw_rows(rows), services.layout_for(py))
        if errors:
            raise ValueError(f"{gp.project} {gp.year}: {errors[0]}")
        report = services.check_rows(py, {"overall_goal": gp.overall}, cleaned)
        reasons = {services.finding_key(f): G.REASONS.get(f["code"], G.DEFAULT_REASON)
                   for f in report["findings"] if f["severity"] == "warning"}
        return cleaned, report, reasons

    def header(self, gp, py, rows, submitted):
        """What the unit saves: goal texts and, for a table it submits, a reason for every warning it keeps."""
        header = {"overall_goal": gp.overall, "annual_goal": gp.annual, "change_reason": gp.change_reason,
                  "warning_reasons": {}}
        if gp.addition_amount is not None:
            header["addition_amount"] = gp.addition_amount
        if submitted:
            _cleaned, report, header["warning_reasons"] = self.check(gp, py, rows)
            errors = [f["message"] for f in report["findings"] if f["severity"] == "error"]
            if errors:
                raise ValueError(f"{gp.project} {gp.year} v{gp.version}: {errors[0]}")
        return header

    # ---- through the engine, as the demo users

    def run(self, gp):
        py = self.pys[(gp.project, gp.year)]
        unit = self.actor(gp, "submit")
        submitted = any(a == "submit" for a, *_ in gp.steps)
        goal = services.start_goal(py, unit, kind=gp.kind, reason=gp.change_reason)
        rows = gp.first_rows or gp.rows
        services.save_goal(goal, unit, self.header(gp, py, rows, submitted), self.raw_rows(rows))
        for action, comment, criteria, notes in gp.steps:
            if action == "edit":
                services.save_goal(goal, unit, self.header(gp, py, gp.rows, True), self.raw_rows(gp.rows))
            elif action == "submit":
                services.submit(goal, unit, comment=comment)
            elif action == "withdraw":
                transition(goal, GOAL_WORKFLOW, "withdraw", unit, comment=comment)
            else:
                services.review(goal, self.actor(gp, action), "approve" if action.endswith("approve") else "return",
                                comment=comment, criteria=criteria, indicator_comments=notes)
            self.stats["goal_steps"] += action != "edit"
        goal.refresh_from_db()
        if goal.status != gp.state:
            raise ValueError(f"{gp.project} {gp.year}: ended in {goal.status}, planned {gp.state}")
        self.stats["goals"] += 1
        self.stats["goal_rows"] += len(gp.rows)

    # ---- in bulk, with the records the engine would have written

    def dates(self, gp, n):
        """When the n steps of a bulk goal happened: the autumn before a history year, the last days now."""
        if not n:
            return []
        rng = random.Random(f"{self.seed}:{gp.project}:{gp.year}:v{gp.version}:goal-dates")
        tz = timezone.get_default_timezone()
        if gp.year in HISTORY_YEARS:
            day = datetime.date(gp.year - 1, 9, 10) + datetime.timedelta(days=rng.randint(0, 40))
            out = []
            for _ in range(n):
                day += datetime.timedelta(days=rng.randint(1, 6))
                out.append(datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)), tz))
            return out
        # The current round: the last few days, in office hours, the last step before now.
        today = timezone.localdate(self.now)
        day = today - datetime.timedelta(days=sum(rng.randint(0, 2) for _ in range(n)) + 1)
        out = []
        for _ in range(n):
            day += datetime.timedelta(days=rng.randint(0, 2))
            at = datetime.datetime.combine(min(day, today), datetime.time(rng.randint(8, 17), rng.randint(0, 59)), tz)
            out.append(min(at, self.now - datetime.timedelta(minutes=n + 1 - len(out))))
        return sorted(out)

    def bulk(self, plans):
        """Write goals, rows, workflow records and to-do items of `plans` (none of which exists yet)."""
        prepared = []
        for gp in plans:
            py = self.pys[(gp.project, gp.year)]
            submitted = any(a == "submit" for a, *_ in gp.steps)
            rows, report, reasons = self.check(gp, py, gp.rows)
            if submitted and report["counts"]["error"]:
                raise ValueError(f"{gp.project} {gp.year}: a table with errors cannot have been submitted")
            if not submitted:
                reasons = {}
            if gp.first_rows:
                reasons = {**self.check(gp, py, gp.first_rows)[2], **reasons}
            steps = [s for s in gp.steps if s[0] != "edit"]
            dates = self.dates(gp, len(steps))
            returned_rows = gp.first_rows if gp.first_rows else (gp.rows if gp.state == GoalStatus.RETURNED else None)
            reviewed = []
            if returned_rows is not None:
                cleaned = rows if returned_rows is gp.rows else self.check(gp, py, returned_rows)[0]
                reviewed = [{f: (str(v) if isinstance(v, Decimal) else v) for f, v in r.items()
                             if f in services.ROW_SNAPSHOT} for r in cleaned]
            approved_at = next((at for (a, *_), at in zip(steps, dates, strict=True) if a == "office_approve"), None)
            goal = Goal(project_year=py, kind=gp.kind, version=gp.version, overall_goal=gp.overall,
                        annual_goal=gp.annual, change_reason=gp.change_reason, addition_amount=gp.addition_amount,
                        status=gp.state, quality_report=report,
                        quality_score=Decimal(str(report["quality_score"])).quantize(Decimal("0.1")),
                        warning_reasons=reasons, reviewed_rows=reviewed,
                        ruleset=services.rules_for(py).label, approved_at=approved_at)
            prepared.append((gp, goal, rows, steps, dates))
        Goal.objects.bulk_create([g for _gp, g, *_ in prepared], batch_size=500)
        indicators, records, todos = [], [], []
        for gp, goal, rows, steps, dates in prepared:
            for position, r in enumerate(rows):
                indicators.append(GoalIndicator(goal=goal, position=position, entry_id=r["entry"], note=r["note"],
                                                target_number=number_of(r["target"]),
                                                **{f: r[f] for f in services.ROW_SNAPSHOT}))
            self._records(gp, goal, steps, dates, records, todos)
        GoalIndicator.objects.bulk_create(indicators, batch_size=1000)
        WorkflowRecord.objects.bulk_create(records, batch_size=1000)
        TodoItem.objects.bulk_create(todos, batch_size=1000)
        self.stats["goals"] += len(prepared)
        self.stats["goal_rows"] += len(indicators)
        self.stats["goal_steps"] += len(records)

    def _records(self, gp, goal, steps, dates, records, todos):
        state, open_items = GoalStatus.DRAFT, []
        names = {}
        for (action, comment, criteria, notes), at in zip(steps, dates, strict=True):
            t = GOAL_WORKFLOW.find(action)[0]
            target = t.target_for(goal)
            actor = self.actor(gp, action)
            remarks = {}
            if criteria:
                remarks["criteria"] = criteria
                remarks["criteria_total"] = sum(criteria.values())
            if notes:
                if not names:
                    names = {str(i): r["name"] for i, r in enumerate(gp.first_rows or gp.rows)}
                remarks["indicators"] = {k: {"name": names[k], "comment": v} for k, v in notes.items()}
            records.append(WorkflowRecord(content_type=self.ct, object_id=goal.pk, workflow=GOAL_WORKFLOW.name,
                                          action=t.action, action_label=str(t.label), from_state=state,
                                          to_state=target, user=actor, role=REVIEWER.get(action.split("_")[0]),
                                          comment=comment, remarks=remarks, request_id=self.request_id, at=at))
            for item in open_items:
                item.closed_at, item.closed_by, item.closed_action = at, actor, t.action
            goal.status = target  # what the to-do items of the new state are computed from
            open_items = [
                TodoItem(content_type=self.ct, object_id=goal.pk, stage=GOAL_WORKFLOW.stage,
                         workflow=GOAL_WORKFLOW.name, state=target, title=todo.title, role=todo.role,
                         region=todo.region, organisation=todo.organisation, url=GOAL_WORKFLOW.url(goal),
                         created_at=at,
                         due_date=at.date() + datetime.timedelta(days=todo.due_days) if todo.due_days else None)
                for todo in GOAL_WORKFLOW.todos(goal, target)
            ]
            todos.extend(open_items)
            state = target
        if state != gp.state:
            raise ValueError(f"{gp.project} {gp.year}: steps end in {state}, planned {gp.state}")
        goal.status = gp.state

    def cut(self, cp):
        py = self.pys[(cp.project, cp.year)]
        pp = self.by_code[cp.project]
        user = self.acting[(Role.PERFORMANCE_OFFICE, f"{pp.region}-CZJ-JXK")]
        amount = Decimal(int(round(float(py.budget) * cp.percent / 100, -2)))
        services.record_cut(py, user, amount, cp.reason)
        self.stats["budget_cuts"] += 1


@contextmanager
def _rules_resolved_once():
    """Rule sets do not change while goals are seeded: resolve each (region, year) once instead of on every
    check, route and to-do (the goal services and workflow resolve them each time, which dominated the run)."""
    from perfbudget.goals import workflow as goal_workflow

    original = services.resolve
    memo = {}

    def resolve(region, year):
        key = (region.pk if region is not None else None, int(year))
        if key not in memo:
            memo[key] = original(region, year)
        return memo[key]

    saved = services.resolve, goal_workflow.resolve
    services.resolve = goal_workflow.resolve = resolve
    try:
        yield
    finally:
        services.resolve, goal_workflow.resolve = saved


def seed_goals(plan, orgs, regions, users, pys, seed_value, stats):
    """Write the goals of the demo plan that are missing (see the module docstring); idempotent."""
    from .generator import _write_users

    users = {**users, **_write_users(SimpleNamespace(users=_reviewer_plans(plan)), regions, orgs, stats)}
    gplan = plan_goals(plan, seed_value)
    ids = {key: py.pk for key, py in pys.items()}
    existing = set(Goal.objects.filter(project_year_id__in=ids.values()).values_list("project_year_id", "version"))
    todo = [gp for gp in gplan.goals if (ids[(gp.project, gp.year)], gp.version) not in existing]
    cut_done = set(BudgetCut.objects.filter(project_year_id__in=ids.values()).values_list("project_year_id", "reason"))
    cuts = [cp for cp in gplan.cuts if (ids[(cp.project, cp.year)], cp.reason) not in cut_done]
    if not todo and not cuts:
        return
    writer = _Writer(plan, users, pys, seed_value, stats)
    with _rules_resolved_once():
        for year in T.YEARS:
            writer.bulk([gp for gp in todo if gp.year == year and not gp.engine])
            for gp in todo:
                if gp.year == year and gp.engine:
                    writer.run(gp)
        for cp in cuts:
            writer.cut(cp)


def goal_counts(seed_value=T.SEED):
    """What the demo region's goals are now: states per year, project-years without a goal, cuts."""
    from .generator import build_plan

    codes = [pp.code for pp in build_plan(seed_value).projects]
    goals = Goal.objects.filter(project_year__project__code__in=codes)
    pys = ProjectYear.objects.filter(project__code__in=codes, year=CURRENT_YEAR)
    cuts = BudgetCut.objects.filter(project_year__project__code__in=codes)
    by_year = defaultdict(Counter)
    for year, status in goals.values_list("project_year__year", "status"):
        by_year[year][status] += 1
    return {
        "by_year": {year: dict(c) for year, c in sorted(by_year.items())},
        "without_goal": pys.exclude(goals__isnull=False).count(),
        "project_years": pys.count(),
        "adjustments": goals.filter(kind=GoalKind.ADJUSTMENT).count(),
        "additions": goals.filter(kind=GoalKind.ADDITION).count(),
        "cuts": cuts.count(),
        "cut_amount": sum(cuts.values_list("amount", flat=True), Decimal(0)),
    }
