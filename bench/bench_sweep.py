"""Benchmark of the set-based warning sweep on PostgreSQL (not a test; run by hand).

    .venv/bin/python bench/bench_sweep.py [--projects 200000] [--indicators 10] [--all-differ] [--keep]
        [--server postgres://postgres@127.0.0.1:5432]

Creates a throwaway database `perfbudget_bench_sweep` on the server (dropped first if it is there, and again at
the end unless --keep), migrates it, builds the test world (tests/factories.World) and generates with
INSERT … SELECT generate_series (deterministic: setseed):

- N projects over the world's nine units and 60 function codes (6 类 × 5 款 × 2 项), three project classes and
  two budget types; a 2024 and a 2025 budget for each;
- 12 months of payments in both years, one row of twelve month columns per project year (four monthly shapes:
  even, front-loaded, back-loaded, December-heavy; 2025 scaled per project between 75% and 120% so that every
  rule fires somewhere);
- a province-wide round through July with a form for every 2025 project (90% submitted, some after the due
  date) and `--indicators` rows per form: 85% forecast exactly as the target, 12% a different value that
  reaches it, 2.5% one that does not (half rated 有可能), 0.5% rated 完全不可能. With --all-differ no forecast is
  printed as its target (the worst case for the sweep's indicator read).

Then, after VACUUM ANALYZE (the state autovacuum leaves the tables in before a sweep in service), it times
`run_sweep` (first run and a rerun that replaces every warning) and each read on its own, and writes
bench/results/sweep.md.
"""

import argparse
import datetime
import os
import platform
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULT = ROOT / "bench" / "results" / "sweep.md"
DB = "perfbudget_bench_sweep"
AS_OF = "2025-08-25"
SPREAD = "85% of forecasts printed as the target, 12% another value reaching it, 2.5% below, 0.5% 完全不可能"
SPREAD_ALL_DIFFER = "no forecast printed as its target: 97% another value reaching it, 2.5% below, 0.5% 完全不可能"

TARGETS = ["≥500人次", "≥95%", "≤350元", "2025年10月底前", "≥1800人", "90%-100%", "良好", "≥3000亩", "≤48万元",
           "100%"]
REACHED = ["520人次", "96.5%", "340元", "2025年9月30日", "1850人", "98%", "良好", "3050亩", "47万元", "100%"]
BELOW = ["450人次", "93%", "380元", "2025年12月底前", "1500人", "85%", "未达到", "2800亩", "52万元", "98%"]


def sql_array(items):
    """A text[] literal for SQL run with parameters (so % is doubled)."""
    return "ARRAY[" + ", ".join("'" + s.replace("'", "''").replace("%", "%%") + "'" for s in items) + "]"


