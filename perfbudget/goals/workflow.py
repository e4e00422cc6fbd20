"""The goal review flow: unit submits → department consolidates (if the rule set says so) → funding
section reviews (business view) → performance office reviews (performance view) → approved.

Any reviewer may return the goal to the unit with comments, per indicator too; the unit revises and
resubmits and the reviewers see what changed since the return. Approving an adjustment (目标调整)
supersedes the version it replaces.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perfbudget.core.workflow import Todo, Transition, Workflow
from perfbudget.orgs.choices import Role
from perfbudget.rulesets.services import resolve

from .choices import GoalStatus as S


def _rules(goal):
    p = goal.project_year.project
    return resolve(p.region, goal.project_year.year)


def _after_department(goal):
    """Next reviewer after the department: the funding section when the department has one."""
    return S.SECTION_REVIEW if goal.project_year.project.department.funding_section_id else S.OFFICE_REVIEW


def _route_submit(goal):
    if _rules(goal).get("goals.department_consolidates", True):
        return S.DEPT_REVIEW
    return _after_department(goal)


def _ready_to_submit(goal, user):
    from .services import submission_problems

    problems = submission_problems(goal)
    return "；".join(problems) if problems else None


def _todos(goal, state):
    p = goal.project_year.project
    due = _rules(goal).get("projects.review_due_days", 5)
    name = f"{p.name}（{goal.project_year.year}年）"
    if state == S.DEPT_REVIEW:
        return [Todo(Role.DEPARTMENT, f"审核绩效目标：{name}", organisation=p.department, due_days=due)]
    if state == S.SECTION_REVIEW:
        return [Todo(Role.FUNDING_SECTION, f"业务审核绩效目标：{name}", organisation=p.department.funding_section,
                     due_days=due)]
    if state == S.OFFICE_REVIEW:
        return [Todo(Role.PERFORMANCE_OFFICE, f"绩效审核绩效目标：{name}", region=p.region, due_days=due)]
    if state == S.RETURNED:
        return [Todo(Role.UNIT, f"修改绩效目标后重新提交：{name}", organisation=p.unit, due_days=due)]
    return []


def _on_enter(goal, t, user):
    from .services import snapshot_rows

    if goal.status == S.RETURNED:
        goal.reviewed_rows = snapshot_rows(goal)  # what the reviewer saw: the resubmission is diffed against it
    if goal.status == S.APPROVED:
        goal.approved_at = timezone.now()
        if goal.previous_id:
            type(goal).objects.filter(pk=goal.previous_id, status=S.APPROVED).update(status=S.SUPERSEDED)


REVIEWERS = {
    S.DEPT_REVIEW: Role.DEPARTMENT,
    S.SECTION_REVIEW: Role.FUNDING_SECTION,
    S.OFFICE_REVIEW: Role.PERFORMANCE_OFFICE,
}
# (state → (approve action, return action)): what "approve" and "return" mean at each review step.
REVIEW_ACTIONS = {
    S.DEPT_REVIEW: ("dept_approve", "dept_return"),
    S.SECTION_REVIEW: ("section_approve", "section_return"),
    S.OFFICE_REVIEW: ("office_approve", "office_return"),
}


def _reviewer(role):
    return frozenset({role})


GOAL_WORKFLOW = Workflow(
    name="goal",
    stage="goals",
    state_labels=dict(S.choices),
    transitions=[
        Transition("submit", _("提交审核"), (S.DRAFT, S.RETURNED), S.DEPT_REVIEW, frozenset({Role.UNIT}),
                   guard=_ready_to_submit, route=_route_submit),
        Transition("withdraw", _("撤回"), (S.DEPT_REVIEW,), S.DRAFT, frozenset({Role.UNIT}), style="secondary"),
        Transition("dept_approve", _("审核通过"), (S.DEPT_REVIEW,), S.SECTION_REVIEW, _reviewer(Role.DEPARTMENT),
                   style="success", route=_after_department),
        Transition("dept_return", _("退回修改"), (S.DEPT_REVIEW,), S.RETURNED, _reviewer(Role.DEPARTMENT),
                   comment_required=True, style="danger"),
        Transition("section_approve", _("业务审核通过"), (S.SECTION_REVIEW,), S.OFFICE_REVIEW,
                   _reviewer(Role.FUNDING_SECTION), style="success"),
        Transition("section_return", _("退回修改"), (S.SECTION_REVIEW,), S.RETURNED, _reviewer(Role.FUNDING_SECTION),
                   comment_required=True, style="danger"),
        Transition("office_approve", _("绩效审核通过并批复"), (S.OFFICE_REVIEW,), S.APPROVED,
                   _reviewer(Role.PERFORMANCE_OFFICE), style="success"),
        Transition("office_return", _("退回修改"), (S.OFFICE_REVIEW,), S.RETURNED, _reviewer(Role.PERFORMANCE_OFFICE),
                   comment_required=True, style="danger"),
    ],
    todos=_todos,
    url=lambda goal: reverse("goals:detail", args=[goal.pk]),
    on_enter=_on_enter,
)
