"""Who sees which self-evaluations (and their rows and problems), and who may change them."""

import pytest

from perfbudget.core.scopes import CHANGE
from perfbudget.evaluation import services
from perfbudget.evaluation.models import SelfEvaluation, SelfEvaluationProblem, SelfEvaluationRow

from .helpers import fill, make_selfeval

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(world):
    """Self-evaluations of the county's school, the county's farm and the sibling county's school."""
    return {"school": make_selfeval(world, "county", "school"), "farm": make_selfeval(world, "county", "farm"),
            "sibling": make_selfeval(world, "sibling", "school")}


def _seen(user, model=SelfEvaluation, action="view"):
    return set(model.objects.visible_to(user, action).values_list("pk", flat=True))


def test_unit_sees_only_its_own(world, three):
    assert _seen(world.users["county"]["unit"]) == {three["school"].pk}
    assert _seen(world.users["county"]["unit"], SelfEvaluationRow) == set(
        three["school"].rows.values_list("pk", flat=True))


def test_department_sees_its_units(world, three):
    # The county's education bureau: the school, not the farm (agriculture) nor the sibling county.
    assert _seen(world.users["county"]["dept"]) == {three["school"].pk}


def test_funding_section_sees_the_departments_it_oversees(world, three):
    assert _seen(world.users["county"]["funding"]) == {three["school"].pk}


def test_bureau_sees_its_region_and_below_changes_its_level(world, three):
    assert _seen(world.users["county"]["perf"]) == {three["school"].pk, three["farm"].pk}
    assert _seen(world.users["city"]["perf"]) == {se.pk for se in three.values()}
    assert _seen(world.users["city"]["perf"], action=CHANGE) == set()
    assert _seen(world.users["sibling"]["perf"]) == {three["sibling"].pk}


def test_oversight_reads_only(world, three):
    oversight = world.users["county"]["oversight"]
    assert _seen(oversight) == {three["school"].pk, three["farm"].pk}
    assert _seen(oversight, action=CHANGE) == set()


def test_agency_sees_only_what_it_was_added_to(world, three):
    agency = world.users["county"]["agency"]
    assert _seen(agency) == set()
    services.add_agency_reviewer(three["farm"], world.users["county"]["perf"], agency)
    agency = type(agency).objects.get(pk=agency.pk)
    assert _seen(agency) == {three["farm"].pk}
    assert _seen(agency, SelfEvaluationRow) == set(three["farm"].rows.values_list("pk", flat=True))
    assert _seen(world.users["sibling"]["agency"]) == set()


def test_problems_follow_their_self_evaluation(world, three):
    u = world.users["county"]
    se = three["school"]
    fill(se, u["unit"])
    se.refresh_from_db()
    services.submit(se, u["unit"])
    services.review(se, u["dept"], "approve")
    problem = services.raise_problem(se, u["perf"], "佐证不足")
    assert _seen(u["unit"], SelfEvaluationProblem) == {problem.pk}
    assert _seen(world.users["sibling"]["unit"], SelfEvaluationProblem) == set()
    assert _seen(world.users["county"]["agency"], SelfEvaluationProblem) == set()
