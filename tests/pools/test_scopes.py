"""Who sees which pool entries, records and draws; who may change them."""

import datetime

import pytest

from perfbudget.core.scopes import CHANGE
from perfbudget.pools import services
from perfbudget.pools.models import Agency, Draw, Expert, Rating, ViolationRecord

from .helpers import agency, agency_user, expert, expert_user


@pytest.fixture
def pools(world):
    city_a, county_a, sibling_a = agency(world.city), agency(world.county), agency(world.sibling)
    city_e, county_e = expert(world.city), expert(world.county)
    return {"city_a": city_a, "county_a": county_a, "sibling_a": sibling_a, "city_e": city_e, "county_e": county_e}


def _ids(qs):
    return set(qs.values_list("pk", flat=True))


def test_city_bureau_sees_its_pool_and_the_counties_below(world, pools):
    for role in ("perf", "budget", "oversight"):
        seen = _ids(Agency.objects.visible_to(world.users["city"][role]))
        assert seen == {pools["city_a"].pk, pools["county_a"].pk, pools["sibling_a"].pk}, role


def test_county_bureau_sees_its_own_pool_not_the_citys_nor_the_siblings(world, pools):
    """Decision: a county's pool is its own; the city's entries reach it through `regions_served` in draws."""
    for role in ("perf", "budget", "oversight"):
        assert _ids(Agency.objects.visible_to(world.users["county"][role])) == {pools["county_a"].pk}, role
        assert _ids(Expert.objects.visible_to(world.users["county"][role])) == {pools["county_e"].pk}, role


def test_only_the_owning_office_changes(world, pools):
    assert _ids(Agency.objects.visible_to(world.users["city"]["perf"], CHANGE)) == {pools["city_a"].pk}
    for role in ("budget", "oversight", "funding", "dept", "unit", "agency"):
        assert not Agency.objects.visible_to(world.users["city"][role], CHANGE).exists(), role


def test_funding_section_reads_its_own_regions_pool(world, pools):
    assert _ids(Agency.objects.visible_to(world.users["city"]["funding"])) == {pools["city_a"].pk}


def test_departments_and_units_see_nothing(world, pools):
    for key in ("city", "county"):
        for role in ("dept", "unit"):
            user = world.users[key][role]
            for model in (Agency, Expert, Draw, Rating, ViolationRecord):
                assert not model.objects.visible_to(user).exists(), (key, role, model)


def test_an_agency_user_sees_only_itself(world, pools):
    me = pools["county_a"]
    user = agency_user(me)
    assert _ids(Agency.objects.visible_to(user)) == {me.pk}
    assert not Expert.objects.visible_to(user).exists()
    services.add_violation(world.admin, me, datetime.date(2026, 1, 5), "逾期提交报告")
    services.add_violation(world.admin, pools["city_a"], datetime.date(2026, 1, 5), "别家的记录")
    assert [v.agency_id for v in ViolationRecord.objects.visible_to(user)] == [me.pk]
    # the world's agency user holds a region grant, not an agency organisation: it sees no entry
    assert not Agency.objects.visible_to(world.users["county"]["agency"]).exists()


def test_an_expert_sees_only_itself(world, pools):
    user = expert_user("zhuanjia", world.county)
    me = expert(world.county, user=user)
    assert _ids(Expert.objects.visible_to(user)) == {me.pk}
    assert not Agency.objects.visible_to(user).exists()
    assert not Expert.objects.visible_to(user, CHANGE).exists()


def test_draws_follow_the_region(world, pools):
    perf = world.users["county"]["perf"]
    agency(world.county)
    draw = services.commit_draw(perf, "agency", 1, world.county, "测试抽取")
    assert Draw.objects.visible_to(world.users["city"]["oversight"]).filter(pk=draw.pk).exists()
    assert Draw.objects.visible_to(world.users["county"]["budget"]).filter(pk=draw.pk).exists()
    assert not Draw.objects.visible_to(world.users["sibling"]["perf"]).filter(pk=draw.pk).exists()
    assert not Draw.objects.visible_to(world.users["county"]["unit"]).exists()
