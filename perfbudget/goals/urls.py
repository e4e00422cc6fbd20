from django.urls import path

from perfbudget.core import views_import

from . import views, views_edit, views_excel, views_summary

app_name = "goals"
urlpatterns = [
    path("", views.GoalListView.as_view(), name="list"),
    path("summary/", views_summary.GoalSummaryView.as_view(), name="summary"),
    path("batch-review/", views.GoalBatchReviewView.as_view(), name="batch_review"),
    path("start/<int:py_pk>/", views.GoalStartView.as_view(), name="start"),
    path("import/", views_import.ImportUploadView.as_view(page="goals"), name="import"),
    path("import/template.xlsx", views_import.TemplateDownloadView.as_view(page="goals"), name="import_template"),
    path("import/<int:pk>/", views_import.ImportJobView.as_view(), name="import_job"),
    path("import/<int:pk>/errors.xlsx", views_import.ImportErrorsView.as_view(), name="import_errors"),
    path("export.xlsx", views_excel.export_xlsx, name="export"),
    path("template/<int:py_pk>.xlsx", views_excel.goal_template, name="goal_template"),
    path("<int:pk>/", views.GoalDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views_edit.GoalEditView.as_view(), name="edit"),
    path("<int:pk>/export.xlsx", views_excel.goal_xlsx, name="goal_xlsx"),
    path("<int:pk>/import/", views_excel.GoalImportView.as_view(), name="goal_import"),
    path("<int:pk>/check/", views_edit.GoalCheckView.as_view(), name="check"),
    path("<int:pk>/transition/", views.GoalTransitionView.as_view(), name="transition"),
    path("<int:pk>/review/", views.GoalReviewView.as_view(), name="review"),
    path("<int:pk>/cut/", views_summary.BudgetCutView.as_view(), name="cut"),
]
