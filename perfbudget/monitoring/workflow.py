"""The monitoring-form flow: the core review chain (unit → department if the rule set says so → funding
section when the department has one → performance office → 已审核)."""

from django.urls import reverse
from django.utils import timezone

from perfbudget.core.review_chain import REVIEW_ACTIONS, chain_todos, chain_transitions, reviewers
from perfbudget.core.workflow import Workflow
from perfbudget.rulesets.services import resolve

from .choices import FormStatus as S


def _project(form):
    return form.project_year.project


def _rules(form):
    return resolve(_project(form).region, form.round.year)


def _ready(form, user):
    from .services_forms import submission_problems

    problems = submission_problems(form)
    return "；".join(problems) if problems else None


def _todos(form, state):
    name = f"{_project(form).name}（{form.round}）"
    return chain_todos(S, form, state, project=_project(form), noun="绩效监控表", name=name,
                       due_days=_rules(form).get("projects.review_due_days", 5))


def _on_enter(form, t, user):
    if t.action == "submit" and form.submitted_at is None:
        form.submitted_at = timezone.now()  # the first submission decides lateness; a resubmission does not
    if form.status == S.APPROVED:
        form.approved_at = timezone.now()


REVIEWERS = reviewers()

FORM_WORKFLOW = Workflow(
    name="monitoring_form",
    stage="monitoring",
    state_labels=dict(S.choices),
    transitions=chain_transitions(
        S, project_of=_project, guard=_ready,
        consolidates=lambda form: _rules(form).get("monitoring.department_consolidates", True)),
    todos=_todos,
    url=lambda form: reverse("monitoring:form", args=[form.pk]),
    on_enter=_on_enter,
)

__all__ = ["FORM_WORKFLOW", "REVIEWERS", "REVIEW_ACTIONS"]
