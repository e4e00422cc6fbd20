"""Benchmark of the execution data import (not a test): our loader against a plain COPY of the same file.

Creates a throwaway PostgreSQL database (dropped at the end), migrates it, creates N projects with one project
year each by bulk SQL, writes execution CSVs (12 months per project; 1M and 6M rows by default) with COPY … TO,
then times
  - a plain `COPY … FROM STDIN (FORMAT csv, HEADER)` of the file into a bare table (typed columns, no index),
  - `load_execution(file)` in a fresh process: first load (every row new) of the 1M and the 6M file, and a
    reload of the 6M file (every row unchanged), each with its peak RSS,
and writes bench/results/execution_import.md.

    .venv/bin/python bench/bench_execution_import.py [--projects 500000] [--rows 6000000] [--small 1000000]
        [--server postgres://postgres@127.0.0.1:5432] [--keep]

--keep leaves the database (and the CSVs, under /tmp/perfbudget_bench_execution) in place and reuses them on the
next run with --keep, skipping the setup; the first load then starts from an emptied execution table as usual.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "execution_import.md"
DB = "perfbudget_bench_execution"
KEPT = Path(tempfile.gettempdir()) / "perfbudget_bench_execution"  # --keep: the CSVs and the setup time


def django_setup(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfbudget.settings")
    import django

    django.setup()


def admin(server, sql):
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def build(projects):
    """Migrate, then one region/department/unit and `projects` projects with a 2025 project year, by SQL."""
    from django.core.management import call_command
    from django.db import connection

    from perfbudget.orgs.choices import OrgKind, RegionLevel
    from perfbudget.orgs.models import Organisation, Region
    from perfbudget.projects.models import FunctionClass

    call_command("migrate", verbosity=0)
    region = Region.objects.create(code="640000", name="宁夏回族自治区", level=RegionLevel.PROVINCE)
    dept = Organisation.objects.create(code="640000-JYT", name="教育厅", kind=OrgKind.DEPARTMENT, region=region)
    unit = Organisation.objects.create(code="640000-JYT-01", name="第一中学", kind=OrgKind.UNIT, region=region,
                                       parent=dept)
    FunctionClass.objects.get_or_create(code="2050201", defaults={"name": "学前教育"})
    unit.refresh_from_db()
    with connection.cursor() as c:
        c.execute("""INSERT INTO projects_project (created_at, updated_at, row_version, code, name, budget_type,
                       project_class, special_fund, key_work, start_year, end_year, description, department_id,
                       function_class_id, region_id, unit_id)
                     SELECT now(), now(), 1, 'P' || lpad(g::text, 7, '0'), '项目' || g, 'general', 'specific', false,
                       false, 2025, 2027, '', %s, '2050201', %s, %s FROM generate_series(1, %s) g""",
                  [unit.department_id or dept.pk, region.pk, unit.pk, projects])
        c.execute("""INSERT INTO projects_projectyear (created_at, updated_at, row_version, project_id, year, is_new,
                       initial_budget, abc_class, abc_computed, abc_override_reason, abc_ruleset, status)
                     SELECT now(), now(), 1, id, 2025, true, 1000000, '', '', '', '', 'approved'
                     FROM projects_project""")
        c.execute("ANALYZE")


def write_csv(path, rows, seed):
    """`rows` execution rows (project by project, months 1–12) as CSV, written by COPY … TO STDOUT."""
    from django.db import connection

    with connection.cursor() as c, open(path, "wb") as out:
        c.execute("SELECT setseed(%s)", [seed])
        out.write(b"project_code,fiscal_year,month,paid_amount\n")
        sql = f"""COPY (SELECT 'P' || lpad((1 + (g - 1) / 12)::text, 7, '0'), 2025, 1 + (g - 1) % 12,
                              round((random() * 5000000)::numeric, 2)
                       FROM generate_series(1, {int(rows)}) g) TO STDOUT WITH (FORMAT csv)"""
        with c.cursor.copy(sql) as copy:
            for chunk in copy:
                out.write(chunk)


def time_copy(path):
    """A plain COPY of the file into a bare table: the yardstick."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS bench_bare")
        c.execute("CREATE TABLE bench_bare (project_code text, fiscal_year int, month smallint, "
                  "paid_amount numeric(16, 2))")
        start = time.perf_counter()
        with c.cursor.copy("COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER)") as copy, open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - start
        c.execute("DROP TABLE bench_bare")
    return seconds


def child(url, path):
    """Run in a fresh process: one load_execution, printed as JSON with the peak RSS of this process."""
    django_setup(url)
    from perfbudget.monitoring.execution import load_execution

    start = time.perf_counter()
    result = load_execution(path)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "total": result.total, "created": result.created, "updated": result.updated,
                      "unchanged": result.unchanged, "errors": [str(e) for e in result.errors[:5]],
                      "timings": result.timings}))


