"""Pages of 重点评价 under /key-evaluations/."""

from django.urls import path

from . import views, views_frameworks
from .urls_report import urlpatterns as report_urls

app_name = "keyevals"

urlpatterns = [
    path("", views.KeyEvaluationListView.as_view(), name="list"),
    path("new/", views.KeyEvaluationCreateView.as_view(), name="create"),
    path("plan/", views.AnnualPlanView.as_view(), name="plan"),
    path("<int:pk>/", views.KeyEvaluationDetailView.as_view(), name="detail"),
    path("<int:pk>/assign/", views.AssignView.as_view(), name="assign"),
    path("<int:pk>/score/", views.ScoreView.as_view(), name="score"),
    path("<int:pk>/report-text/", views.ReportTextView.as_view(), name="report_text"),
    path("<int:pk>/findings/", views.FindingAddView.as_view(), name="finding_add"),
    path("<int:pk>/findings/<int:item>/delete/", views.FindingDeleteView.as_view(), name="finding_delete"),
    path("<int:pk>/recommendations/", views.RecommendationAddView.as_view(), name="recommendation_add"),
    path("<int:pk>/recommendations/<int:item>/delete/", views.RecommendationDeleteView.as_view(),
         name="recommendation_delete"),
    path("<int:pk>/transition/", views.TransitionView.as_view(), name="transition"),
    path("<int:pk>/rate/", views.RateView.as_view(), name="rate"),
    path("frameworks/", views_frameworks.FrameworkListView.as_view(), name="frameworks"),
    path("frameworks/<int:pk>/", views_frameworks.FrameworkDetailView.as_view(), name="framework"),
    path("frameworks/<int:pk>/copy/", views_frameworks.FrameworkCopyView.as_view(), name="framework_copy"),
    path("frameworks/<int:pk>/edit/", views_frameworks.FrameworkEditView.as_view(), name="framework_edit"),
    *report_urls,
]
