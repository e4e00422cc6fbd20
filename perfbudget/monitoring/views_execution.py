"""预算执行数据导入 pages: upload (with templates and the format), the job's progress and errors, recent batches.

Only the finance bureau's 绩效科 and 预算科 (and superusers) load execution data; the rows they may load are
their change scope (`load_execution` checks every code). The job pages reuse core's import templates.
"""

from types import SimpleNamespace

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from perfbudget.core.http import file_response
from perfbudget.core.importexport import error_report
from perfbudget.core.models import Job
from perfbudget.core.views_import import ERRORS_SHOWN, refuse
from perfbudget.orgs.choices import Role

from .execution.columns import COLUMNS
from .execution.jobs import JOB_KIND, job_result, start_import
from .execution.templates import csv_template, format_notes, xlsx_template
from .models import ExecutionBatch

MAX_UPLOAD_BYTES = 1024 * 1024 * 1024  # 1 GB: a province's year of monthly rows as CSV is ≈ 200 MB
IMPORT_ROLES = (Role.PERFORMANCE_OFFICE, Role.BUDGET_SECTION)
URLS = {"upload_url": "monitoring:execution_import", "job_url": "monitoring:execution_job",
        "errors_url": "monitoring:execution_errors", "back_url": "monitoring:execution_batches",
        "done_url": "monitoring:execution_batches"}


def may_import(user):
    return user.is_superuser or user.has_role(*IMPORT_ROLES)


def _refused(request):
    return refuse(request, _("只有财政局绩效科、预算科可以导入预算执行数据。"))


def _page():
    return SimpleNamespace(title=_("导入预算执行数据"), back=("monitoring:execution_batches", _("执行数据导入批次")))


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("执行数据文件（CSV 或 .xlsx）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
                           error_messages={"required": gettext_lazy("请选择要导入的 CSV 或 .xlsx 文件。"),
                                           "empty": gettext_lazy("文件为空，请按导入模板填写后再上传。")})

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件超过 1GB，请按月份或区划拆分后分批导入。"))
        return f


@login_required
def import_view(request):
    if not may_import(request.user):
        return _refused(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = start_import(upload, request.user, filename=upload.name)
        if result.job is not None:
            return redirect("monitoring:execution_job", pk=result.job.pk)
        for error in result.errors:
            form.add_error("file", str(error))
    recent = Job.objects.filter(kind=JOB_KIND, created_by=request.user)[:10]
    return render(request, "monitoring/execution_import.html",
                  {"form": form, "columns": COLUMNS, "notes": format_notes(), "recent_jobs": recent, **URLS})


@login_required
def template_csv(request):
    return file_response(csv_template(), _("预算执行数据导入模板") + ".csv", content_type="text/csv; charset=utf-8")


@login_required
def template_xlsx(request):
    return file_response(xlsx_template(), _("预算执行数据导入模板") + ".xlsx")


def _job(request, pk):
    jobs = Job.objects.filter(kind=JOB_KIND)
    if not request.user.is_superuser:
        jobs = jobs.filter(created_by=request.user)
    return get_object_or_404(jobs, pk=pk)


@login_required
def job_view(request, pk):
    """One import: progress while it runs (core's status fragment, polled by htmx), then counts or errors."""
    if not may_import(request.user):
        return _refused(request)
    job = _job(request, pk)
    result = job_result(job)
    context = {"job": job, "page": _page(), "result": result, "errors": result.errors[:ERRORS_SHOWN],
               "running": job.status in (Job.Status.QUEUED, Job.Status.RUNNING),
               "phase": (job.result or {}).get("phase", ""), "done_label": _("查看导入批次"), **URLS}
    if getattr(request, "htmx", False):
        return render(request, "core/import_status.html", context)
    return render(request, "core/import_job.html", context)


@login_required
def errors_view(request, pk):
    if not may_import(request.user):
        return _refused(request)
    result = job_result(_job(request, pk))
    if not result.errors:
        raise Http404(_("该导入没有错误。"))
    return file_response(error_report(result.errors), _("执行数据导入错误报告") + f"_{pk}.xlsx")


@login_required
def batches_view(request):
    """Recent batches of the user's region and the regions below (all for superusers)."""
    if not may_import(request.user) and not request.user.has_role(Role.OVERSIGHT):
        return _refused(request)
    batches = ExecutionBatch.objects.visible_to(request.user).select_related("region", "created_by")
    page = Paginator(batches, 50).get_page(request.GET.get("page"))
    return render(request, "monitoring/execution_batches.html",
                  {"page_obj": page, "batches": page.object_list, "may_import": may_import(request.user)})


@login_required
def batch_view(request, pk):
    """One batch: its counts and the figures it replaced."""
    batch = get_object_or_404(ExecutionBatch.objects.visible_to(request.user).select_related("region", "created_by"),
                              pk=pk)
    changes = batch.changes.select_related("project_year__project").order_by("project_year__project__code", "month")
    page = Paginator(changes, 100).get_page(request.GET.get("page"))
    return render(request, "monitoring/execution_batch.html", {"batch": batch, "page_obj": page,
                                                                "changes": page.object_list})
