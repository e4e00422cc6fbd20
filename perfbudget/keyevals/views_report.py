"""Downloads of the evaluation report (绩效评价报告) of a key evaluation, as Word and as PDF.

Whoever may read the evaluation may download its report: the bureau's roles of its region and the regions above,
the evaluated bodies once the findings are issued, the assigned agency and experts (a draft while scoring).
Outside that scope the evaluation does not exist (404).
"""

import time

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View

from perfbudget.core.documents import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE
from perfbudget.core.http import file_response

from . import report
from .models import KeyEvaluation


class _ReportView(LoginRequiredMixin, View):
    ext = content_type = ""

    def render(self, context):
        raise NotImplementedError

    def get(self, request, pk):
        evaluation = get_object_or_404(KeyEvaluation.objects.visible_to(request.user), pk=pk)
        started = time.monotonic()
        try:
            content = self.render(report.build_context(evaluation))
        except report.ReportError as exc:
            return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
        response = file_response(content, f"{report.file_title(evaluation)}.{self.ext}", self.content_type)
        response["X-Report-Seconds"] = f"{time.monotonic() - started:.2f}"
        return response


class ReportDocxView(_ReportView):
    """绩效评价报告 (.docx) from the bureau-editable Word template."""

    ext, content_type = "docx", DOCX_CONTENT_TYPE

    def render(self, context):
        return report.render_docx(context)


class ReportPdfView(_ReportView):
    """绩效评价报告 (.pdf)."""

    ext, content_type = "pdf", PDF_CONTENT_TYPE

    def render(self, context):
        return report.render_pdf(context)
