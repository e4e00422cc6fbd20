"""The goal summary page (counts and cuts by department and region) and recording a cut (核减)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from perfbudget.core.fields import parse_amount
from perfbudget.core.http import file_response
from perfbudget.orgs.models import year_choices
from perfbudget.projects.models import ProjectYear

from . import services
from .models import BudgetCut, Goal
from .summary import returned_ever, summarise, summary_workbook


class GoalSummaryView(LoginRequiredMixin, TemplateView):
    template_name = "goals/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        years = [y for y, _label in year_choices()]
        try:
            year = int(self.request.GET.get("year") or (years[0] if years else 0))
        except ValueError:
            year = years[0] if years else 0
        by = self.request.GET.get("by") if self.request.GET.get("by") in ("department", "region") else "department"
        pys = ProjectYear.objects.visible_to(user).filter(year=year)
        goals = Goal.objects.visible_to(user).filter(project_year__year=year)
        cuts = BudgetCut.objects.visible_to(user).filter(project_year__year=year)
        rows, total = summarise(pys, goals, cuts, by=by)
        self.export = (rows, total, year, by) if self.request.GET.get("export") == "xlsx" else None
        context.update(rows=rows, total=total, year=year, years=year_choices(), by=by,
                       returned_ever=returned_ever(goals),
                       recent_cuts=cuts.select_related("project_year__project", "recorded_by")[:20])
        return context


    def render_to_response(self, context, **kwargs):
        if self.export:
            return file_response(summary_workbook(*self.export), f"绩效目标审核汇总_{context['year']}.xlsx")
        return super().render_to_response(context, **kwargs)


class BudgetCutView(LoginRequiredMixin, View):
    """POST: the performance office records a cut on the goal's project year."""

    def post(self, request, pk):
        goal = get_object_or_404(Goal.objects.visible_to(request.user), pk=pk)
        try:
            amount = parse_amount(request.POST.get("amount", ""))
        except ValueError as exc:
            messages.error(request, _("核减金额：%(e)s") % {"e": exc})
            return redirect("goals:detail", pk=pk)
        if amount is not None and request.POST.get("amount_unit") == "wan":
            amount = amount * Decimal(10000)
        try:
            services.record_cut(goal.project_year, request.user, amount, request.POST.get("reason", ""), goal=goal)
        except (services.GoalError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("核减已记录。"))
        return redirect("goals:detail", pk=pk)
