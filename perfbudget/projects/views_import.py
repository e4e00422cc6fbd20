"""Project import and export pages: template download, upload, result (with progress for large files),
error report, and the list export (same filters and scope as the list page)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from perfbudget.core.http import file_response
from perfbudget.core.importexport import MAX_BYTES, build_template, error_report, job_result, run_import
from perfbudget.core.models import Job
from perfbudget.orgs.choices import OrgKind
from perfbudget.orgs.models import Organisation

from .export import export_filename, export_project_years
from .filtersets import ProjectYearFilterSet
from .importer import PROJECT_SPEC
from .models import ProjectYear

JOB_KIND = f"import:{PROJECT_SPEC.name}"
ERRORS_SHOWN = 200


def can_import(user):
    """Only users who may propose projects for some unit can import them."""
    return Organisation.objects.visible_to(user, "change").filter(kind=OrgKind.UNIT).exists()


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("导入文件（.xlsx）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
                           error_messages={"required": gettext_lazy("请选择要导入的 .xlsx 文件。"),
                                           "empty": gettext_lazy("文件为空，请使用导入模板填写后再上传。")})
    update = forms.BooleanField(label=gettext_lazy("更新已有记录"), required=False,
                                help_text=gettext_lazy("勾选后，系统中已有的「项目编码+预算年度」按文件更新（仅限草稿和已退回的项目）；"
                                                       "不勾选则视为重复并报错。"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_BYTES:
            raise forms.ValidationError(_("文件超过 %(n)sMB，请拆分后分批导入。") % {"n": MAX_BYTES // 1024 // 1024})
        return f


@login_required
def import_template(request):
    """The import template, with this user's units in the dropdown."""
    if not can_import(request.user):
        raise PermissionDenied(_("您没有可申报项目的预算单位。"))
    return file_response(build_template(PROJECT_SPEC, request.user), _("项目导入模板") + ".xlsx")


class ProjectImportView(LoginRequiredMixin, FormView):
    """Upload a filled template; small files are imported at once, large ones by a background job."""

    template_name = "projects/import.html"
    form_class = ImportForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_import(request.user):
            raise PermissionDenied(_("您没有可申报项目的预算单位。"))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        result = run_import(PROJECT_SPEC, upload, self.request.user, update=form.cleaned_data["update"],
                            filename=upload.name)
        if result.job is None:
            for error in result.errors:
                form.add_error("file", str(error))
            return self.form_invalid(form)
        return redirect("projects:import_job", pk=result.job.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent_jobs"] = Job.objects.filter(kind=JOB_KIND, created_by=self.request.user)[:10]
        context["columns"] = PROJECT_SPEC.columns
        return context


def _own_job(request, pk):
    jobs = Job.objects.filter(kind=JOB_KIND)
    if not request.user.is_superuser:
        jobs = jobs.filter(created_by=request.user)
    return get_object_or_404(jobs, pk=pk)


class ImportJobView(LoginRequiredMixin, TemplateView):
    """The result of one import: progress while it runs (polled by htmx), then counts or the error table."""

    template_name = "projects/import_job.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["projects/import_status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = _own_job(self.request, kwargs["pk"])
        result = job_result(job)
        context.update(job=job, result=result, errors=result.errors[:ERRORS_SHOWN],
                       running=job.status in (Job.Status.QUEUED, Job.Status.RUNNING),
                       phase=(job.result or {}).get("phase", ""))
        return context


@login_required
def import_errors(request, pk):
    """The error report of one import as .xlsx."""
    job = _own_job(request, pk)
    result = job_result(job)
    if not result.errors:
        raise Http404(_("该导入没有错误。"))
    return file_response(error_report(result.errors), _("导入错误报告") + f"_{job.pk}.xlsx")


@login_required
def export_xlsx(request):
    """The project list as .xlsx: the list page's filters over the user's scope."""
    queryset = ProjectYear.objects.visible_to(request.user)
    filterset = ProjectYearFilterSet(request.GET or None, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    year = filterset.form.cleaned_data.get("year") if filterset.is_bound and filterset.is_valid() else None
    return file_response(export_project_years(rows), export_filename(int(year) if year else None))