def admin(server, statement):
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def setup_django(server):
    os.environ["DATABASE_URL"] = f"{server}/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfbudget.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(n, per_form, all_differ):
    from django.db import connection

    from perfbudget.monitoring.models import MonitoringRound
    from perfbudget.orgs.models import Organisation
    from tests.factories import World

    world = World.get()
    units = list(Organisation.objects.filter(kind="unit").order_by("pk").values_list("pk", "department_id",
                                                                                    "region_id"))
    codes = [f"{c}{k:02d}{x:02d}" for c in ("201", "205", "208", "210", "213", "214") for k in range(1, 6)
             for x in range(1, 3)]
    rnd = MonitoringRound.objects.create(region=world.province, year=2025, code="m07", name="1-7月集中监控",
                                         through_month=7, opens_on="2025-08-01", due_on="2025-08-20", status="open")
    unit_ids, dept_ids, region_ids = ([u[i] for u in units] for i in range(3))
    forecast_pick = "((f.id * 31 + i * 17) %% 1000)"
    # month m's payments, one of the twelve columns of a project year's execution row: four profiles (even,
    # front-loaded, back-loaded, a December rush), 2025 at 75–120% of plan, ±15% noise
    paid = ("round((py.initial_budget * (CASE py.project_id %% 4 WHEN 0 THEN 1.0/12 WHEN 1 THEN (13 - {m}) / 78.0 "
            "WHEN 2 THEN {m} / 78.0 ELSE (CASE WHEN {m} = 12 THEN 6 ELSE 1 END) / 17.0 END)"
            " * (CASE WHEN py.year = 2025 THEN 0.75 + ((py.project_id * 7) %% 10) * 0.05 ELSE 0.9 END)"
            " * (0.85 + random() * 0.3))::numeric, 2)")
    steps = [
        ("function classes", f"""
            INSERT INTO projects_functionclass (code, name)
            SELECT c, '科目' || c FROM unnest({sql_array(sorted({c[:3] for c in codes} | {c[:5] for c in codes}
                                                               | set(codes)))}) c
            ON CONFLICT DO NOTHING""", []),
        ("projects", f"""
            INSERT INTO projects_project (created_at, updated_at, row_version, code, name, unit_id, department_id,
                region_id, budget_type, function_class_id, project_class, special_fund, key_work, start_year,
                end_year, description)
            SELECT now(), now(), 1, 'BX' || lpad(g::text, 7, '0'), '基准项目' || g,
                (%s::bigint[])[1 + g %% {len(units)}], (%s::bigint[])[1 + g %% {len(units)}],
                (%s::bigint[])[1 + g %% {len(units)}],
                CASE WHEN g %% 10 = 0 THEN 'fund' ELSE 'general' END,
                ({sql_array(codes)})[1 + (g * 7919) %% {len(codes)}],
                CASE WHEN g %% 10 < 7 THEN 'specific' WHEN g %% 10 < 9 THEN 'operating' ELSE 'personnel' END,
                false, false, 2024, 2026, ''
            FROM generate_series(1, %s) g""", [unit_ids, dept_ids, region_ids, n]),
        ("project years", """
            INSERT INTO projects_projectyear (created_at, updated_at, row_version, project_id, year, is_new,
                initial_budget, adjusted_budget, abc_class, abc_computed, abc_override_reason, abc_ruleset, status)
            SELECT now(), now(), 1, p.id, y, y = 2024, round((10000 + random() * 5000000)::numeric, 2),
                NULL, 'B', 'B', '', '', 'approved'
            FROM projects_project p CROSS JOIN (VALUES (2024), (2025)) v(y) WHERE p.code LIKE 'BX%%'""", []),
        ("execution", f"""
            INSERT INTO monitoring_executionyear (project_year_id, {", ".join(f"m{m:02d}" for m in range(1, 13))},
                budget_type, function_code, source)
            SELECT py.id, {", ".join(paid.format(m=m) for m in range(1, 13))}, '', '', 'bench'
            FROM projects_projectyear py JOIN projects_project p ON p.id = py.project_id
            WHERE p.code LIKE 'BX%%'""", []),
        ("forms", """
            INSERT INTO monitoring_monitoringform (created_at, updated_at, row_version, round_id, project_year_id,
                status, initial_budget, full_budget, executed, execution_note,
                overall_progress, due_on, submitted_at, level)
            SELECT now(), now(), 1, %s, py.id,
                CASE WHEN py.id %% 10 = 0 THEN 'draft' ELSE 'dept_review' END,
                py.initial_budget, py.initial_budget, 0, '', '', DATE '2025-08-20',
                CASE WHEN py.id %% 10 = 0 THEN NULL
                     ELSE TIMESTAMPTZ '2025-08-08 10:00+08' + (py.id %% 15) * INTERVAL '1 day' END, ''
            FROM projects_projectyear py JOIN projects_project p ON p.id = py.project_id
            WHERE py.year = 2025 AND p.code LIKE 'BX%%'""", [rnd.pk]),
        ("indicators", f"""
            INSERT INTO monitoring_formindicator (form_id, position, level1, level2, name, target, actual, forecast,
                likelihood, cause, cause_detail, measure)
            SELECT f.id, i, '产出指标', '数量指标', '指标' || i, ({sql_array(TARGETS)})[1 + (i - 1) %% 10], '',
                CASE WHEN {forecast_pick} < {0 if all_differ else 850} THEN ({sql_array(TARGETS)})[1 + (i - 1) %% 10]
                     WHEN {forecast_pick} < 970 THEN ({sql_array(REACHED)})[1 + (i - 1) %% 10]
                     WHEN {forecast_pick} < 995 THEN ({sql_array(BELOW)})[1 + (i - 1) %% 10]
                     ELSE ({sql_array(REACHED)})[1 + (i - 1) %% 10] END,
                CASE WHEN {forecast_pick} >= 995 THEN 'impossible'
                     WHEN {forecast_pick} >= 970 AND f.id %% 2 = 0 THEN 'possible' ELSE 'certain' END,
                '', '', ''
            FROM monitoring_monitoringform f CROSS JOIN generate_series(1, %s) i
            WHERE f.round_id = %s""", [per_form, rnd.pk]),
    ]
    timings = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        for name, sql, params in steps:
            started = time.perf_counter()
            cursor.execute(sql, params)
            timings.append((name, cursor.rowcount, time.perf_counter() - started))
            print(f"  {name}: {cursor.rowcount:,} rows in {timings[-1][2]:.1f} s", flush=True)
    # the state a sweep meets in service, days after the round opened and the payments were loaded: autovacuum has
    # been through the new rows (statistics, visibility map, hint bits), which a just-generated table lacks
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # autocommit: outside any transaction
    return rnd, timings


