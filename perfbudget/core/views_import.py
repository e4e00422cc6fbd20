"""The import pages of every table (see core.imports): template download, upload, result with progress for
background jobs (polled by htmx), and the error report. Apps route to these views with their page's key."""

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from .http import file_response
from .importexport import MAX_BYTES, build_template, error_report, job_result, run_import
from .imports import PAGES, page_of_job
from .models import Job

ERRORS_SHOWN = 200


def refuse(request, message):
    """A page in the site layout saying why the user may not be here (HTTP 403)."""
    return TemplateResponse(request, "core/refused.html", {"message": message}, status=403)


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


def page_urls(page):
    """URL names of a page's links, for the templates."""
    done = page.done or page.back
    return {"upload_url": page.upload_url, "template_url": page.template_url, "job_url": f"{page.namespace}:import_job",
            "errors_url": f"{page.namespace}:import_errors", "back_url": page.back[0], "done_url": done[0],
            "done_label": done[1]}


class PageMixin(LoginRequiredMixin):
    """Resolves `self.page` (from the `page` view argument or from the job) and refuses users it does not allow."""

    page = None  # a key of core.imports.PAGES

    def get_page(self):
        return PAGES[self.page]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.import_page = self.get_page()
        if not self.import_page.allowed(request.user):
            return refuse(request, self.import_page.refused)
        return super().dispatch(request, *args, **kwargs)


class ImportUploadView(PageMixin, FormView):
    """Upload a filled template; small files are imported at once, large ones by a background job."""

    template_name = "core/import.html"
    form_class = ImportForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["update"].help_text = self.import_page.update_help
        return form

    def form_valid(self, form):
        page = self.import_page
        upload = form.cleaned_data["file"]
        result = run_import(page.spec, upload, self.request.user, update=form.cleaned_data["update"],
                            filename=upload.name, background_rows=page.background_rows)
        if result.job is None:
            for error in result.errors:
                form.add_error("file", str(error))
            return self.form_invalid(form)
        return redirect(f"{page.namespace}:import_job", pk=result.job.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = self.import_page
        context.update(page_urls(page))
        context.update(page=page, columns=page.spec.columns,
                       recent_jobs=Job.objects.filter(kind=page.job_kind, created_by=self.request.user)[:10])
        return context


class TemplateDownloadView(PageMixin, View):
    """The import template, with this user's choices (units, regions …) in the dropdowns."""

    def get(self, request):
        page = self.import_page
        return file_response(build_template(page.spec, request.user), f"{page.template_filename}.xlsx")


class JobMixin(PageMixin):
    """An import job of the user's own (any, for superusers); its page decides who may see it."""

    def get_page(self):
        jobs = Job.objects.filter(kind__in=[p.job_kind for p in PAGES.values()])
        if not self.request.user.is_superuser:
            jobs = jobs.filter(created_by=self.request.user)
        self.job = get_object_or_404(jobs, pk=self.kwargs["pk"])
        return page_of_job(self.job)


class ImportJobView(JobMixin, TemplateView):
    """The result of one import: progress while it runs (polled by htmx), then counts or the error table."""

    template_name = "core/import_job.html"

    def get_template_names(self):
        return ["core/import_status.html"] if getattr(self.request, "htmx", False) else [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job, page = self.job, self.import_page
        result = job_result(job)
        running = job.status in (Job.Status.QUEUED, Job.Status.RUNNING)
        if not running and job.file and page.discard_file:
            job.file.delete(save=True)
        context.update(page_urls(page))
        context.update(job=job, page=page, result=result, errors=result.errors[:ERRORS_SHOWN], running=running,
                       phase=(job.result or {}).get("phase", ""))
        return context


class ImportErrorsView(JobMixin, View):
    """The error report of one import as .xlsx."""

    def get(self, request, pk):
        result = job_result(self.job)
        if not result.errors:
            raise Http404(_("该导入没有错误。"))
        return file_response(error_report(result.errors), _("导入错误报告") + f"_{self.job.pk}.xlsx")
