"""The round dashboard and the monitoring report (included by monitoring/urls.py, app_name "monitoring")."""

from django.urls import path

from . import views_dashboard as views

urlpatterns = [
    path("rounds/<int:pk>/dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("rounds/<int:pk>/report.docx", views.ReportDocxView.as_view(), name="report_docx"),
    path("rounds/<int:pk>/report.pdf", views.ReportPdfView.as_view(), name="report_pdf"),
]
