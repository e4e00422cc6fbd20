"""Benchmark of the warning sweep's pure-Python part, without a database (not a test; run by hand).

    .venv/bin/python bench/bench_sweep_python.py [--projects 200000] [--seed 7] [--repeat 3] [--gc]
        [--profile PHASE]

Builds in memory what the sweep's reads hand back for a round through July (the row shapes of
`sweep_sql.project_rows`, `pattern_groups`, `own_history`, `form_rows` and `indicator_rows`): four monthly
payment shapes as in bench_sweep.py with 2025 scaled per project, a December-only function code whose projects
fall back on their own earlier years (or on time progress), budgets missing or zero, no payments, refunds and
overpayments, late and missing forms, 30% of the forms with one or two indicator rows a rule can fire on.
Then it times, swept as of 2025-08-25 with the default rules:

- facts: `sweep_sql.PatternBook`, `sweep.group_patterns` and `sweep.facts_from_rows` (each project's pattern,
  forecast and facts: what `gather_facts` does after its reads);
- evaluate: `sweep.evaluate_facts` (the rules, each project's overall level, the form-level rows);
- rows: the warning rows COPY writes (`sweep._warning_rows`: messages cut, figures as JSON text).

The phases run with garbage collection paused (`sweep.gc_paused`), as in `run_sweep`; `--gc` keeps it on.
`--profile facts|evaluate|rows` prints a cProfile of that phase instead.
"""

import argparse
import contextlib
import cProfile
import datetime
import gc
import os
import pstats
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AS_OF = datetime.date(2025, 8, 25)
DUE_ON = datetime.date(2025, 8, 20)
YEAR = 2025
THROUGH_MONTH = 7
CODES = [f"{c}{k:02d}{x:02d}" for c in ("201", "205", "208", "210", "213", "214") for k in range(1, 6)
         for x in range(1, 3)]
DECEMBER_CODE = "2120101"  # its projects pay in December only: no pattern can project from July
SHAPES = (
    [1 / 12] * 12,  # even
    [(13 - m) / 78 for m in range(1, 13)],  # front-loaded
    [m / 78 for m in range(1, 13)],  # back-loaded
    [(6 if m == 12 else 1) / 17 for m in range(1, 13)],  # December-heavy
)
DECEMBER_ONLY = [0.0] * 11 + [1.0]
TARGETS = ["≥500人次", "≥95%", "≤350元", "2025年10月底前", "≥1800人", "90%-100%", "良好", "≥3000亩", "≤48万元",
           "100%"]
REACHED = ["520人次", "96.5%", "340元", "2025年9月30日", "1850人", "98%", "良好", "3050亩", "47万元", "100%"]
BELOW = ["450人次", "93%", "380元", "2025年12月底前", "1500人", "85%", "未达到", "2800亩", "52万元", "98%"]


def setup_django():
    """Settings only (gettext, model imports): the benchmark never opens the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfbudget.settings")
    os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
    import django

    django.setup()


def cents(x):
    return Decimal(f"{x:.2f}")


def project_kind(g):
    """Project class, budget type and function code of project number g (as bench_sweep.py spreads them)."""
    pclass = "specific" if g % 10 < 7 else "operating" if g % 10 < 9 else "personnel"
    budget_type = "fund" if g % 10 == 0 else "general"
    if g % 50 == 7:
        code = DECEMBER_CODE
    elif g % 1000 == 11:
        code = None
    else:
        code = CODES[(g * 7919) % len(CODES)]
    return pclass, budget_type, code


def synthetic(n, seed=7, through_month=THROUGH_MONTH):
    """The sweep's reads for n projects: rows, pattern groups, own history, forms, indicator rows (plain data)."""
    rng = random.Random(seed)
    rows, groups, history, forms, indicators = {}, {}, {}, {}, {}
    for g in range(1, n + 1):
        pclass, budget_type, code = project_kind(g)
        py_id, project_id, form_id = 2 * g, g, 100_000 + g
        shape = DECEMBER_ONLY if code == DECEMBER_CODE else SHAPES[g % 4]
        # the earlier year's pattern sums of the group
        n_group, sums = groups.get((pclass, budget_type, code), (0, [0.0] * 12))
        weights = [w * (0.85 + rng.random() * 0.3) for w in shape]
        total, acc, cum = sum(weights), 0.0, []
        for w in weights[:-1]:
            acc += w
            cum.append(acc / total)
        groups[(pclass, budget_type, code)] = (n_group + 1, [s + c for s, c in zip(sums, cum + [1.0], strict=True)])
        # this year's budget and payments
        budget = cents(10_000 + rng.random() * 5_000_000)
        if g % 200 == 1:
            budget = None
        elif g % 200 == 2:
            budget = Decimal("0.00")
        base = float(budget or 800_000) * (0.78 + ((g * 3) % 10) * 0.05) * (3 if g % 300 == 5 else 1)
        paying = SHAPES[g % 4] if code == DECEMBER_CODE else shape
        monthly = [cents(base * w * (0.85 + rng.random() * 0.3)) for w in paying[:through_month]]
        if g % 100 == 3:
            monthly = [Decimal("0.00")] * through_month
        elif g % 150 == 4:
            monthly[-1] = -monthly[-1]  # a refund
        rows[py_id] = {"project_year_id": py_id, "year": YEAR, "budget": budget, "project_id": project_id,
                       "project_class": pclass, "budget_type": budget_type, "function_code": code,
                       "monthly": monthly}
        if code == DECEMBER_CODE and g % 3:
            years = {}
            for y in range(YEAR - 3 + g % 3, YEAR):
                years[y] = [cents(base * w) for w in (SHAPES[(g + y) % 4] if g % 7 else DECEMBER_ONLY)]
            history[project_id] = years
        if g % 100 == 50:
            continue  # no form in the round
        submitted = None if g % 97 == 0 else datetime.date(2025, 8, 8) + datetime.timedelta(days=g % 15)
        forms[py_id] = {"form_id": form_id, "status": "draft" if submitted is None else "dept_review",
                        "due_on": None if g % 500 == 77 else DUE_ON, "submitted_on": submitted}
        if g % 10 in (1, 4, 7):
            indicators[form_id] = [indicator_row(g, i) for i in range(1 + g % 2)]
    return {"rows": rows, "groups": groups, "history": history, "forms": forms, "indicators": indicators,
            "through_month": through_month, "year": YEAR, "as_of": AS_OF}


