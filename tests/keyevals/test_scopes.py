"""Who sees which key evaluations: the bureau by region, the evaluated bodies once findings are issued, agencies
and experts only what they were drawn for — for the evaluation, its scores, findings and draws alike."""

import pytest

from perfbudget.keyevals import services
from perfbudget.keyevals.models import EvaluationFramework, Evaluator, EvaluatorScore, KeyEvaluation, KeyFinding
from perfbudget.orgs.choices import Role
from tests.factories import user

from .flow import Pools, finish, national, plan, score_all

pytestmark = pytest.mark.django_db


def visible(u, model=KeyEvaluation, action="view"):
    return set(model.objects.visible_to(u, action).values_list("pk", flat=True))


@pytest.fixture
def scored(world):
    """A county evaluation in review (scored by its agency and three experts), a planned sibling-county one."""
    pools = Pools(world.county, n=3)
    ev = plan(world)
    services.assign(world.users["county"]["perf"], ev)
    ev = score_all(ev, pools)
    other = plan(world, level="sibling")
    return ev, other, pools


def test_bureau_roles_by_region(world, scored):
    ev, other, _pools = scored
    u = world.users
    assert visible(u["county"]["perf"]) == {ev.pk}
    assert visible(u["county"]["perf"], action="change") == {ev.pk}
    assert visible(u["city"]["perf"]) == {ev.pk, other.pk}  # the regions below, read-only
    assert visible(u["city"]["perf"], action="change") == set()
    assert visible(u["sibling"]["perf"]) == {other.pk}
    assert visible(u["county"]["oversight"]) == {ev.pk}
    assert visible(u["county"]["oversight"], action="change") == set()
    assert visible(u["county"]["funding"]) == {ev.pk}
    assert visible(u["county"]["budget"]) == {ev.pk}


def test_agency_and_experts_see_only_their_assignments(world, scored):
    ev, _other, pools = scored
    drawn = set(ev.evaluators.filter(kind="expert").values_list("user_id", flat=True))
    for u in pools.expert_users:
        assert visible(u) == ({ev.pk} if u.pk in drawn else set())
    assert visible(pools.agency_user) == {ev.pk}
    # a region-granted agency user (the world's) and a non-assigned expert see nothing
    assert visible(world.users["county"]["agency"]) == set()
    stranger = user("ke_stranger", Role.EXPERT, region=world.county)
    assert visible(stranger) == set()
    assert visible(stranger, EvaluatorScore) == set()
    assert visible(stranger, Evaluator) == set()


def test_an_expert_sees_only_its_own_scores(world, scored):
    ev, _other, pools = scored
    expert_user = next(u for u in pools.expert_users if ev.evaluators.filter(user=u).exists())
    own = set(EvaluatorScore.objects.filter(evaluator__user=expert_user).values_list("pk", flat=True))
    assert len(own) == len(ev.leaves)
    assert visible(expert_user, EvaluatorScore) == own
    agency_scores = set(EvaluatorScore.objects.filter(evaluator__kind="agency").values_list("pk", flat=True))
    assert visible(pools.agency_user, EvaluatorScore) == agency_scores
    assert len(visible(world.users["county"]["perf"], EvaluatorScore)) == 4 * len(ev.leaves)
    assert [c.pk for c in services.visible_columns(expert_user, ev)] == [
        ev.evaluators.get(user=expert_user).pk]
    assert len(services.visible_columns(world.users["county"]["perf"], ev)) == 4


def test_evaluated_bodies_see_their_evaluation_once_findings_are_issued(world, scored):
    ev, _other, _pools = scored
    unit, dept = world.users["county"]["unit"], world.users["county"]["dept"]
    perf = world.users["county"]["perf"]
    services.add_finding(perf, ev, "funds", "资金拨付滞后")
    farm_user = user("ke_farm", Role.UNIT, organisation=world.orgs["county"]["farm"])
    for u in (unit, dept, farm_user):
        assert visible(u) == set()
        assert visible(u, KeyFinding) == set()
    finish(world, ev)
    assert visible(unit) == {ev.pk}
    assert visible(dept) == {ev.pk}  # the department of the evaluated school
    assert visible(unit, KeyFinding) == set(ev.findings.values_list("pk", flat=True))
    assert visible(unit, action="change") == set()
    assert visible(farm_user) == set()  # another unit of the county
    assert visible(world.users["sibling"]["unit"]) == set()


def test_frameworks_scope(world):
    national()
    perf = world.users["county"]["perf"]
    from perfbudget.keyevals.services_frameworks import copy_framework

    mine = copy_framework(perf, national(), world.county)
    templates = set(EvaluationFramework.objects.filter(owner_region__isnull=True).values_list("pk", flat=True))
    assert visible(perf, EvaluationFramework) == templates | {mine.pk}
    assert visible(perf, EvaluationFramework, "change") == {mine.pk}
    assert visible(world.users["city"]["perf"], EvaluationFramework) == templates | {mine.pk}
    assert visible(world.users["city"]["perf"], EvaluationFramework, "change") == set()
    assert visible(world.users["sibling"]["perf"], EvaluationFramework) == templates
    assert visible(world.users["county"]["unit"], EvaluationFramework) == templates | {mine.pk}