def machine_baseline():
    """How fast this machine is right now: a pure-Python loop and a full count of the execution table."""
    from django.db import connection

    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    python = time.perf_counter() - started
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT COUNT(*) FROM monitoring_executionyear")
        rows = cursor.fetchone()[0]
        count = time.perf_counter() - started
    with open("/proc/loadavg") if os.path.exists("/proc/loadavg") else open(os.devnull) as fh:
        load = fh.read().split(" ")[:3]
    return (f"Machine at the time: a 10-million-step Python loop took {python:.2f} s, COUNT(*) over the "
            f"{rows:,} execution rows {count:.2f} s; load average {' '.join(load) or 'n/a'} (other work shared "
            f"the 2 CPUs).")


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=200_000)
    parser.add_argument("--indicators", type=int, default=10, help="indicator rows per form")
    parser.add_argument("--all-differ", action="store_true", help="no forecast printed as its target")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="time the sweep on the database a --keep run left")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()

    if not args.reuse:
        admin(args.server, f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        admin(args.server, f"CREATE DATABASE {DB}")
    try:
        started = time.perf_counter()
        setup_django(args.server)
        if args.reuse:
            from perfbudget.monitoring.models import MonitoringRound

            rnd, generation = MonitoringRound.objects.get(code="m07"), []
            args.projects = rnd.forms.count()
        else:
            print(f"migrated in {time.perf_counter() - started:.1f} s; generating", flush=True)
            rnd, generation = generate(args.projects, args.indicators, args.all_differ)
        report = run(rnd, args, generation)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin(args.server, f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    print(report)
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(report, encoding="utf-8")


def run(rnd, args, generation):
    from django.db import connection
    from django.db.models import Count

    from perfbudget.monitoring import sweep_sql
    from perfbudget.monitoring.models import MonitoringForm, MonitoringWarning
    from perfbudget.monitoring.sweep import run_sweep

    baseline = machine_baseline()
    runs = []
    for label in ("first run", "rerun (same data)", "rerun (same data)"):
        sweep, seconds = timed(lambda: run_sweep(rnd, as_of=datetime.date.fromisoformat(AS_OF)))
        runs.append((label, seconds, sweep))
        print(f"  {label}: {seconds:.2f} s", flush=True)
    from django.db import transaction

    selection = sweep_sql.Selection(round_id=rnd.pk)
    atomic = transaction.atomic()
    atomic.__enter__()
    sweep_sql.tune_session()
    reads = [
        ("forms", timed(lambda: sweep_sql.form_rows(rnd.pk))),
        ("indicator rows a rule can fire on", timed(lambda: sweep_sql.indicator_rows(round_id=rnd.pk))),
        ("budgets and monthly payments", timed(lambda: sweep_sql.project_rows(selection, rnd.through_month))),
        ("similar-project patterns (2024)", timed(lambda: sweep_sql.pattern_groups(rnd.region, rnd.year - 1))),
        ("own earlier years (only read when a pattern is missing)", timed(lambda: sweep_sql.own_history(
            selection, rnd.year))),
    ]
    atomic.__exit__(None, None, None)
    by_code = dict(MonitoringWarning.objects.filter(round=rnd).values_list("code").annotate(n=Count("id"))
                   .values_list("code", "n"))
    by_level = dict(MonitoringForm.objects.filter(round=rnd).values_list("level").annotate(n=Count("id"))
                    .values_list("level", "n"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg = cursor.fetchone()[0].split(" on ")[0]
    last = runs[-1][2]
    lines = [
        "# Warning sweep benchmark (`bench/bench_sweep.py`)",
        "",
        f"Run at {time.strftime('%Y-%m-%d %H:%M %z')} on {pg}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs (database and Python on the same machine).",
        "",
        baseline,
        "",
        f"Data: {args.projects:,} projects, each with a 2024 and a 2025 budget and 12 months of payments in both "
        f"years; a province-wide round through July with {last.projects:,} forms and {args.indicators} indicator "
        f"rows per form ({SPREAD_ALL_DIFFER if args.all_differ else SPREAD});"
        f" swept as of {AS_OF}, after VACUUM ANALYZE of the generated tables.",
        "",
        *(["| generated | rows | seconds |", "|---|---:|---:|",
            *[f"| {name} | {rows:,} | {sec:.1f} |" for name, rows, sec in generation], ""] if generation else []),
        "## `run_sweep`",
        "",
        "| run | seconds |",
        "|---|---:|",
        *[f"| {label} | {sec:.2f} |" for label, sec, _s in runs],
        "",
        f"Result: {last.red:,} red, {last.yellow:,} yellow, {last.projects - last.red - last.yellow:,} green "
        f"projects; form levels {by_level}; warnings by rule {by_code} "
        f"({sum(by_code.values()):,} rows).",
        "",
        "## Reads on their own (inside the sweep they run once each, in its tuned transaction)",
        "",
        "| read | rows | seconds |",
        "|---|---:|---:|",
        *[f"| {name} | {len(rows):,} | {sec:.2f} |" for name, (rows, sec) in reads],
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
