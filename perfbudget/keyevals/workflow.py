"""The key-evaluation flow on the core workflow engine.

计划 —assign (绩效科, after the draws)→ 已委托 —start (first score entered)→ 评分中 —complete (the last evaluator
submits)→ 复核 —finish (绩效科: total and grade)→ 已完成 —publish (绩效科, once every evaluator is rated)→ 已公开;
复核 —return (绩效科, with a comment)→ 评分中 reopens every evaluator's column.

To-do items: the agency by its organisation (through the workflow's to-dos) and each expert's own account (a
user-addressed item opened by the services, since an expert's grant names no organisation the inbox could match);
the region's 绩效科 when the evaluation waits for review or publication.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from perfbudget.core.workflow import Todo, Transition, Workflow
from perfbudget.orgs.choices import Role

from .choices import EvaluatorKind
from .choices import Status as S

OFFICE = frozenset({Role.PERFORMANCE_OFFICE})
EVALUATORS = frozenset({Role.AGENCY, Role.EXPERT})


def _all_submitted(evaluation, user):
    pending = [e.name for e in evaluation.evaluators.all() if e.submitted_at is None]
    if not evaluation.evaluators.exists():
        return _("尚未抽取第三方机构和专家。")
    if pending:
        return _("以下评价人员尚未提交评分：%(names)s。") % {"names": "、".join(pending)}
    return None


def _assigned(evaluation, user):
    kinds = set(evaluation.evaluators.values_list("kind", flat=True))
    if EvaluatorKind.AGENCY not in kinds or EvaluatorKind.EXPERT not in kinds:
        return _("须先随机抽取第三方机构和专家。")
    return None


def _finishable(evaluation, user):
    problem = _all_submitted(evaluation, user)
    if problem:
        return problem
    if not evaluation.conclusion.strip():
        return _("请先填写综合评价结论。")
    return None


def _publishable(evaluation, user):
    unrated = [e.name for e in evaluation.evaluators.all() if e.rated_at is None]
    if unrated:
        return _("公开前须对第三方机构和专家进行质量评价，尚未评价：%(names)s。") % {"names": "、".join(unrated)}
    return None


def _on_enter(evaluation, t, user):
    from . import services

    if t.action == "finish":
        services.compute_result(evaluation)
        evaluation.finished_at = timezone.now()
    elif t.action == "publish":
        evaluation.published_at = timezone.now()
    elif t.action == "return":
        evaluation.evaluators.update(submitted_at=None, submitted_by=None)


def _todos(evaluation, state):
    office = Todo(Role.PERFORMANCE_OFFICE, "", region=evaluation.region, due_days=10)
    if state in (S.ASSIGNED, S.SCORING):
        agency = evaluation.evaluators.filter(kind=EvaluatorKind.AGENCY, submitted_at__isnull=True).first()
        if agency is not None:
            return [Todo(Role.AGENCY, _("重点评价打分：%(t)s") % {"t": evaluation.title},
                         organisation=agency.organisation, due_days=20)]
    if state == S.REVIEW:
        return [Todo(office.role, _("重点评价复核：%(t)s") % {"t": evaluation.title}, region=evaluation.region,
                     due_days=10)]
    if state == S.FINISHED:
        return [Todo(office.role, _("重点评价质量评价及公开：%(t)s") % {"t": evaluation.title},
                     region=evaluation.region, due_days=10)]
    return []


KEY_EVALUATION_WORKFLOW = Workflow(
    name="key_evaluation",
    stage="evaluation",
    state_labels=dict(S.choices),
    transitions=[
        Transition("assign", gettext_lazy("委托"), (S.PLANNED,), S.ASSIGNED, OFFICE, guard=_assigned),
        Transition("start", gettext_lazy("开始评分"), (S.ASSIGNED,), S.SCORING, EVALUATORS),
        Transition("complete", gettext_lazy("评分完成"), (S.SCORING,), S.REVIEW, EVALUATORS, guard=_all_submitted),
        Transition("finish", gettext_lazy("复核完成"), (S.REVIEW,), S.FINISHED, OFFICE, guard=_finishable,
                   style="success"),
        Transition("return", gettext_lazy("退回重新评分"), (S.REVIEW,), S.SCORING, OFFICE, comment_required=True,
                   style="outline-danger"),
        Transition("publish", gettext_lazy("公开"), (S.FINISHED,), S.PUBLISHED, OFFICE, guard=_publishable),
    ],
    todos=_todos,
    url=lambda evaluation: reverse("keyevals:detail", args=[evaluation.pk]),
    on_enter=_on_enter,
)

# Actions a page offers as plain buttons (the others happen inside services: assign, start, complete).
PAGE_ACTIONS = ("finish", "return", "publish")
