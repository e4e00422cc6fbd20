"""Scopes for every role: lists, details, edits and the organisation/region lists show exactly what is in scope."""

import pytest
from django.urls import reverse

from perfbudget.orgs.models import Organisation, Region
from perfbudget.projects.models import ProjectYear

ALL = {f"{k}-{p}" for k in ("CITY", "COUNTY", "SIBLING") for p in ("EDU-1", "EDU-2", "AGR-1")}
COUNTY = {"COUNTY-EDU-1", "COUNTY-EDU-2", "COUNTY-AGR-1"}
CITY_LEVEL = {"CITY-EDU-1", "CITY-EDU-2", "CITY-AGR-1"}

# (level, role) -> (codes visible, codes changeable)
EXPECTED = {
    ("county", "unit"): ({"COUNTY-EDU-1"}, {"COUNTY-EDU-1"}),
    ("county", "dept"): ({"COUNTY-EDU-1", "COUNTY-EDU-2"}, {"COUNTY-EDU-1", "COUNTY-EDU-2"}),
    ("county", "funding"): ({"COUNTY-EDU-1", "COUNTY-EDU-2"}, {"COUNTY-EDU-1", "COUNTY-EDU-2"}),
    ("county", "budget"): (COUNTY, COUNTY),
    ("county", "perf"): (COUNTY, COUNTY),
    ("county", "oversight"): (COUNTY, set()),
    ("county", "agency"): (set(), set()),
    ("city", "unit"): ({"CITY-EDU-1"}, {"CITY-EDU-1"}),
    ("city", "dept"): ({"CITY-EDU-1", "CITY-EDU-2"}, {"CITY-EDU-1", "CITY-EDU-2"}),
    ("city", "funding"): ({"CITY-EDU-1", "CITY-EDU-2"}, {"CITY-EDU-1", "CITY-EDU-2"}),
    ("city", "budget"): (ALL, CITY_LEVEL),
    ("city", "perf"): (ALL, CITY_LEVEL),
    ("city", "oversight"): (ALL, set()),
    ("city", "agency"): (set(), set()),
}


def _codes(qs):
    return set(qs.values_list("project__code", flat=True))


@pytest.mark.parametrize("level,role", sorted(EXPECTED))
def test_queryset_scope(world, level, role):
    user = world.users[level][role]
    visible, changeable = EXPECTED[(level, role)]
    assert _codes(ProjectYear.objects.visible_to(user)) == visible
    assert _codes(ProjectYear.objects.visible_to(user, "change")) == changeable


@pytest.mark.parametrize("level,role", sorted(EXPECTED))
def test_list_detail_and_edit_pages(world, client, level, role):
    user = world.users[level][role]
    visible, changeable = EXPECTED[(level, role)]
    client.force_login(user)
    html = client.get(reverse("projects:list"), {"per_page": 100}).content.decode()
    assert {c for c in ALL if c in html} == visible
    for key in ("city", "county", "sibling"):
        for py in world.projects[key].values():
            code = py.project.code
            detail = client.get(reverse("projects:detail", args=[py.pk]))
            assert detail.status_code == (200 if code in visible else 404), code
            before = ProjectYear.objects.get(pk=py.pk)
            edit = client.post(reverse("projects:edit", args=[py.pk]), {"name": "越权修改", "initial_budget": "1"})
            after = ProjectYear.objects.get(pk=py.pk)
            if code not in changeable:
                assert edit.status_code in (302, 404), code
                assert (after.initial_budget, after.row_version, after.project.name) == (
                    before.initial_budget, before.row_version, before.project.name)


def test_superuser_sees_everything(world):
    assert _codes(ProjectYear.objects.visible_to(world.admin)) == ALL


def test_anonymous_and_inactive_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not ProjectYear.objects.visible_to(AnonymousUser()).exists()
    user = world.users["county"]["perf"]
    user.is_active = False
    assert not ProjectYear.objects.visible_to(user).exists()


def test_regions_never_show_a_sibling(world):
    county_perf = world.users["county"]["perf"]
    assert set(Region.objects.visible_to(county_perf).values_list("code", flat=True)) == {"640323"}
    assert set(Region.objects.visible_to(world.users["city"]["perf"]).values_list("code", flat=True)) == {
        "640300", "640323", "640324"}
    assert set(Region.objects.visible_to(world.users["county"]["unit"]).values_list("code", flat=True)) == {"640323"}


def test_organisations_scope(world):
    unit = world.users["county"]["unit"]
    assert list(Organisation.objects.visible_to(unit)) == [world.orgs["county"]["school"]]
    dept = set(Organisation.objects.visible_to(world.users["county"]["dept"]).values_list("code", flat=True))
    assert dept == {"640323-JYJ", "640323-JYJ-01", "640323-JYJ-02"}
    funding = set(Organisation.objects.visible_to(world.users["county"]["funding"]).values_list("code", flat=True))
    assert {"640323-JYJ", "640323-JYJ-01", "640323-CZJ-JKW"} <= funding
    assert not any(c.startswith("640324") or "NYJ" in c for c in funding)
    perf = Organisation.objects.visible_to(world.users["county"]["perf"])
    assert perf.exists() and not perf.exclude(region=world.county).exists()


def test_create_in_a_unit_of_another_county_leaves_no_trace(world, client):
    from perfbudget.projects.models import Project

    client.force_login(world.users["county"]["budget"])
    form = {"code": "Z-9", "name": "越权新增", "unit": world.orgs["sibling"]["farm"].code, "year": 2026,
            "budget_type": "general", "function_class": "2050201", "project_class": "specific",
            "special_fund": "False", "key_work": "False", "is_new": "True", "start_year": 2026, "end_year": 2026,
            "initial_budget": "100"}
    r = client.post(reverse("projects:create"), form)
    assert r.status_code == 200
    assert not Project.objects.filter(code="Z-9").exists()


@pytest.mark.parametrize("level,role", sorted(EXPECTED))
def test_export_scope(world, client, level, role):
    """The .xlsx export holds exactly the rows the user may see."""
    import io

    from openpyxl import load_workbook

    client.force_login(world.users[level][role])
    r = client.get(reverse("projects:export"))
    if r.status_code == 403:
        assert not EXPECTED[(level, role)][0]
        return
    assert r.status_code == 200
    cells = {c.value for row in load_workbook(io.BytesIO(r.content)).active.iter_rows() for c in row}
    assert {c for c in ALL if c in cells} == EXPECTED[(level, role)][0]
