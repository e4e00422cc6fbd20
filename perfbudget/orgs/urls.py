from django.urls import path

from perfbudget.core import views_import

from . import views, views_accounts, views_export

app_name = "orgs"
urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="list"),
    path("import/", views_import.ImportUploadView.as_view(page="organisations"), name="import"),
    path("import/template.xlsx", views_import.TemplateDownloadView.as_view(page="organisations"),
         name="import_template"),
    path("accounts/import/", views_import.ImportUploadView.as_view(page="accounts"), name="import_accounts"),
    path("accounts/import/template.xlsx", views_import.TemplateDownloadView.as_view(page="accounts"),
         name="import_accounts_template"),
    path("import/jobs/<int:pk>/", views_import.ImportJobView.as_view(), name="import_job"),
    path("import/jobs/<int:pk>/errors.xlsx", views_import.ImportErrorsView.as_view(), name="import_errors"),
    path("export.xlsx", views_export.OrganisationExportView.as_view(), name="export"),
    path("users/", views_accounts.UserListView.as_view(), name="users"),
    path("password/", views_accounts.PasswordChangeView.as_view(), name="password_change"),
]
