"""预算执行数据导入 under /monitoring/execution/ (app_name "monitoring", included by monitoring/urls.py)."""

from django.urls import path

from . import views_execution as views

urlpatterns = [
    path("execution/import/", views.import_view, name="execution_import"),
    path("execution/template.csv", views.template_csv, name="execution_template_csv"),
    path("execution/template.xlsx", views.template_xlsx, name="execution_template_xlsx"),
    path("execution/jobs/<int:pk>/", views.job_view, name="execution_job"),
    path("execution/jobs/<int:pk>/errors.xlsx", views.errors_view, name="execution_errors"),
    path("execution/batches/", views.batches_view, name="execution_batches"),
    path("execution/batches/<int:pk>/", views.batch_view, name="execution_batch"),
]
