from django.urls import path

from perfbudget.core import views_import

from . import views, views_excel

app_name = "indicators"
urlpatterns = [
    path("", views.IndicatorListView.as_view(), name="list"),
    path("new/", views.IndicatorFormView.as_view(), name="create"),
    path("pick/", views.IndicatorPickView.as_view(), name="pick"),
    path("import/", views_import.ImportUploadView.as_view(page="indicators"), name="import"),
    path("import/template.xlsx", views_import.TemplateDownloadView.as_view(page="indicators"), name="import_template"),
    path("import/<int:pk>/", views_import.ImportJobView.as_view(), name="import_job"),
    path("import/<int:pk>/errors.xlsx", views_import.ImportErrorsView.as_view(), name="import_errors"),
    path("export.xlsx", views_excel.export_xlsx, name="export"),
    path("<int:pk>/", views.IndicatorDetailView.as_view(), name="detail"),
    path("<int:pk>/revise/", views.IndicatorFormView.as_view(), name="revise"),
    path("<int:pk>/status/", views.IndicatorStatusView.as_view(), name="status"),
]
