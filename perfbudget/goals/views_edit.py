"""The goal declaration page: an editable grid (add, remove, reorder rows in the page), a library picker,
live totals and a live quality check that runs while the unit types."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from perfbudget.indicators import frameworks
from perfbudget.indicators.choices import Basis, Comparator
from perfbudget.indicators.services import suggest
from perfbudget.indicators.views import with_pick_values

from . import services
from .grid import header_from_post, rows_from_post
from .models import Goal
from .rows import clean_rows
from .views import findings_by_row

SHORT_COMPARATORS = [(Comparator.GE, "≥"), (Comparator.LE, "≤"), (Comparator.EQ, "＝"), (Comparator.RANGE, _("区间")),
                     (Comparator.QUAL, _("定性"))]


def _grid_context(user, goal, rows, header, errors=()):
    py = goal.project_year
    rules = services.rules_for(py)
    layout_name = rules.get("goals.layout", "10号")
    row_errors = {}
    for e in errors:
        row_errors.setdefault(e.row, []).append(str(e))
    report = services.check_rows(py, header, rows, rules)
    per_row, table_findings = findings_by_row(report)
    for i, row in enumerate(rows):
        row["key"] = str(i)
        row["errors"] = row_errors.get(i + 1, [])
        row["findings"] = per_row.get(i, [])
    return {
        "goal": goal, "py": py, "rows": rows, "header": header, "table_errors": row_errors.get(None, []),
        "report": report, "table_findings": table_findings,
        "layout": frameworks.layout(layout_name), "layout_name": layout_name,
        "comparators": SHORT_COMPARATORS, "bases": [(v, str(label)[:2]) for v, label in Basis.choices],
        "block_weights": rules.get("selfeval.block_weights", {}),
        "weight_total": 100 - float(rules.get("selfeval.execution_weight", 10)),
        "max_weight": float(rules.get("goals.max_indicator_weight", 20)),
        "suggestions": with_pick_values(suggest(py, user, limit=12), layout_name),
        "blank_row": {"key": "__KEY__", "level1": next(iter(frameworks.layout(layout_name))), "level2": "",
                      "comparator": Comparator.GE, "basis": Basis.PLAN, "target": "", "unit": "", "name": ""},
    }


class GoalEditView(LoginRequiredMixin, View):
    template_name = "goals/edit.html"

    def get_goal(self, request, pk):
        goal = get_object_or_404(Goal.objects.visible_to(request.user).with_related(), pk=pk)
        if not services.can_edit(goal, request.user):
            raise PermissionDenied
        return goal

    def get(self, request, pk):
        try:
            goal = self.get_goal(request, pk)
        except PermissionDenied:
            messages.error(request, gettext("当前状态下您不能修改该绩效目标。"))
            return redirect("goals:detail", pk=pk)
        header = {"overall_goal": goal.overall_goal, "annual_goal": goal.annual_goal,
                  "change_reason": goal.change_reason, "addition_amount": goal.addition_amount}
        rows = services.goal_rows(goal)
        return render(request, self.template_name, _grid_context(request.user, goal, rows, header))

    def post(self, request, pk):
        try:
            goal = self.get_goal(request, pk)
        except PermissionDenied:
            messages.error(request, gettext("当前状态下您不能修改该绩效目标。"))
            return redirect("goals:detail", pk=pk)
        header = header_from_post(request.POST)
        raw = rows_from_post(request.POST)
        try:
            services.save_goal(goal, request.user, header, raw, expected_version=request.POST.get("row_version"))
        except services.GoalError as exc:
            rows, _errors = clean_rows(raw, services.layout_for(goal.project_year))
            messages.error(request, str(exc))
            context = _grid_context(request.user, goal, rows, header, exc.errors)
            return render(request, self.template_name, context, status=400)
        messages.success(request, gettext("绩效目标已保存。"))
        if request.POST.get("then") == "submit":
            return redirect("goals:detail", pk=pk)
        return redirect("goals:edit", pk=pk)


class GoalCheckView(LoginRequiredMixin, View):
    """POST (htmx): the grid as it stands → the quality panel, without saving anything."""

    def post(self, request, pk):
        goal = get_object_or_404(Goal.objects.visible_to(request.user).with_related(), pk=pk)
        rules = services.rules_for(goal.project_year)
        rows, _errors = clean_rows(rows_from_post(request.POST), rules.get("goals.layout", "10号"))
        # Only the panel: no library suggestions or grid context on this per-keystroke path.
        report = services.check_rows(goal.project_year, header_from_post(request.POST), rows, rules)
        return render(request, "goals/_quality.html", {"report": report})
