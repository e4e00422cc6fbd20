"""The self-evaluation flow: the unit fills and submits → the department reviews (when the rule set says
departments consolidate, as for goals) → joint review by the bureau (绩效科 and the funding section, with a
third-party agency as reviewer when added) → returned with problems and a deadline, or accepted.

A self-evaluation the bureau returned goes straight back to the bureau on resubmission (the department has
already passed it); one the department returned goes back to the department.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perfbudget.core.workflow import Todo, Transition, Workflow
from perfbudget.orgs.choices import Role
from perfbudget.rulesets.services import resolve

from .choices import PROBLEM_TO_FIX, PROBLEM_UNSETTLED, ReturnStage
from .choices import SelfEvalStatus as S

BUREAU_REVIEWERS = frozenset({Role.PERFORMANCE_OFFICE, Role.FUNDING_SECTION})


def rules_of(se):
    """The effective rules of the self-evaluation's region and year."""
    return resolve(se.project_year.project.region, se.project_year.year)


def _consolidates(se):
    return bool(rules_of(se).get("goals.department_consolidates", True))


def _route_submit(se):
    if se.return_stage == ReturnStage.BUREAU or not _consolidates(se):
        return S.BUREAU_REVIEW
    return S.DEPT_REVIEW


def _ready(se, user):
    from .services import submission_problems

    problems = submission_problems(se)
    return "；".join(problems) if problems else None


def _has_problems_to_fix(se, user):
    if not se.review_problems.filter(status__in=PROBLEM_TO_FIX).exists():
        return _("退回前请先提出至少一个审核问题（写明问题和整改期限）。")
    return None


def _all_settled(se, user):
    n = se.review_problems.filter(status__in=PROBLEM_UNSETTLED).count()
    if n:
        return _("还有%(n)s个审核问题未确认整改，不能审核通过。") % {"n": n}
    return None


def _todos(se, state):
    project = se.project_year.project
    name = _("%(p)s（%(y)s年）") % {"p": project.name, "y": se.project_year.year}
    due = rules_of(se).get("projects.review_due_days", 5)
    if state == S.DRAFT:
        return [Todo(Role.UNIT, _("填报单位自评表：%(n)s") % {"n": name}, organisation=project.unit, due_days=None)]
    if state == S.DEPT_REVIEW:
        return [Todo(Role.DEPARTMENT, _("审核单位自评表：%(n)s") % {"n": name}, organisation=project.department,
                     due_days=due)]
    if state == S.BUREAU_REVIEW:
        todos = [Todo(Role.PERFORMANCE_OFFICE, _("自评审核：%(n)s") % {"n": name}, region=project.region, due_days=due)]
        if project.department.funding_section_id:
            todos.append(Todo(Role.FUNDING_SECTION, _("自评审核（业务）：%(n)s") % {"n": name},
                              organisation=project.department.funding_section, due_days=due))
        return todos
    if state == S.RETURNED:
        days = rules_of(se).get("evaluation.review_return_days", 10)
        return [Todo(Role.UNIT, _("按审核意见整改自评表后重新提交：%(n)s") % {"n": name}, organisation=project.unit,
                     due_days=days)]
    return []


def _on_enter(se, t, user):
    now = timezone.now()
    if t.action == "submit":
        se.return_stage = ""
        if se.submitted_at is None:
            se.submitted_at = now
    elif t.action == "dept_return":
        se.return_stage = ReturnStage.DEPARTMENT
    elif t.action == "bureau_return":
        se.return_stage = ReturnStage.BUREAU
    elif t.action == "accept":
        se.accepted_at = now


def _only(*roles):
    return frozenset(roles)


SELFEVAL_WORKFLOW = Workflow(
    name="selfeval",
    stage="evaluation",
    state_labels=dict(S.choices),
    transitions=[
        Transition("submit", _("提交审核"), (S.DRAFT, S.RETURNED), S.DEPT_REVIEW, _only(Role.UNIT), guard=_ready,
                   route=_route_submit),
        Transition("withdraw", _("撤回"), (S.DEPT_REVIEW,), S.DRAFT, _only(Role.UNIT), style="secondary"),
        Transition("dept_approve", _("审核通过，报财政"), (S.DEPT_REVIEW,), S.BUREAU_REVIEW, _only(Role.DEPARTMENT),
                   style="success"),
        Transition("dept_return", _("退回修改"), (S.DEPT_REVIEW,), S.RETURNED, _only(Role.DEPARTMENT),
                   comment_required=True, style="danger"),
        Transition("bureau_return", _("退回整改"), (S.BUREAU_REVIEW,), S.RETURNED, BUREAU_REVIEWERS,
                   guard=_has_problems_to_fix, style="danger"),
        Transition("accept", _("审核通过"), (S.BUREAU_REVIEW,), S.ACCEPTED, _only(Role.PERFORMANCE_OFFICE),
                   guard=_all_settled, style="success"),
    ],
    todos=_todos,
    url=lambda se: reverse("evaluation:selfeval", args=[se.pk]),
    on_enter=_on_enter,
)
