"""The per-round monitoring dashboard (with its drill-down export) and the monitoring report (Word and PDF)."""

import time

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from perfbudget.core.documents import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE
from perfbudget.core.http import file_response

from . import dashboard, report
from .models import MonitoringRound


def _link(names, pk):
    """The first of `names` that resolves (the round and form pages belong to other parts of the stage)."""
    for name in names:
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return ""


def _link_forms(rows):
    for row in rows:
        if row.get("form"):
            row["url"] = _link(("monitoring:form",), row["form"])


class DashboardView(LoginRequiredMixin, TemplateView):
    """运行监控看板: the round as the user's scope sees it; ?region=&department= drill down; ?export=xlsx."""

    template_name = "monitoring/dashboard.html"

    def get(self, request, *args, **kwargs):
        rnd = get_object_or_404(MonitoringRound.objects.visible_to(request.user).select_related("region"),
                                pk=kwargs["pk"])
        region = request.GET.get("region", "").strip()[:12]
        department = request.GET.get("department", "").strip()[:40]
        if request.GET.get("export") == "xlsx":
            drill = dashboard.drill_down(rnd, request.user, region, department, limit=None)
            return file_response(dashboard.drill_workbook(rnd, drill),
                                 _("%(year)s年%(name)s监控汇总.xlsx") % {"year": rnd.year, "name": rnd.name})
        data = dashboard.build_dashboard(rnd, request.user, region, department)
        _link_forms(data["gaps"])
        if data["drill"].level == "project":
            _link_forms(data["drill"].rows)
        context = self.get_context_data(**kwargs, **data, chart=dashboard.chart_data(data),
                                        can_report=report.may_report(rnd, request.user),
                                        round_url=_link(("monitoring:round", "monitoring:round_forms"), rnd.pk),
                                        today=timezone.localdate())
        return self.render_to_response(context)


class _ReportView(LoginRequiredMixin, View):
    def get(self, request, pk):
        rnd = get_object_or_404(MonitoringRound.objects.visible_to(request.user).select_related("region"), pk=pk)
        if not report.may_report(rnd, request.user):
            raise PermissionDenied(_("只有本区划及上级财政局绩效科和监督机构可以导出监控报告。"))
        started = time.monotonic()
        try:
            content = self.render(rnd, request.user)
        except report.ReportError as exc:
            return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
        response = file_response(content, f"{report.report_title(rnd)}.{self.ext}", self.content_type)
        response["X-Report-Seconds"] = f"{time.monotonic() - started:.2f}"
        return response


class ReportDocxView(_ReportView):
    ext, content_type = "docx", DOCX_CONTENT_TYPE

    def render(self, rnd, user):
        return report.render_docx(report.build_context(rnd, user))


class ReportPdfView(_ReportView):
    ext, content_type = "pdf", PDF_CONTENT_TYPE

    def render(self, rnd, user):
        return report.render_pdf(report.build_context(rnd, user))
