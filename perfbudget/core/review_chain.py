"""The review chain finance bureaus use for what a unit declares (goals, monitoring forms, self-evaluations):
unit submits → department consolidates (when the rule set says so) → funding section reviews (when the
department has one) → performance office decides. Any reviewer returns with a comment; the unit revises.

A stage whose states are named like `ChainStates` builds its `Workflow` transitions and to-dos from here, so
the steps, roles, routing and to-do addressing are the same everywhere.
"""

from django.utils.translation import gettext_lazy as _

from .workflow import Todo, Transition

DEPT, SECTION, OFFICE = "dept_review", "section_review", "office_review"
# (review state → (approve action, return action)).
REVIEW_ACTIONS = {
    DEPT: ("dept_approve", "dept_return"),
    SECTION: ("section_approve", "section_return"),
    OFFICE: ("office_approve", "office_return"),
}


def reviewers():
    from perfbudget.orgs.choices import Role

    return {DEPT: Role.DEPARTMENT, SECTION: Role.FUNDING_SECTION, OFFICE: Role.PERFORMANCE_OFFICE}


def after_department(project):
    """The step after the department: the funding section when the department has one."""
    return SECTION if project.department.funding_section_id else OFFICE


def chain_transitions(states, *, project_of, consolidates, guard=None, office_approve_label=None):
    """The transitions of the chain over `states` (a TextChoices with DRAFT, DEPT_REVIEW, SECTION_REVIEW,
    OFFICE_REVIEW, RETURNED, APPROVED). `project_of(obj)` gives the Project; `consolidates(obj)` says whether the
    department step applies; `guard(obj, user)` may refuse a submission."""
    from perfbudget.orgs.choices import Role

    S = states

    def route_submit(obj):
        return S.DEPT_REVIEW if consolidates(obj) else after_department(project_of(obj))

    def route_department(obj):
        return after_department(project_of(obj))

    def only(role):
        return frozenset({role})

    return [
        Transition("submit", _("提交审核"), (S.DRAFT, S.RETURNED), S.DEPT_REVIEW, only(Role.UNIT), guard=guard,
                   route=route_submit),
        Transition("withdraw", _("撤回"), (S.DEPT_REVIEW,), S.DRAFT, only(Role.UNIT), style="secondary"),
        Transition("dept_approve", _("审核通过"), (S.DEPT_REVIEW,), S.SECTION_REVIEW, only(Role.DEPARTMENT),
                   style="success", route=route_department),
        Transition("dept_return", _("退回修改"), (S.DEPT_REVIEW,), S.RETURNED, only(Role.DEPARTMENT),
                   comment_required=True, style="danger"),
        Transition("section_approve", _("业务审核通过"), (S.SECTION_REVIEW,), S.OFFICE_REVIEW,
                   only(Role.FUNDING_SECTION), style="success"),
        Transition("section_return", _("退回修改"), (S.SECTION_REVIEW,), S.RETURNED, only(Role.FUNDING_SECTION),
                   comment_required=True, style="danger"),
        Transition("office_approve", office_approve_label or _("审核通过"), (S.OFFICE_REVIEW,), S.APPROVED,
                   only(Role.PERFORMANCE_OFFICE), style="success"),
        Transition("office_return", _("退回修改"), (S.OFFICE_REVIEW,), S.RETURNED, only(Role.PERFORMANCE_OFFICE),
                   comment_required=True, style="danger"),
    ]


def chain_todos(states, obj, state, *, project, noun, name, due_days):
    """The to-do of whoever acts next on `obj` in `state`, titled with what it is (`noun`, e.g. 绩效目标) and
    which one (`name`)."""
    from perfbudget.orgs.choices import Role

    S = states
    titles = {"dept": f"审核{noun}：{name}", "section": f"业务审核{noun}：{name}", "office": f"绩效审核{noun}：{name}",
              "returned": f"修改{noun}后重新提交：{name}"}
    if state == S.DEPT_REVIEW:
        return [Todo(Role.DEPARTMENT, titles["dept"], organisation=project.department, due_days=due_days)]
    if state == S.SECTION_REVIEW:
        return [Todo(Role.FUNDING_SECTION, titles["section"], organisation=project.department.funding_section,
                     due_days=due_days)]
    if state == S.OFFICE_REVIEW:
        return [Todo(Role.PERFORMANCE_OFFICE, titles["office"], region=project.region, due_days=due_days)]
    if state == S.RETURNED:
        return [Todo(Role.UNIT, titles["returned"], organisation=project.unit, due_days=due_days)]
    return []
