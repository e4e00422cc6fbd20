"""Goal pages: list with batch review, detail with quality report, review and diff, workflow actions."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from perfbudget.core.views import ScopedListMixin, ScopedObjectMixin, history_context
from perfbudget.core.workflow import WorkflowError
from perfbudget.core.workflow import history as workflow_history
from perfbudget.core.workflow import transition as run_transition

from . import services
from .choices import CRITERIA, CRITERION_MAX, IN_REVIEW, GoalKind
from .filtersets import GoalFilterSet
from .grid import reasons_from_post
from .models import Goal
from .tables import GoalTable
from .workflow import GOAL_WORKFLOW, REVIEW_ACTIONS, REVIEWERS


class GoalListView(ScopedListMixin, TemplateView):
    template_name = "goals/list.html"
    model = Goal
    filterset_class = GoalFilterSet
    table_class = GoalTable

    def base_queryset(self):
        return Goal.objects.visible_to(self.request.user).current().with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_batch"] = user.is_superuser or user.has_role(*REVIEWERS.values())
        context["can_import"] = user.is_superuser or user.has_role("unit")
        return context


def findings_by_row(report):
    rows, table = {}, []
    for f in (report or {}).get("findings", []):
        (rows.setdefault(f["indicator"], []) if f.get("indicator") is not None else table).append(f)
    return rows, table


class GoalDetailView(ScopedObjectMixin, DetailView):
    template_name = "goals/detail.html"
    model = Goal
    context_object_name = "goal"

    def get_queryset(self):
        return Goal.objects.visible_to(self.request.user).with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        goal, user = self.object, self.request.user
        records = list(workflow_history(goal))
        for r in records:
            r.from_label = GOAL_WORKFLOW.label_of(r.from_state)
            r.to_label = GOAL_WORKFLOW.label_of(r.to_state)
        report = goal.quality_report or services.check_goal(goal)
        per_row, table_findings = findings_by_row(report)
        rows = list(goal.rows.select_related("entry"))
        last_return = next((r for r in reversed(records) if r.to_state == "returned"), None)
        returned_notes = (last_return.remarks or {}).get("indicators", {}) if last_return else {}
        for i, row in enumerate(rows):
            row.findings = per_row.get(i, [])
            row.review_note = returned_notes.get(str(i), {}).get("comment", "")
        transitions = GOAL_WORKFLOW.available(goal, user)
        review_actions = REVIEW_ACTIONS.get(goal.status, ())
        context.update(history_context(goal))
        context.update(
            rows=rows, weight_total=sum((r.weight or 0 for r in rows), 0), report=report,
            table_findings=table_findings, records=records, workflow_records=records,
            last_return=last_return,
            unit_actions=[t for t in transitions if t.action in ("submit", "withdraw")],
            can_review=any(t.action in review_actions for t in transitions),
            can_edit=services.can_edit(goal, user),
            warnings=[f | {"key": services.finding_key(f), "reason": services.reason_for(goal, f)}
                      for f in report.get("findings", []) if f["severity"] == "warning"],
            diff=services.diff_since_review(goal) if goal.status in IN_REVIEW else [],
            criteria=CRITERIA, criterion_max=CRITERION_MAX,
            versions=Goal.objects.visible_to(user).filter(project_year=goal.project_year).order_by("version"),
            cuts=goal.project_year.goal_cuts.select_related("recorded_by"),
            can_cut=user.is_superuser or user.has_role("performance_office"),
            can_adjust=goal.status == "approved" and (user.is_superuser or user.has_role("unit")),
            tab=self.request.GET.get("tab", "goal"),
        )
        return context


class GoalTransitionView(LoginRequiredMixin, View):
    """POST: the unit submits (saving its reasons for the quality warnings first) or withdraws."""

    def post(self, request, pk):
        goal = get_object_or_404(Goal.objects.visible_to(request.user), pk=pk)
        action = request.POST.get("action", "")
        try:
            comment = request.POST.get("comment", "")
            if action == "submit":
                services.submit(goal, request.user, comment=comment, reasons=reasons_from_post(request.POST))
            else:
                run_transition(goal, GOAL_WORKFLOW, action, request.user, comment=comment)
        except (WorkflowError, services.GoalError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            goal.refresh_from_db()
            messages.success(request, _("操作成功：绩效目标当前状态为「%(s)s」。") % {"s": goal.get_status_display()})
        return redirect("goals:detail", pk=pk)


def _indicator_comments(post):
    return {k[len("note-"):]: v for k, v in post.items() if k.startswith("note-")}


class GoalReviewView(LoginRequiredMixin, View):
    """POST: a reviewer approves or returns, with scores on the four criteria and per-indicator comments."""

    def post(self, request, pk):
        goal = get_object_or_404(Goal.objects.visible_to(request.user), pk=pk)
        criteria = {key: request.POST.get(f"criteria-{key}", "") for key, _label in CRITERIA}
        try:
            services.review(goal, request.user, request.POST.get("decision", ""),
                            comment=request.POST.get("comment", ""), criteria=criteria,
                            indicator_comments=_indicator_comments(request.POST),
                            expected_version=request.POST.get("row_version") or None)
        except (WorkflowError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            goal.refresh_from_db()
            messages.success(request, _("审核意见已提交：绩效目标当前状态为「%(s)s」。")
                             % {"s": goal.get_status_display()})
        return redirect("goals:detail", pk=pk)


class GoalBatchReviewView(LoginRequiredMixin, View):
    """POST: approve (or return) the selected goals; each is checked on its own, failures are listed."""

    def post(self, request):
        ids = [int(i) for i in request.POST.getlist("goal") if i.isdigit()]
        goals = list(Goal.objects.visible_to(request.user).filter(pk__in=ids).with_related())
        decision = request.POST.get("decision", "approve")
        if not goals:
            messages.error(request, _("请先勾选要审核的绩效目标。"))
            return redirect(request.POST.get("next") or "goals:list")
        done, failed = services.batch_review(goals, request.user, decision, comment=request.POST.get("comment", ""))
        if done:
            messages.success(request, _("已批量处理%(n)s份绩效目标。") % {"n": len(done)})
        for goal, message in failed[:20]:
            messages.error(request, f"{goal.project_year.project.name}：{message}")
        return redirect(request.POST.get("next") or "goals:list")


def may_start_goal(py, user):
    from perfbudget.projects.models import ProjectYear

    return (user.is_superuser or user.has_role("unit")) and \
        ProjectYear.objects.visible_to(user, "change").filter(pk=py.pk).exists()


class GoalStartView(LoginRequiredMixin, View):
    """POST: open a draft goal for a project year (first declaration, mid-year addition or adjustment)."""

    def post(self, request, py_pk):
        from perfbudget.projects.models import ProjectYear

        py = get_object_or_404(ProjectYear.objects.visible_to(request.user), pk=py_pk)
        kind = request.POST.get("kind", GoalKind.ANNUAL)
        if kind not in GoalKind.values:
            kind = GoalKind.ANNUAL
        try:
            goal = services.start_goal(py, request.user, kind=kind, reason=request.POST.get("reason", ""))
        except (services.GoalError, PermissionDenied) as exc:
            messages.error(request, str(exc))
            live = services.live_goal(py)
            return redirect("goals:detail", pk=live.pk) if live else redirect("projects:detail", pk=py.pk)
        return redirect("goals:edit", pk=goal.pk)
