"""The monitoring-form flow: unit submits → department (if the rule set says so) → funding section (when the
department has one) → performance office → 已审核. Any reviewer may return the form with a comment."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perfbudget.core.workflow import Todo, Transition, Workflow
from perfbudget.orgs.choices import Role
from perfbudget.rulesets.services import resolve

from .choices import FormStatus as S


def _rules(form):
    return resolve(form.project_year.project.region, form.round.year)


def _after_department(form):
    return S.SECTION_REVIEW if form.project_year.project.department.funding_section_id else S.OFFICE_REVIEW


def _route_submit(form):
    if _rules(form).get("monitoring.department_consolidates", True):
        return S.DEPT_REVIEW
    return _after_department(form)


def _ready(form, user):
    from .services_forms import submission_problems

    problems = submission_problems(form)
    return "；".join(problems) if problems else None


def _todos(form, state):
    p = form.project_year.project
    name = f"{p.name}（{form.round}）"
    due = _rules(form).get("projects.review_due_days", 5)
    if state == S.DEPT_REVIEW:
        return [Todo(Role.DEPARTMENT, f"审核绩效监控表：{name}", organisation=p.department, due_days=due)]
    if state == S.SECTION_REVIEW:
        return [Todo(Role.FUNDING_SECTION, f"业务审核绩效监控表：{name}", organisation=p.department.funding_section,
                     due_days=due)]
    if state == S.OFFICE_REVIEW:
        return [Todo(Role.PERFORMANCE_OFFICE, f"绩效审核绩效监控表：{name}", region=p.region, due_days=due)]
    if state == S.RETURNED:
        return [Todo(Role.UNIT, f"修改绩效监控表后重新提交：{name}", organisation=p.unit, due_days=due)]
    return []


def _on_enter(form, t, user):
    if t.action == "submit" and form.submitted_at is None:
        form.submitted_at = timezone.now()  # the first submission decides lateness; a resubmission does not
    if form.status == S.APPROVED:
        form.approved_at = timezone.now()


REVIEWERS = {S.DEPT_REVIEW: Role.DEPARTMENT, S.SECTION_REVIEW: Role.FUNDING_SECTION,
             S.OFFICE_REVIEW: Role.PERFORMANCE_OFFICE}
REVIEW_ACTIONS = {
    S.DEPT_REVIEW: ("dept_approve", "dept_return"),
    S.SECTION_REVIEW: ("section_approve", "section_return"),
    S.OFFICE_REVIEW: ("office_approve", "office_return"),
}

FORM_WORKFLOW = Workflow(
    name="monitoring_form",
    stage="monitoring",
    state_labels=dict(S.choices),
    transitions=[
        Transition("submit", _("提交审核"), (S.DRAFT, S.RETURNED), S.DEPT_REVIEW, frozenset({Role.UNIT}),
                   guard=_ready, route=_route_submit),
        Transition("withdraw", _("撤回"), (S.DEPT_REVIEW,), S.DRAFT, frozenset({Role.UNIT}), style="secondary"),
        Transition("dept_approve", _("审核通过"), (S.DEPT_REVIEW,), S.SECTION_REVIEW, frozenset({Role.DEPARTMENT}),
                   style="success", route=_after_department),
        Transition("dept_return", _("退回修改"), (S.DEPT_REVIEW,), S.RETURNED, frozenset({Role.DEPARTMENT}),
                   comment_required=True, style="danger"),
        Transition("section_approve", _("业务审核通过"), (S.SECTION_REVIEW,), S.OFFICE_REVIEW,
                   frozenset({Role.FUNDING_SECTION}), style="success"),
        Transition("section_return", _("退回修改"), (S.SECTION_REVIEW,), S.RETURNED,
                   frozenset({Role.FUNDING_SECTION}), comment_required=True, style="danger"),
        Transition("office_approve", _("审核通过"), (S.OFFICE_REVIEW,), S.APPROVED,
                   frozenset({Role.PERFORMANCE_OFFICE}), style="success"),
        Transition("office_return", _("退回修改"), (S.OFFICE_REVIEW,), S.RETURNED,
                   frozenset({Role.PERFORMANCE_OFFICE}), comment_required=True, style="danger"),
    ],
    todos=_todos,
    url=lambda form: reverse("monitoring:form", args=[form.pk]),
    on_enter=_on_enter,
)