def indicator_row(g, i):
    """(name, target, forecast, actual, likelihood) of a row the round's indicator read keeps."""
    k, pick = (g * 31 + i * 17) % 10, (g // 10 * 7 + i * 11) % 20
    name = "很" * 300 if g % 1000 == 123 else f"指标{k + 1}"
    if pick < 5:
        return name, TARGETS[k], BELOW[k], "", "certain"
    if pick < 10:
        return name, TARGETS[k], BELOW[k], "", "possible"
    if pick < 13:
        return name, TARGETS[k], "" if g % 2 else REACHED[k], "", "impossible"
    return name, TARGETS[k], REACHED[k], "", "certain"


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def phases(data, rules=None, min_pattern_projects=None, collect=False):
    """The three timed phases over `data` (garbage collection paused unless `collect`); returns (warning rows,
    level rows, counts, seconds per phase)."""
    from perfbudget.monitoring import sweep

    with contextlib.nullcontext() if collect else sweep.gc_paused():
        return _phases(data, rules, min_pattern_projects)


def _phases(data, rules, min_pattern_projects):
    from perfbudget.monitoring import sweep
    from perfbudget.monitoring.sweep_sql import MIN_PATTERN_PROJECTS, PatternBook
    from perfbudget.monitoring.warnings import DEFAULT_RULES, rules_from_values

    values = rules_from_values(sweep.rule_values(rules or DEFAULT_RULES))
    t = data["through_month"]

    def facts():
        book = PatternBook(data["groups"], data["year"] - 1, min_pattern_projects or MIN_PATTERN_PROJECTS)
        patterns = sweep.group_patterns(data["rows"], book)
        return sweep.facts_from_rows(data["rows"], patterns, data["history"], through_month=t, as_of=data["as_of"],
                                     forms=data["forms"], indicators=data["indicators"])

    facts, facts_s = timed(facts)
    (warnings, levels, counts), evaluate_s = timed(lambda: sweep.evaluate_facts(facts, values))
    rows, rows_s = timed(lambda: list(sweep._warning_rows(1, 1, warnings)))
    return rows, levels, counts, {"facts": facts_s, "evaluate": evaluate_s, "rows": rows_s}


def machine_speed():
    """How fast this machine is right now (other work may share its CPUs)."""
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return f"a 10-million-step Python loop takes {time.perf_counter() - started:.2f} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best of each phase is reported")
    parser.add_argument("--gc", action="store_true", help="keep garbage collection on during the phases")
    parser.add_argument("--profile", choices=("facts", "evaluate", "rows"))
    args = parser.parse_args()
    setup_django()
    data, setup_s = timed(lambda: synthetic(args.projects, args.seed))
    print(f"{args.projects:,} projects generated in {setup_s:.1f} s; {machine_speed()}", flush=True)
    if args.profile:
        profile(data, args.profile)
        return
    best, summary = {}, ""
    for _ in range(args.repeat):
        gc.collect()  # the previous run's garbage is not this run's work
        rows, levels, counts, seconds = phases(data, collect=args.gc)
        print("  " + ", ".join(f"{k} {v:.2f} s" for k, v in seconds.items()) + f"; total {sum(seconds.values()):.2f} s",
              flush=True)
        best = {k: min(v, best.get(k, v)) for k, v in seconds.items()}
        by_code = {}
        for row in rows:
            by_code[row[3]] = by_code.get(row[3], 0) + 1
        summary = f"levels {counts}; {len(rows):,} warnings {by_code}; {len(levels):,} form rows"
        del rows, levels
    print(summary)
    print(f"best of {args.repeat}{' (garbage collection on)' if args.gc else ''}: "
          + ", ".join(f"{k} {v:.2f} s" for k, v in best.items()) + f"; total {sum(best.values()):.2f} s")


def profile(data, phase):
    """cProfile of one phase (the earlier phases run unprofiled to feed it)."""
    from perfbudget.monitoring import sweep

    profiler = cProfile.Profile()
    original = {"facts": "facts_from_rows", "evaluate": "evaluate_facts", "rows": "_warning_rows"}[phase]
    fn = getattr(sweep, original)

    def profiled(*args, **kwargs):
        profiler.enable()
        try:
            result = fn(*args, **kwargs)
            return list(result) if phase == "rows" else result
        finally:
            profiler.disable()

    setattr(sweep, original, profiled)
    try:
        phases(data)
    finally:
        setattr(sweep, original, fn)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
