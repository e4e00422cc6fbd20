"""Monitoring test data: executing project years with approved goals, execution rows, an opened round."""

from decimal import Decimal

from perfbudget.goals import services as goal_services
from perfbudget.monitoring import services_rounds
from perfbudget.monitoring.models import MONTH_FIELDS, ExecutionYear, MonitoringRound

from ..factories import declare_goal


def approve_goal(py, world, key="county"):
    """Declare the standard goal for `py` and take it through every review step."""
    users = world.users[key]
    unit_user = users["unit"] if py.project.unit.code.endswith("JYJ-01") else None
    if unit_user is None:
        from perfbudget.orgs.choices import Role
        from perfbudget.orgs.models import RoleGrant, User

        unit_user, _ = User.objects.get_or_create(username=f"unit-{py.project.unit.code}")
        RoleGrant.objects.get_or_create(user=unit_user, role=Role.UNIT, organisation=py.project.unit)
    goal = declare_goal(py, unit_user, submit=True)
    for role in ("dept", "funding", "perf"):
        goal.refresh_from_db()
        goal_services.review(goal, users[role], "approve", comment="同意", criteria={})
    goal.refresh_from_db()
    return goal


def pay(py, amounts):
    """Monthly payments for `py`: {month: 元}, or a list for months 1, 2, … (falsy entries: no figure)."""
    if not isinstance(amounts, dict):
        amounts = {m: a for m, a in enumerate(amounts, start=1) if a}
    row = ExecutionYear.objects.filter(project_year=py).first() or ExecutionYear(project_year=py)
    for m, a in amounts.items():
        setattr(row, MONTH_FIELDS[m - 1], Decimal(str(a)))
    row.save()


def month_rows(*fields, **filters):
    """The execution figures as one sorted tuple per month: (project code, month, amount, *fields)."""
    rows = []
    for row in ExecutionYear.objects.filter(**filters).select_related("project_year__project"):
        rows.extend((row.project_year.project.code, m, amount, *(getattr(row, f) for f in fields))
                    for m, amount in enumerate(row.months(), start=1) if amount is not None)
    return sorted(rows)


def open_round(world, key="county", code="m07", goals=("school",)):
    """Mark the level's projects as executing, approve goals for some, plan the year and open one round."""
    perf = world.users[key]["perf"]
    for py in world.projects[key].values():
        py.status = "accepted"
        py.save()
    for name in goals:
        approve_goal(world.projects[key][name], world, key)
    region = perf.grants[0].effective_region
    services_rounds.plan_year(region, 2025, perf)
    rnd = MonitoringRound.objects.get(region=region, year=2025, code=code)
    services_rounds.open_round(rnd, perf)
    rnd.refresh_from_db()
    return rnd


def fill_form(form, user, forecast="110万"):
    """The unit's entries: a forecast, a note, and every indicator reported as certain to be met."""
    from perfbudget.monitoring import services_forms

    rows = {i.pk: {"actual": "2000平方米", "forecast": i.target, "likelihood": "certain"}
            for i in form.indicators.all()}
    return services_forms.save_form(form, user, {"forecast_amount": forecast, "execution_note": "按计划推进"}, rows)
