"""抽评 scopes: the bureau of the region (and the regions above, read-only), funding sections for their departments,
agencies for the items assigned to them, and units and departments for their own items only once the batch is in
the exchange of opinions."""

import pytest

from perfbudget.core.scopes import CHANGE
from perfbudget.evaluation.models import SpotCheck, SpotCheckItem

from .helpers import user_for
from .test_spot_fixtures import drawn_batch, exchanging_batch, reviewing_batch

pytestmark = pytest.mark.django_db


def _items(user, sc, action="view"):
    return set(SpotCheckItem.objects.visible_to(user, action).filter(spot_check=sc).values_list(
        "self_evaluation__project_year__project__code", flat=True))


ALL = {"COUNTY-EDU-1", "COUNTY-EDU-2", "COUNTY-AGR-1"}


def test_bureau_scopes(world):
    sc = drawn_batch(world)
    county, city, sibling = world.users["county"], world.users["city"], world.users["sibling"]
    assert _items(county["perf"], sc) == ALL and _items(county["perf"], sc, CHANGE) == ALL
    assert SpotCheck.objects.visible_to(county["perf"], CHANGE).filter(pk=sc.pk).exists()
    # the city bureau reads the county's batch but may not change it
    assert _items(city["perf"], sc) == ALL and _items(city["perf"], sc, CHANGE) == set()
    assert not SpotCheck.objects.visible_to(city["perf"], CHANGE).filter(pk=sc.pk).exists()
    # a sibling county sees nothing
    assert _items(sibling["perf"], sc) == set()
    assert not SpotCheck.objects.visible_to(sibling["perf"]).filter(pk=sc.pk).exists()
    # oversight reads; the funding section reaches only the departments it oversees (education)
    assert _items(county["oversight"], sc) == ALL and _items(county["oversight"], sc, CHANGE) == set()
    assert _items(county["funding"], sc) == {"COUNTY-EDU-1", "COUNTY-EDU-2"}


def test_units_and_departments_see_their_items_only_once_exchanged(world):
    sc = reviewing_batch(world)
    unit, dept = world.users["county"]["unit"], world.users["county"]["dept"]
    assert _items(unit, sc) == set() and _items(dept, sc) == set()
    assert not SpotCheck.objects.visible_to(unit).filter(pk=sc.pk).exists()
    SpotCheck.objects.filter(pk=sc.pk).update(status="exchanging")
    assert _items(unit, sc) == {"COUNTY-EDU-1"}
    assert _items(unit, sc, CHANGE) == {"COUNTY-EDU-1"}
    assert _items(dept, sc) == {"COUNTY-EDU-1", "COUNTY-EDU-2"}
    farm_unit = user_for("unit", world.orgs["county"]["farm"])
    assert _items(farm_unit, sc) == {"COUNTY-AGR-1"}
    assert SpotCheck.objects.visible_to(unit).filter(pk=sc.pk).exists()
    assert _items(world.users["sibling"]["unit"], sc) == set()


def test_agencies_see_only_the_items_assigned_to_them(world):
    from perfbudget.evaluation import services_spot

    sc = drawn_batch(world)
    agency, other = world.users["county"]["agency"], world.users["sibling"]["agency"]
    assert _items(agency, sc) == set()
    assert not SpotCheck.objects.visible_to(agency).filter(pk=sc.pk).exists()
    item = sc.items.get(self_evaluation__project_year__project__code="COUNTY-AGR-1")
    services_spot.assign_reviewer(world.users["county"]["perf"], sc, [item], agency)
    assert _items(agency, sc) == {"COUNTY-AGR-1"} and _items(agency, sc, CHANGE) == {"COUNTY-AGR-1"}
    assert SpotCheck.objects.visible_to(agency).filter(pk=sc.pk).exists()
    assert _items(other, sc) == set()


def test_roles_filter_narrows_the_scope(world):
    sc = exchanging_batch(world)
    perf = world.users["county"]["perf"]
    assert SpotCheckItem.objects.visible_to(perf, roles=("unit",)).filter(spot_check=sc).count() == 0
    assert SpotCheckItem.objects.visible_to(world.admin).filter(spot_check=sc).count() == 3
