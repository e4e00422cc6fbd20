"""Goal files: one project's 申报表 (blank template or filled export), its upload into a draft goal, and the
export of approved goals (the list page's filters over the user's scope)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from perfbudget.core.http import file_response
from perfbudget.core.importexport import MAX_BYTES
from perfbudget.core.views_import import refuse
from perfbudget.projects.models import ProjectYear

from . import services
from .excel import GoalFileError, goal_filename, goal_workbook, import_goal_file
from .filtersets import GoalFilterSet
from .importer import export_goals
from .models import Goal


@login_required
def goal_xlsx(request, pk):
    """The filled 绩效目标申报表 of one goal."""
    goal = get_object_or_404(Goal.objects.visible_to(request.user).with_related(), pk=pk)
    return file_response(goal_workbook(goal.project_year, goal), goal_filename(goal.project_year))


@login_required
def goal_template(request, py_pk):
    """A blank 绩效目标申报表 of one project year, with its header block filled."""
    py = get_object_or_404(ProjectYear.objects.visible_to(request.user).with_related(), pk=py_pk)
    return file_response(goal_workbook(py), goal_filename(py, blank=True))


@login_required
def export_xlsx(request):
    """Approved goals as one flat sheet (the batch import's columns), filtered as on the list page."""
    queryset = Goal.objects.visible_to(request.user)
    filterset = GoalFilterSet(request.GET or None, queryset=queryset, request=request)
    goals = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    name = _("已批复绩效目标")
    return file_response(export_goals(goals), f"{name}_{timezone.localdate():%Y%m%d}.xlsx")


class GoalFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("绩效目标申报表（.xlsx）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
                           error_messages={"required": gettext_lazy("请选择要导入的 .xlsx 文件。"),
                                           "empty": gettext_lazy("文件为空，请使用导出的申报表填写后再上传。")})
    row_version = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_BYTES:
            raise forms.ValidationError(_("文件超过 %(n)sMB。") % {"n": MAX_BYTES // 1024 // 1024})
        return f





class GoalImportView(LoginRequiredMixin, View):
    """Upload a filled 申报表 into a draft or returned goal the user may edit: all rows or nothing."""

    def get_goal(self, request, pk):
        goal = get_object_or_404(Goal.objects.visible_to(request.user).with_related(), pk=pk)
        if not services.can_edit(goal, request.user):
            raise PermissionDenied(_("当前状态下您不能修改该绩效目标。"))
        return goal

    def render(self, request, goal, form, errors=(), status=200):
        context = {"goal": goal, "p": goal.project_year.project, "form": form, "errors": list(errors)}
        return render(request, "goals/import_goal.html", context, status=status)

    def get(self, request, pk):
        try:
            goal = self.get_goal(request, pk)
        except PermissionDenied as exc:
            return refuse(request, str(exc))
        return self.render(request, goal, GoalFileForm())

    def post(self, request, pk):
        try:
            goal = self.get_goal(request, pk)
        except PermissionDenied as exc:
            return refuse(request, str(exc))
        form = GoalFileForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, goal, form, status=400)
        try:
            result = import_goal_file(goal, request.user, form.cleaned_data["file"],
                                      expected_version=form.cleaned_data["row_version"] or None)
        except GoalFileError as exc:
            return self.render(request, goal, form, exc.errors, status=400)
        except PermissionDenied as exc:
            return refuse(request, str(exc))
        if result.changed:
            messages.success(request, _("已从申报表导入%(n)s个绩效指标。") % {"n": result.rows})
        else:
            messages.info(request, _("申报表与系统中的绩效目标一致，未作修改。"))
        return redirect("goals:detail", pk=goal.pk)
