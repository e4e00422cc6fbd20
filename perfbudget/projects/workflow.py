"""The project-library flow (项目入库): unit proposes → department reviews → finance bureau accepts or returns."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from perfbudget.core.workflow import Todo, Transition, Workflow
from perfbudget.orgs.choices import Role
from perfbudget.rulesets.services import resolve

from .choices import ProjectStatus as S
from .gates import budget_problems

BUREAU = frozenset({Role.BUDGET_SECTION, Role.PERFORMANCE_OFFICE})


def _ready_to_submit(py, user):
    if py.budget is None or py.budget <= 0:
        return _("预算金额必须大于0，才能提交入库。")
    if not py.abc_class:
        return _("尚未确定分级分类，请先保存项目。")
    if py.abc_overridden and not py.abc_override_reason.strip():
        return _("调整分级分类必须说明理由。")
    return None


def _budget_gates(py, user):
    problems = budget_problems(py)
    return "；".join(problems) if problems else None


def _todos(py, state):
    p = py.project
    due = resolve(p.region, py.year).get("projects.review_due_days", 5)
    name = f"{p.name}（{py.year}年）"
    if state == S.DEPT_REVIEW:
        return [Todo(Role.DEPARTMENT, f"审核项目入库申请：{name}", organisation=p.department, due_days=due)]
    if state == S.BUREAU_REVIEW:
        todos = [Todo(Role.BUDGET_SECTION, f"财政审核项目入库：{name}", region=p.region, due_days=due)]
        if py.abc_class == "A":  # A-class projects are under key management (重点管理): the 绩效科 reviews them too
            title = f"重点项目入库审核（A类）：{name}"
            todos.append(Todo(Role.PERFORMANCE_OFFICE, title, region=p.region, due_days=due))
        return todos
    if state == S.RETURNED:
        return [Todo(Role.UNIT, f"修改后重新提交：{name}", organisation=p.unit, due_days=due)]
    return []


PROJECT_WORKFLOW = Workflow(
    name="project_library",
    stage="projects",
    state_labels=dict(S.choices),
    transitions=[
        Transition("submit", _("提交入库"), (S.DRAFT, S.RETURNED), S.DEPT_REVIEW, frozenset({Role.UNIT}),
                   guard=_ready_to_submit),
        Transition("withdraw", _("撤回"), (S.DEPT_REVIEW,), S.DRAFT, frozenset({Role.UNIT}), style="secondary"),
        Transition("dept_approve", _("审核通过"), (S.DEPT_REVIEW,), S.BUREAU_REVIEW, frozenset({Role.DEPARTMENT}),
                   style="success"),
        Transition("dept_return", _("退回"), (S.DEPT_REVIEW,), S.RETURNED, frozenset({Role.DEPARTMENT}),
                   comment_required=True, style="danger"),
        Transition("accept", _("同意入库"), (S.BUREAU_REVIEW,), S.ACCEPTED, BUREAU, style="success"),
        Transition("bureau_return", _("退回"), (S.BUREAU_REVIEW,), S.RETURNED, BUREAU, comment_required=True,
                   style="danger"),
        # 预算批复: arranging the budget passes every budget gate (无目标不预算, later 未评先审不安排预算).
        Transition("approve_budget", _("批复预算"), (S.ACCEPTED,), S.BUDGETED, frozenset({Role.BUDGET_SECTION}),
                   guard=_budget_gates, style="success"),
    ],
    todos=_todos,
    url=lambda py: reverse("projects:detail", args=[py.pk]),
)
