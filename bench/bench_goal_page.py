"""Benchmark: declaring a goal with 30 indicator rows through the page (not a test; run by hand).

    .venv/bin/python bench/bench_goal_page.py            # SQLite in a scratch folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perfbudget_bench .venv/bin/python bench/bench_goal_page.py

It migrates a scratch database, builds the test world (tests/factories.World), then times, through Django's
test client against the real views: opening the grid, the live quality check of 30 rows, saving 30 rows
(validation, quality check, change log), re-saving them unchanged, and submitting. Each step runs REPEAT
times on fresh goals; the median and the worst are written to bench/results/goal_page.txt.
"""

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REPEAT = int(os.environ.get("REPEAT", "7"))
RESULT = ROOT / "bench" / "results" / "goal_page.txt"


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfbudget.settings")
    if "DATABASE_URL" not in os.environ:
        os.environ["PERFBUDGET_VAR"] = tempfile.mkdtemp(prefix="perfbudget-bench-")
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def rows30():
    from tests.factories import GOOD_ROWS

    rows = []
    for i in range(30):
        l1, l2, name, comp, target, unit, _w = GOOD_ROWS[i % len(GOOD_ROWS)]
        rows.append((l1, l2, f"{name}{i + 1}", comp, target, unit, "3"))
    return rows


def post_data(rows, version):
    data = {"overall_goal": "完成30项建设内容。", "annual_goal": "当年完成。", "row_version": version}
    for i, (l1, l2, name, comp, target, unit, weight) in enumerate(rows):
        k = f"n{i}"
        data |= {f"rows-{k}-level1": l1, f"rows-{k}-level2": l2, f"rows-{k}-name": name,
                 f"rows-{k}-comparator": comp, f"rows-{k}-target": target, f"rows-{k}-unit": unit,
                 f"rows-{k}-weight": weight, f"rows-{k}-basis": "plan"}
    return data


def timed(fn):
    t = time.perf_counter()
    response = fn()
    elapsed = time.perf_counter() - t
    assert response.status_code in (200, 302), (response.status_code, response.content[:500])
    return elapsed


def main():
    setup_django()
    from django.test import Client
    from django.urls import reverse

    from perfbudget.goals.models import Goal
    from tests.factories import World, project_year

    world = World.get()
    unit_user = world.users["county"]["unit"]
    school = world.orgs["county"]["school"]
    client = Client()
    client.force_login(unit_user)
    steps = {"open grid": [], "live check": [], "save 30 rows": [], "re-save unchanged": [], "submit": []}
    rows = rows30()
    for i in range(REPEAT):
        py = project_year(school, code=f"BENCH-{os.getpid()}-{i}", name="基准测试项目")
        client.post(reverse("goals:start", args=[py.pk]))
        goal = Goal.objects.get(project_year=py)
        edit = reverse("goals:edit", args=[goal.pk])
        steps["open grid"].append(timed(lambda edit=edit: client.get(edit)))
        data = post_data(rows, goal.row_version)
        steps["live check"].append(timed(lambda g=goal, d=data: client.post(reverse("goals:check", args=[g.pk]), d)))
        steps["save 30 rows"].append(timed(lambda d=data, e=edit: client.post(e, d)))
        goal.refresh_from_db()
        data = post_data(rows, goal.row_version)
        steps["re-save unchanged"].append(timed(lambda d=data, e=edit: client.post(e, d)))
        goal.refresh_from_db()
        assert goal.rows.count() == 30
        steps["submit"].append(timed(lambda g=goal: client.post(reverse("goals:transition", args=[g.pk]),
                                                                 {"action": "submit"})))
    from django.db import connection

    lines = [f"Goal declaration through the page, 30 indicator rows, {REPEAT} runs each "
             f"({connection.vendor}, Python {platform.python_version()}, {platform.machine()}, "
             f"{os.cpu_count()} CPUs)", ""]
    for name, values in steps.items():
        median, worst = statistics.median(values) * 1000, max(values) * 1000
        lines.append(f"{name:20s} median {median:7.1f} ms   worst {worst:7.1f} ms")
    text = "\n".join(lines) + "\n"
    print(text)
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    with open(RESULT, "a", encoding="utf-8") as fh:
        fh.write(time.strftime("%Y-%m-%d %H:%M ") + text + "\n")


if __name__ == "__main__":
    main()
