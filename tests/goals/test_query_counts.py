"""Goal and library pages keep a flat number of queries as rows grow (no N+1)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import GOOD_ROWS, declare_goal, goal_rows, project_year
from tests.goals.tables import post_rows


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, params or {})
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_goal_list_and_detail_queries_flat(world, client):
    unit = world.users["county"]["unit"]
    client.force_login(world.users["city"]["perf"])
    first = declare_goal(world.projects["county"]["school"], unit)
    small = _count(client, reverse("goals:list"), {"per_page": 100})
    detail_small = _count(client, reverse("goals:detail", args=[first.pk]))
    for i in range(12):
        py = project_year(world.orgs["county"]["school"], year=2026, amount=str(100000 * (i + 1)))
        declare_goal(py, unit, rows=goal_rows(GOOD_ROWS * 2))
    assert _count(client, reverse("goals:list"), {"per_page": 100}) == small
    big = declare_goal(project_year(world.orgs["county"]["school"], year=2026), unit, rows=goal_rows(GOOD_ROWS * 3))
    assert _count(client, reverse("goals:detail", args=[big.pk])) == detail_small


def test_library_list_queries_flat(world, client):
    client.force_login(world.users["county"]["unit"])
    url = reverse("indicators:list")
    assert _count(client, url, {"per_page": 10}) == _count(client, url, {"per_page": 200})


def test_live_check_does_not_build_the_grid(world, client):
    """The per-keystroke check renders only the quality panel: a bounded number of queries, no library scan."""
    goal = declare_goal(world.projects["county"]["school"], world.users["county"]["unit"])
    client.force_login(world.users["county"]["unit"])
    url = reverse("goals:check", args=[goal.pk])
    with CaptureQueriesContext(connection) as ctx:
        r = client.post(url, post_rows(GOOD_ROWS))
    assert r.status_code == 200 and "quality-panel" in r.content.decode()
    assert not any("indicators_indicatorentry" in q["sql"] for q in ctx.captured_queries)
    assert len(ctx.captured_queries) <= 12
