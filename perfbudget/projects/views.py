"""Project library pages: list, detail (with workflow and change history), create, edit, workflow actions."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from perfbudget.core.views import ScopedListMixin, ScopedObjectMixin, history_context
from perfbudget.core.workflow import WorkflowError
from perfbudget.core.workflow import history as workflow_history
from perfbudget.core.workflow import transition as run_transition
from perfbudget.orgs.choices import OrgKind
from perfbudget.orgs.models import Organisation

from .filtersets import ProjectYearFilterSet
from .forms import ProjectYearForm, form_values
from .models import ProjectYear
from .panels import panels_for
from .revert import entry_for, revert_entry
from .services import can_edit, delete_project_year, save_project_year
from .tables import ProjectYearTable
from .workflow import PROJECT_WORKFLOW


class ProjectListView(ScopedListMixin, TemplateView):
    template_name = "projects/list.html"
    model = ProjectYear
    filterset_class = ProjectYearFilterSet
    table_class = ProjectYearTable

    def base_queryset(self):
        return ProjectYear.objects.visible_to(self.request.user).with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = Organisation.objects.visible_to(self.request.user, "change").filter(
            kind=OrgKind.UNIT).exists()
        return context


class ProjectDetailView(ScopedObjectMixin, DetailView):
    template_name = "projects/detail.html"
    model = ProjectYear
    context_object_name = "py"

    def get_queryset(self):
        return ProjectYear.objects.visible_to(self.request.user).with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        py = self.object
        user = self.request.user
        records = list(workflow_history(py))
        for r in records:
            r.from_label = PROJECT_WORKFLOW.label_of(r.from_state)
            r.to_label = PROJECT_WORKFLOW.label_of(r.to_state)
        editable = can_edit(py, user)
        context.update(history_context(py, py.project))
        if editable:
            context.update(revert_url_name="projects:revert", revert_object_pk=py.pk)
        context.update(
            transitions=PROJECT_WORKFLOW.available(py, user),
            workflow_records=records,
            can_edit=editable,
            other_years=ProjectYear.objects.visible_to(user).filter(project=py.project).exclude(pk=py.pk)
            .order_by("year"),
            tab=self.request.GET.get("tab", "info"),
            panels=panels_for(py, user),
        )
        return context


class ProjectFormView(LoginRequiredMixin, FormView):
    """Create (no pk) or edit (pk) a project-year through ProjectYearForm and save_project_year."""

    template_name = "projects/form.html"
    form_class = ProjectYearForm

    def dispatch(self, request, *args, **kwargs):
        self.instance = None
        if "pk" in kwargs and request.user.is_authenticated:
            self.instance = get_object_or_404(ProjectYear.objects.visible_to(request.user).with_related(),
                                              pk=kwargs["pk"])
            if not can_edit(self.instance, request.user):
                messages.error(request, _("当前状态下您不能修改该项目。"))
                return redirect("projects:detail", pk=self.instance.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, instance=self.instance)
        if self.instance is not None:
            kwargs["initial"] = form_values(self.instance)
        else:
            kwargs["initial"] = {"special_fund": False, "key_work": False, "is_new": True}
        return kwargs

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        if self.instance is not None:
            data["code"] = self.instance.project.code
            data["year"] = self.instance.year
        try:
            py = save_project_year(self.request.user, data, instance=self.instance)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("项目已保存（分级分类：%(c)s类）。") % {"c": py.abc_class})
        return redirect("projects:detail", pk=py.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["instance"] = self.instance
        return context


class ProjectTransitionView(LoginRequiredMixin, View):
    """POST: take a workflow action on a project-year (comment and the row version seen are posted along)."""

    def post(self, request, pk):
        py = get_object_or_404(ProjectYear.objects.visible_to(request.user), pk=pk)
        try:
            run_transition(py, PROJECT_WORKFLOW, request.POST.get("action", ""), request.user,
                           comment=request.POST.get("comment", ""),
                           expected_version=request.POST.get("row_version") or None)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("操作成功：项目当前状态为「%(s)s」。") % {"s": py.get_status_display()})
        return redirect("projects:detail", pk=py.pk)


class ProjectRevertView(LoginRequiredMixin, View):
    """POST: undo one change-log entry of a project-year (or its project) through the edit page's rules."""

    def post(self, request, pk, entry_id):
        py = get_object_or_404(ProjectYear.objects.visible_to(request.user).with_related(), pk=pk)
        entry = entry_for(py, entry_id)
        if entry is None:
            raise Http404(_("没有这条修改记录。"))
        if not can_edit(py, request.user):
            messages.error(request, _("当前状态下您不能修改该项目。"))
        else:
            try:
                revert_entry(request.user, py, entry)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, "；".join(getattr(exc, "messages", None) or [str(exc)]))
            else:
                messages.success(request, _("已撤销该次修改，恢复为修改前的值（本次撤销也已记入历史记录）。"))
        return redirect(reverse("projects:detail", args=[pk]) + "?tab=history")


class ProjectDeleteView(LoginRequiredMixin, View):
    """POST: delete a draft project-year (the change log keeps a full copy)."""

    def post(self, request, pk):
        py = get_object_or_404(ProjectYear.objects.visible_to(request.user, "change"), pk=pk)
        try:
            delete_project_year(request.user, py)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("projects:detail", pk=pk)
        messages.success(request, _("草稿项目已删除。"))
        return redirect("projects:list")
