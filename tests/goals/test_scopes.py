"""Who sees which goals: a unit only its own, a department its units, a funding section the departments it
oversees, a finance bureau its region and below (changing its own level), oversight read-only, agencies none."""

import pytest

from perfbudget.core.scopes import CHANGE
from perfbudget.goals.models import BudgetCut, Goal
from perfbudget.indicators.models import IndicatorEntry
from tests.factories import declare_goal

pytestmark = pytest.mark.django_db


@pytest.fixture
def goals(world):
    county = declare_goal(world.projects["county"]["school"], world.users["county"]["unit"])
    city = declare_goal(world.projects["city"]["school"], world.users["city"]["unit"])
    sibling = declare_goal(world.projects["sibling"]["school"], world.users["sibling"]["unit"])
    return {"county": county, "city": city, "sibling": sibling}


CASES = [  # (level, role, action, visible goal keys)
    ("county", "unit", "view", {"county"}),
    ("county", "dept", "view", {"county"}),
    ("county", "funding", "view", {"county"}),
    ("county", "perf", "view", {"county"}),
    ("county", "perf", CHANGE, {"county"}),
    ("city", "perf", "view", {"county", "city", "sibling"}),
    ("city", "perf", CHANGE, {"city"}),
    ("county", "oversight", "view", {"county"}),
    ("county", "oversight", CHANGE, set()),
    ("county", "agency", "view", set()),
    ("sibling", "unit", "view", {"sibling"}),
    ("sibling", "funding", "view", {"sibling"}),
]


@pytest.mark.parametrize("level,role,action,expected", CASES)
def test_goal_scope(world, goals, level, role, action, expected):
    user = world.users[level][role]
    seen = set(Goal.objects.visible_to(user, action).values_list("pk", flat=True))
    assert seen == {goals[k].pk for k in expected}


def test_unit_does_not_see_a_sibling_unit_of_its_department(world):
    from tests.factories import user

    other_unit = user("county-school2-unit", "unit", organisation=world.orgs["county"]["school2"])
    declare_goal(world.projects["county"]["school"], world.users["county"]["unit"])
    assert not Goal.objects.visible_to(other_unit).exists()


def test_funding_section_sees_only_departments_it_oversees(world):
    declare_goal(world.projects["county"]["farm"], _farm_unit(world))
    # the county funding user is the 教科文科, which oversees the 教育局, not the 农业农村局
    assert not Goal.objects.visible_to(world.users["county"]["funding"]).exists()


def _farm_unit(world):
    from tests.factories import user

    return user("county-farm-unit", "unit", organisation=world.orgs["county"]["farm"])


def test_cuts_follow_goal_scope(world, goals):
    from decimal import Decimal

    from perfbudget.goals.services import record_cut

    record_cut(world.projects["county"]["school"], world.users["county"]["perf"], Decimal(5000), "目标不合格")
    assert BudgetCut.objects.visible_to(world.users["county"]["unit"]).count() == 1
    assert BudgetCut.objects.visible_to(world.users["sibling"]["unit"]).count() == 0
    assert BudgetCut.objects.visible_to(world.users["city"]["perf"]).count() == 1


def test_library_scope_national_regional_and_read_only_below(world):
    from perfbudget.indicators import services

    national = IndicatorEntry.objects.filter(owner_region__isnull=True).count()
    assert national >= 300
    city_entry = services.create_entry(world.users["city"]["perf"], _values(world, "市级特色指标"))
    county_entry = services.create_entry(world.users["county"]["perf"], _values(world, "县级特色指标"))
    county_unit = world.users["county"]["unit"]
    seen = IndicatorEntry.objects.visible_to(county_unit)
    assert seen.filter(pk=city_entry.pk).exists() and seen.filter(pk=county_entry.pk).exists()
    assert not IndicatorEntry.objects.visible_to(world.users["sibling"]["unit"]).filter(pk=county_entry.pk).exists()
    assert IndicatorEntry.objects.visible_to(world.users["city"]["perf"]).filter(pk=county_entry.pk).exists()
    # upper-level and national entries are read-only below
    county_perf = world.users["county"]["perf"]
    writable = IndicatorEntry.objects.visible_to(county_perf, CHANGE)
    assert set(writable.values_list("pk", flat=True)) == {county_entry.pk}
    assert not IndicatorEntry.objects.visible_to(county_unit, CHANGE).exists()


def _values(world, name):
    from perfbudget.indicators.models import IndicatorCategory

    return {"category": IndicatorCategory.objects.filter(parent__isnull=False).first(), "level1": "产出指标",
            "level2": "数量指标", "name": name, "unit": "个", "direction": "ge", "value_kind": "quantitative"}
