"""The goal review flow: unit submits → department consolidates (if the rule set says so) → funding
section reviews (business view) → performance office reviews (performance view) → approved.

Any reviewer may return the goal to the unit with comments, per indicator too; the unit revises and
resubmits and the reviewers see what changed since the return. Approving an adjustment (目标调整)
supersedes the version it replaces.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perfbudget.core.review_chain import REVIEW_ACTIONS, chain_todos, chain_transitions, reviewers
from perfbudget.core.workflow import Workflow
from perfbudget.rulesets.services import resolve

from .choices import GoalStatus as S


def _rules(goal):
    p = goal.project_year.project
    return resolve(p.region, goal.project_year.year)


def _ready_to_submit(goal, user):
    from .services import submission_problems

    problems = submission_problems(goal)
    return "；".join(problems) if problems else None


def _todos(goal, state):
    p = goal.project_year.project
    name = f"{p.name}（{goal.project_year.year}年）"
    return chain_todos(S, goal, state, project=p, noun="绩效目标", name=name,
                       due_days=_rules(goal).get("projects.review_due_days", 5))


def _on_enter(goal, t, user):
    from .services import snapshot_rows

    if goal.status == S.RETURNED:
        goal.reviewed_rows = snapshot_rows(goal)  # what the reviewer saw: the resubmission is diffed against it
    if goal.status == S.APPROVED:
        goal.approved_at = timezone.now()
        if goal.previous_id:
            type(goal).objects.filter(pk=goal.previous_id, status=S.APPROVED).update(status=S.SUPERSEDED)


REVIEWERS = reviewers()

GOAL_WORKFLOW = Workflow(
    name="goal",
    stage="goals",
    state_labels=dict(S.choices),
    transitions=chain_transitions(
        S, project_of=lambda goal: goal.project_year.project, guard=_ready_to_submit,
        consolidates=lambda goal: _rules(goal).get("goals.department_consolidates", True),
        office_approve_label=_("绩效审核通过并批复")),
    todos=_todos,
    url=lambda goal: reverse("goals:detail", args=[goal.pk]),
    on_enter=_on_enter,
)

__all__ = ["GOAL_WORKFLOW", "REVIEWERS", "REVIEW_ACTIONS"]
