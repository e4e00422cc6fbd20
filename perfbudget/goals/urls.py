from django.urls import path

from . import views, views_edit, views_summary

app_name = "goals"
urlpatterns = [
    path("", views.GoalListView.as_view(), name="list"),
    path("summary/", views_summary.GoalSummaryView.as_view(), name="summary"),
    path("batch-review/", views.GoalBatchReviewView.as_view(), name="batch_review"),
    path("start/<int:py_pk>/", views.GoalStartView.as_view(), name="start"),
    path("<int:pk>/", views.GoalDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views_edit.GoalEditView.as_view(), name="edit"),
    path("<int:pk>/check/", views_edit.GoalCheckView.as_view(), name="check"),
    path("<int:pk>/transition/", views.GoalTransitionView.as_view(), name="transition"),
    path("<int:pk>/review/", views.GoalReviewView.as_view(), name="review"),
    path("<int:pk>/cut/", views_summary.BudgetCutView.as_view(), name="cut"),
]
