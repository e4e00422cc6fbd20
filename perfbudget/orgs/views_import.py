"""Import pages for organisations (导入机构) and accounts (导入用户), and the organisation export (导出机构).

Both imports are the generic mechanism (core.importexport) with the tables of importers.py: template download,
upload, result (with progress for large files), error report. Only the region's budget section and performance
office (and superusers) may use them; anyone else gets a page saying so.
"""

from dataclasses import dataclass

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from perfbudget.core.http import file_response
from perfbudget.core.importexport import (
    BACKGROUND_ROWS,
    MAX_BYTES,
    TableSpec,
    build_template,
    error_report,
    job_result,
    run_import,
    write_table,
)
from perfbudget.core.models import Job

from .access import can_manage
from .choices import OrgKind
from .importers import ORG_SPEC
from .importers_accounts import ACCOUNT_SPEC
from .models import Organisation

ERRORS_SHOWN = 200


@dataclass(frozen=True)
class ImportPage:
    """One import: its table, page title, the note on 「更新已有记录」, the template's file name, and from how many
    rows it runs as a background job."""

    spec: TableSpec
    title: str
    update_help: str
    template_name: str
    background_rows: int = BACKGROUND_ROWS
    discard_file: bool = False  # the stored upload holds secrets: delete it once the job has finished

    @property
    def job_kind(self):
        return f"import:{self.spec.name}"


IMPORTS = {
    "organisations": ImportPage(ORG_SPEC, gettext_lazy("导入机构"), gettext_lazy(
        "勾选后，系统中已有的机构代码按文件修改名称、上级机构、归口业务科室和启用状态；不勾选则视为重复并报错。"),
        gettext_lazy("机构导入模板")),
    # Hashing a password at production strength takes ≈0.3 s (measured, PBKDF2): a few dozen new users already
    # make a request of several seconds, so account files go to the background much sooner. Their stored upload
    # holds initial passwords: it is deleted when the finished job's page is first shown (which the upload
    # page redirects to and polls).
    "accounts": ImportPage(ACCOUNT_SPEC, gettext_lazy("导入用户"), gettext_lazy(
        "勾选后，已有的授权按文件更新用户的姓名和电话（填写了初始密码的同时修改密码）；不勾选则视为重复并报错。"),
        gettext_lazy("用户导入模板"), background_rows=20, discard_file=True),
}
JOB_KINDS = [page.job_kind for page in IMPORTS.values()]


def refuse(request, message):
    """A page in the site layout saying why the user may not be here (HTTP 403)."""
    return TemplateResponse(request, "orgs/refused.html", {"message": message}, status=403)


NOT_ALLOWED = gettext_lazy("只有财政局预算科、绩效科和系统管理员可以导入或导出机构和用户；"
                           "如需维护本单位的机构或账号，请联系本级财政局。")


class ManagerRequiredMixin(LoginRequiredMixin):
    """Signed-in users who may manage organisations and accounts; the rest are refused with a clear message."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_manage(request.user):
            return refuse(request, NOT_ALLOWED)
        return super().dispatch(request, *args, **kwargs)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("导入文件（.xlsx）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
                           error_messages={"required": gettext_lazy("请选择要导入的 .xlsx 文件。"),
                                           "empty": gettext_lazy("文件为空，请使用导入模板填写后再上传。")})
    update = forms.BooleanField(label=gettext_lazy("更新已有记录"), required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_BYTES:
            raise forms.ValidationError(_("文件超过 %(n)sMB，请拆分后分批导入。") % {"n": MAX_BYTES // 1024 // 1024})
        return f


class TableImportView(ManagerRequiredMixin, FormView):
    """Upload a filled template of one table (`table`: a key of IMPORTS)."""

    template_name = "orgs/import.html"
    form_class = ImportForm
    table = None

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["update"].help_text = IMPORTS[self.table].update_help
        return form

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        page = IMPORTS[self.table]
        result = run_import(page.spec, upload, self.request.user, update=form.cleaned_data["update"],
                            filename=upload.name, background_rows=page.background_rows)
        if result.job is None:
            for error in result.errors:
                form.add_error("file", str(error))
            return self.form_invalid(form)
        return redirect("orgs:import_job", pk=result.job.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = IMPORTS[self.table]
        context.update(title=page.title, table=self.table, columns=page.spec.columns,
                       recent_jobs=Job.objects.filter(kind=page.job_kind, created_by=self.request.user)[:10])
        return context


class TemplateDownloadView(ManagerRequiredMixin, View):
    """The import template of one table, with this user's regions, sections and roles in the dropdowns."""

    table = None

    def get(self, request):
        page = IMPORTS[self.table]
        return file_response(build_template(page.spec, request.user), f"{page.template_name}.xlsx")


def _own_job(request, pk):
    jobs = Job.objects.filter(kind__in=JOB_KINDS)
    if not request.user.is_superuser:
        jobs = jobs.filter(created_by=request.user)
    return get_object_or_404(jobs, pk=pk)


def _table_of(job):
    return next(key for key, page in IMPORTS.items() if job.kind == page.job_kind)


class ImportJobView(ManagerRequiredMixin, TemplateView):
    """The result of one import: progress while it runs (polled by htmx), then counts or the error table."""

    template_name = "orgs/import_job.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["orgs/import_status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = _own_job(self.request, kwargs["pk"])
        result = job_result(job)
        table = _table_of(job)
        running = job.status in (Job.Status.QUEUED, Job.Status.RUNNING)
        if not running and job.file and IMPORTS[table].discard_file:
            job.file.delete(save=True)
        context.update(job=job, result=result, errors=result.errors[:ERRORS_SHOWN], table=table,
                       title=IMPORTS[table].title, running=running,
                       phase=(job.result or {}).get("phase", ""))
        return context


class ImportErrorsView(ManagerRequiredMixin, View):
    """The error report of one import as .xlsx."""

    def get(self, request, pk):
        job = _own_job(request, pk)
        result = job_result(job)
        if not result.errors:
            raise Http404(_("该导入没有错误。"))
        return file_response(error_report(result.errors), _("导入错误报告") + f"_{job.pk}.xlsx")


class OrganisationExportView(ManagerRequiredMixin, View):
    """The organisations the user sees, in the import's columns (parents before children), as .xlsx."""

    def get(self, request):
        kinds = [OrgKind.SECTION, OrgKind.DEPARTMENT, OrgKind.UNIT] if request.user.is_superuser \
            else [OrgKind.DEPARTMENT, OrgKind.UNIT]
        orgs = (Organisation.objects.visible_to(request.user).filter(kind__in=kinds)
                .select_related("region", "parent", "funding_section").order_by("path"))
        return file_response(write_table(ORG_SPEC, orgs.iterator(chunk_size=2000)), _("机构列表") + ".xlsx")
