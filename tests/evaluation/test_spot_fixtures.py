"""抽评 test data (imported by the other test_spot_* modules): submitted self-evaluations in the county and its
sibling, a drawn batch, and a batch taken through review to the exchange of opinions."""

from perfbudget.evaluation import services_spot
from perfbudget.evaluation.choices import SelfEvalStatus
from perfbudget.evaluation.models import SelfEvaluation
from perfbudget.orgs.choices import Role

from .helpers import fill, make_selfeval, user_for


def submitted_selfevals(world, key="county", names=("school", "school2", "farm")):
    """Filled self-evaluations of `key`'s projects, marked accepted (the population of a batch)."""
    out = []
    for name in names:
        se = make_selfeval(world, key, name)
        fill(se)
        out.append(se)
    SelfEvaluation.objects.filter(pk__in=[s.pk for s in out]).update(status=SelfEvalStatus.ACCEPTED)
    for se in out:
        se.refresh_from_db()
    return out


def drawn_batch(world, share="1", **kwargs):
    """A revealed batch over the county's three submitted self-evaluations (100% by default: every item)."""
    submitted_selfevals(world)
    return services_spot.draw_spot_check(world.users["county"]["perf"], world.county, 2025, share=share, **kwargs)


def reviewing_batch(world, reviewer=None):
    """A drawn batch whose items all have a re-evaluator (the county's agency user unless told), in 复核中."""
    sc = drawn_batch(world)
    perf = world.users["county"]["perf"]
    reviewer = reviewer or world.users["county"]["agency"]
    services_spot.assign_reviewer(perf, sc, list(sc.items.all()), reviewer)
    services_spot.step(perf, sc, "start_review")
    sc.refresh_from_db()
    return sc


def exchanging_batch(world):
    """Every item re-scored (actuals as the unit gave them, first row halved) and signed by the re-evaluator; the
    batch in 意见交换."""
    sc = reviewing_batch(world)
    agency = world.users["county"]["agency"]
    for item in sc.items.all():
        first = item.review_rows[0]
        services_spot.rescore_item(agency, item, {first["row"]: {"actual": _half(first["self_actual"])}})
        services_spot.sign_as_reviewer(agency, item, "第一项指标实际完成值与佐证材料不符，按核实数计分。")
    services_spot.step(world.users["county"]["perf"], sc, "exchange")
    sc.refresh_from_db()
    return sc


def unit_user(item):
    return user_for(Role.UNIT, item.self_evaluation.project_year.project.unit)


def _half(printed):
    digits = "".join(ch for ch in printed if ch.isdigit())
    return printed.replace(digits, str(int(digits) // 2)) if digits else printed
