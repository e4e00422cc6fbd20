"""Report downloads of a key evaluation (Word, PDF)."""

from django.urls import path

from . import views_report

urlpatterns = [
    path("<int:pk>/report.docx", views_report.ReportDocxView.as_view(), name="report_docx"),
    path("<int:pk>/report.pdf", views_report.ReportPdfView.as_view(), name="report_pdf"),
]
