from django.urls import path

from perfbudget.core import views_import

from . import views, views_export

app_name = "projects"
urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    path("new/", views.ProjectFormView.as_view(), name="create"),
    path("import/", views_import.ImportUploadView.as_view(page="projects"), name="import"),
    path("import/template.xlsx", views_import.TemplateDownloadView.as_view(page="projects"), name="import_template"),
    path("import/<int:pk>/", views_import.ImportJobView.as_view(), name="import_job"),
    path("import/<int:pk>/errors.xlsx", views_import.ImportErrorsView.as_view(), name="import_errors"),
    path("export.xlsx", views_export.export_xlsx, name="export"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ProjectFormView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.ProjectDeleteView.as_view(), name="delete"),
    path("<int:pk>/revert/<int:entry_id>/", views.ProjectRevertView.as_view(), name="revert"),
    path("<int:pk>/transition/", views.ProjectTransitionView.as_view(), name="transition"),
]