def run_child(url, path):
    out = subprocess.run([sys.executable, __file__, "--child", str(path), "--url", url], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def truncate():
    from django.db import connection

    with connection.cursor() as c:
        c.execute("TRUNCATE monitoring_executionchange, monitoring_executionyear, monitoring_executionbatch")
        c.execute("VACUUM ANALYZE monitoring_executionyear")


def settings_text():
    from django.db import connection

    with connection.cursor() as c:
        values = {}
        for name in ("server_version", "shared_buffers", "max_wal_size", "work_mem", "synchronous_commit"):
            c.execute(f"SHOW {name}")
            values[name] = c.fetchone()[0]
    version = values.pop("server_version")
    return f"PostgreSQL {version} (stock settings: " + ", ".join(f"{n}={v}" for n, v in values.items()) + ")."


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=500_000)
    parser.add_argument("--rows", type=int, default=6_000_000)
    parser.add_argument("--small", type=int, default=1_000_000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--child")
    parser.add_argument("--url")
    parser.add_argument("--rounds", type=int, default=3, help="(plain COPY, import) pairs on the large file")
    parser.add_argument("--keep", action="store_true", help="keep and reuse the database and files")
    args = parser.parse_args()
    if args.child:
        return child(args.url, args.child)
    url = f"{args.server}/{DB}"
    reuse = args.keep and KEPT.joinpath("setup.json").exists()
    if not reuse:
        admin(args.server, f"DROP DATABASE IF EXISTS {DB}")
        admin(args.server, f"CREATE DATABASE {DB}")
    try:
        django_setup(url)
        with tempfile.TemporaryDirectory() as tmp:
            folder = KEPT if args.keep else Path(tmp)
            folder.mkdir(exist_ok=True)
            small, big = folder / "execution_small.csv", folder / "execution_big.csv"
            if reuse:
                setup = json.loads(KEPT.joinpath("setup.json").read_text())["setup"]
                truncate()
            else:
                t = time.perf_counter()
                build(args.projects)
                setup = time.perf_counter() - t
                write_csv(small, args.small, 0.1)
                write_csv(big, args.rows, 0.2)
                if args.keep:
                    KEPT.joinpath("setup.json").write_text(json.dumps({"setup": setup}))
            print(f"setup {setup:.1f} s; files written", flush=True)
            # The yardstick and the import are timed in pairs, one right after the other: this machine's speed
            # drifts over minutes (a shared VM), and a ratio of two times taken far apart measures the drift.
            copy_small = time_copy(small)
            first_small = run_child(url, small)
            print("small", copy_small, first_small, flush=True)
            pairs = []
            for _ in range(args.rounds):
                truncate()
                pairs.append((time_copy(big), run_child(url, big)))
                print("big", pairs[-1], flush=True)
            reload_big = run_child(url, big)
            print("reload", reload_big, flush=True)
            report(args, setup, big.stat().st_size, (copy_small, first_small), pairs, reload_big)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin(args.server, f"DROP DATABASE IF EXISTS {DB}")


def report(args, setup, size, small, pairs, reload_big):
    def line(label, rows, copy_s, run):
        ratio = copy_s / run["seconds"]
        other = run["seconds"] - sum(run["timings"].values())  # file scan, process start, commit (deferred FKs)
        phases = ", ".join(f"{k} {v:.1f}" for k, v in run["timings"].items()) + f", other {other:.1f}"
        return (f"| {label} | {rows:,} | {copy_s:.1f} | {run['seconds']:.1f} | {rows / run['seconds']:,.0f} | "
                f"{ratio:.2f} | {run['rss_mb']:.0f} | {phases} |")

    ratios = sorted(copy_s / run["seconds"] for copy_s, run in pairs)
    median = statistics.median(ratios)
    copy_median = statistics.median(copy_s for copy_s, _run in pairs)
    first_big = pairs[-1][1]
    from django.db import connection

    text = "\n".join([
        "# Execution import benchmark",
        "",
        f"`bench/bench_execution_import.py` on {platform.node()} ({platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}), {time.strftime('%Y-%m-%d %H:%M %z')}.",
        f"{settings_text() if connection.connection else ''}",
        "",
        f"{args.projects:,} projects with one 2025 project year each (setup {setup:.0f} s); CSV of 12 months a "
        f"project, {args.rows:,} rows = {size / 1e6:.0f} MB. Ratio = our rows/s ÷ plain COPY's rows/s of the same "
        "file into a bare table (goal ≥ 0.5). RSS = peak resident memory of the importing process.",
        "",
        "| run | rows | plain COPY s | import s | rows/s | ratio | peak RSS MB | phases (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        line("first load (all new)", args.small, *small),
        *(line(f"first load (all new), pair {n}", args.rows, copy_s, run)
          for n, (copy_s, run) in enumerate(pairs, start=1)),
        line("reload, same file (all unchanged)", args.rows, copy_median, reload_big),
        "",
        f"**Ratio on {args.rows:,} rows, median of {len(pairs)} pairs: {median:.2f}** (goal ≥ 0.5; the pairs: "
        f"{', '.join(f'{r:.2f}' for r in ratios)}). Each pair is a plain COPY and an import run one right after the "
        "other; the reload is set against the median COPY.",
        "",
        f"Counts: first load {first_big['created']:,} created; reload {reload_big['unchanged']:,} unchanged, "
        f"{reload_big['updated']} updated.",
        "",
    ])
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
