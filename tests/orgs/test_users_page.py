"""用户与授权: each role sees the accounts holding a grant in its scope, with those grants only."""

import re

import pytest
from django.urls import reverse

from perfbudget.orgs.choices import Role
from perfbudget.orgs.models import RoleGrant
from tests import factories

ROLES = ("perf", "budget", "funding", "dept", "unit", "oversight", "agency")


def _usernames(client, query=""):
    r = client.get(reverse("orgs:users") + query)
    assert r.status_code == 200
    return set(re.findall(r"<tr><td>([\w@.+-]+)</td>", r.content.decode()))


def _all(level, roles=ROLES):
    return {f"{level}_{r}" for r in roles}


@pytest.mark.parametrize("viewer, expected", [
    # a county's finance bureau: everyone of its county (region grants included), nobody of the city or sibling
    (("county", "budget"), _all("county")),
    (("county", "perf"), _all("county")),
    # the city sees its own level and both counties below
    (("city", "budget"), _all("city") | _all("county") | _all("sibling")),
    # a funding section: itself, the departments it oversees and their units
    (("county", "funding"), {"county_funding", "county_dept", "county_unit"}),
    # a department: itself and its units; not the bureau's region-wide accounts
    (("county", "dept"), {"county_dept", "county_unit"}),
])
def test_scope_per_role(world, login, viewer, expected):
    level, role = viewer
    assert _usernames(login(world.users[level][role])) == expected


def test_superuser_sees_everyone(world, login):
    assert _usernames(login(world.admin), "?q=_") == _all("city") | _all("county") | _all("sibling")


@pytest.mark.parametrize("role", ["unit", "oversight", "agency"])
def test_others_are_refused(world, login, role):
    r = login(world.users["county"][role]).get(reverse("orgs:users"))
    assert r.status_code == 403 and "只有财政局和主管部门的用户可以查看用户与授权" in r.content.decode()


def test_search_by_name_or_username(world, login):
    c = login(world.users["county"]["budget"])
    zhao = factories.user("yc_zhao", Role.UNIT, organisation=world.orgs["county"]["school2"])
    zhao.display_name = "赵敏"
    zhao.save()
    assert _usernames(c, "?q=赵") == {"yc_zhao"}
    assert _usernames(c, "?q=county_d") == {"county_dept"}


def test_grants_shown_are_those_in_scope(world, login):
    unit = world.users["county"]["unit"]
    RoleGrant.objects.create(user=unit, role=Role.UNIT, organisation=world.orgs["sibling"]["school"])
    html = login(world.users["county"]["budget"]).get(reverse("orgs:users") + "?q=county_unit").content.decode()
    assert world.orgs["county"]["school"].name in html and world.orgs["sibling"]["school"].name not in html
    html = login(world.users["city"]["budget"]).get(reverse("orgs:users") + "?q=county_unit").content.decode()
    assert world.orgs["county"]["school"].name in html and world.orgs["sibling"]["school"].name in html


def test_pagination(world, login):
    for i in range(55):
        factories.user(f"yc_p{i:02d}", Role.UNIT, organisation=world.orgs["county"]["school2"])
    c = login(world.users["county"]["budget"])
    first, second = _usernames(c, "?q=yc_p"), _usernames(c, "?q=yc_p&page=2")
    assert len(first) == 50 and len(second) == 5 and not first & second


def test_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries):
    for i in range(30):
        factories.user(f"yc_q{i:02d}", Role.UNIT, organisation=world.orgs["county"]["school2"])
    c = login(world.users["county"]["budget"])
    with django_assert_max_num_queries(15):
        assert len(_usernames(c, "?q=yc_q")) == 30
