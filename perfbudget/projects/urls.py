from django.urls import path

from . import views, views_import

app_name = "projects"
urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    path("new/", views.ProjectFormView.as_view(), name="create"),
    path("import/", views_import.ProjectImportView.as_view(), name="import"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
    path("import/<int:pk>/", views_import.ImportJobView.as_view(), name="import_job"),
    path("import/<int:pk>/errors.xlsx", views_import.import_errors, name="import_errors"),
    path("export.xlsx", views_import.export_xlsx, name="export"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ProjectFormView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.ProjectDeleteView.as_view(), name="delete"),
    path("<int:pk>/revert/<int:entry_id>/", views.ProjectRevertView.as_view(), name="revert"),
    path("<int:pk>/transition/", views.ProjectTransitionView.as_view(), name="transition"),
]
