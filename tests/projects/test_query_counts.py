"""List pages keep a flat number of queries as rows grow (no N+1)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import project_year


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, params or {})
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_project_list_queries_flat(world, client):
    client.force_login(world.users["city"]["perf"])
    url = reverse("projects:list")
    small = _count(client, url, {"per_page": 100})
    for i in range(40):
        project_year(world.orgs["county"]["farm" if i % 2 else "school"], year=2026, amount=str(100000 * (i + 1)))
    large = _count(client, url, {"per_page": 100})
    assert large == small


def test_inbox_and_detail_queries_flat(world, client):
    from perfbudget.core.workflow import transition
    from perfbudget.projects.workflow import PROJECT_WORKFLOW

    dept = world.users["county"]["dept"]
    client.force_login(dept)
    py = world.projects["county"]["school"]
    transition(py, PROJECT_WORKFLOW, "submit", world.users["county"]["unit"])
    small = _count(client, reverse("core:inbox"))
    detail_small = _count(client, reverse("projects:detail", args=[py.pk]), {"tab": "workflow"})
    for i in range(16):
        extra = project_year(world.orgs["county"]["school"], year=2026, amount="200000")
        transition(extra, PROJECT_WORKFLOW, "submit", world.users["county"]["unit"])
        transition(py, PROJECT_WORKFLOW, "dept_return" if i % 2 == 0 else "submit",
                   dept if i % 2 == 0 else world.users["county"]["unit"], comment="意见")
    assert _count(client, reverse("core:inbox")) == small
    assert _count(client, reverse("projects:detail", args=[py.pk]), {"tab": "workflow"}) == detail_small
