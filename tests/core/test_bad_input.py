"""Bad input never crashes a page: odd query strings and ids give a page or a 404, never a server error."""

import pytest
from django.urls import reverse

ODD = [
    ("projects:list", {"page": "abc"}), ("projects:list", {"page": "99999"}), ("projects:list", {"sort": "nope"}),
    ("projects:list", {"per_page": "-5"}), ("projects:list", {"per_page": "x"}), ("projects:list", {"year": "abc"}),
    ("projects:list", {"region": "000000"}), ("projects:list", {"department": "<script>"}),
    ("projects:list", {"q": "'; drop table x; --", "status": "∞"}), ("projects:list", {"region_only": "maybe"}),
    ("projects:export", {"year": "1900"}), ("projects:export", {"region": "x"}),
    ("core:inbox", {"page": "0"}), ("core:inbox", {"stage": "不存在", "q": "%%"}),
    ("rulesets:list", {"year": "abc", "region": "zzz"}), ("rulesets:list", {"year": "1800"}),
    ("orgs:list", {"page": "-1", "kind": "alien"}), ("orgs:users", {"page": "x", "q": "%_"}),
    ("orgs:export", {"x": "y"}), ("projects:import", {"page": "1"}),
]


@pytest.mark.parametrize("name,params", ODD)
def test_odd_query_strings(world, client, name, params):
    for user in (world.users["county"]["unit"], world.users["city"]["perf"], world.admin):
        client.force_login(user)
        r = client.get(reverse(name), params)
        assert r.status_code in (200, 302, 403, 404), (user, r.status_code)


@pytest.mark.parametrize("path", [
    "/projects/999999/", "/projects/999999/edit/", "/history/projects/projectyear/999999/",
    "/history/auth/permission/1/", "/projects/import/999999/", "/projects/import/999999/errors.xlsx",
])
def test_missing_objects_are_404(world, client, path):
    client.force_login(world.users["county"]["budget"])
    assert client.get(path).status_code == 404


def test_posts_with_garbage(world, client):
    py = world.projects["county"]["school"]
    client.force_login(world.users["county"]["unit"])
    assert client.post(reverse("projects:transition", args=[py.pk]), {"action": "x", "row_version": "abc"},
                       follow=True).status_code == 200
    assert client.post(reverse("projects:transition", args=[py.pk]), {"action": "submit", "row_version": "abc"},
                       follow=True).status_code == 200
    assert client.post(reverse("projects:revert", args=[py.pk, 999999])).status_code == 404
    r = client.post(reverse("projects:create"), {"code": "坏编码", "initial_budget": "1e999", "year": "x"})
    assert r.status_code == 200
