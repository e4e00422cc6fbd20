"""Self-evaluation test data: a project year with an approved goal and payments, its self-evaluation, filled."""

from perfbudget.evaluation import services
from perfbudget.goals import services as goal_services
from perfbudget.indicators.choices import Comparator
from perfbudget.orgs.choices import Role
from perfbudget.orgs.models import RoleGrant, User

from ..factories import declare_goal
from ..monitoring.helpers import pay

__all__ = ["NARRATIVE", "fill", "goal_for", "make_selfeval", "pay", "user_for"]

NARRATIVE = {"overall_goal_actual": "按期完成校舍维修，消除安全隐患。", "conclusion": "项目总体完成良好。",
             "problems": "个别指标进度偏慢。", "improvements": "加强过程管理。"}


def user_for(role, organisation):
    """A user holding `role` at `organisation` (the world's own user when it has one)."""
    grant = RoleGrant.objects.filter(role=role, organisation=organisation).select_related("user").first()
    if grant is not None:
        return User.objects.get(pk=grant.user_id)
    u = User.objects.create_user(username=f"{role}-{organisation.code}")
    RoleGrant.objects.create(user=u, role=role, organisation=organisation)
    return u


def goal_for(world, key="county", name="school", qualitative=0):
    """Approve the standard goal of a project through every review step; its last `qualitative` rows become
    qualitative (定性) ones."""
    py = world.projects[key][name]
    project = py.project
    goal = declare_goal(py, user_for(Role.UNIT, project.unit), submit=True)
    for reviewer in (user_for(Role.DEPARTMENT, project.department),
                     user_for(Role.FUNDING_SECTION, project.department.funding_section), world.users[key]["perf"]):
        goal.refresh_from_db()
        goal_services.review(goal, reviewer, "approve", comment="同意", criteria={})
    goal.refresh_from_db()
    for gi in list(goal.rows.order_by("-position", "-id"))[:qualitative]:
        gi.comparator, gi.target, gi.unit = Comparator.QUAL, "明显提升", ""
        gi.save()
    return py, goal


def make_selfeval(world, key="county", name="school", paid=(1_200_000,), qualitative=0):
    """A self-evaluation of `world.projects[key][name]` (approved goal, payments in January onwards)."""
    py, _goal = goal_for(world, key, name, qualitative)
    if paid:
        pay(py, list(paid))
    se, _created = services.create_selfeval(py)
    return se


def fill(se, user=None, header=None, **row_values):
    """The unit's entries: every row's actual repeats its target (met), qualitative rows judged 0.9 with a reason."""
    user = user or user_for(Role.UNIT, se.project_year.project.unit)
    rows = {}
    for r in se.rows.all():
        values = {"actual": r.target}
        if r.qualitative:
            values.update(judgement="0.9", reason="群众反映良好")
        values.update(row_values)
        rows[r.pk] = values
    return services.save_selfeval(se, user, {**NARRATIVE, **(header or {})}, rows)
