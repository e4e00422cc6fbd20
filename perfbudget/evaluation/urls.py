"""Pages of 绩效评价 under /evaluation/."""

from django.urls import path

from . import views
from .urls_spot import urlpatterns as spot_urls

app_name = "evaluation"

urlpatterns = [
    path("self-evaluations/", views.SelfEvalListView.as_view(), name="selfevals"),
    path("self-evaluations/export.xlsx", views.SelfEvalExportView.as_view(), name="selfevals_export"),
    path("self-evaluations/create/", views.SelfEvalCreateView.as_view(), name="selfevals_create"),
    path("self-evaluations/<int:pk>/", views.SelfEvalDetailView.as_view(), name="selfeval"),
    path("self-evaluations/<int:pk>/save/", views.SelfEvalSaveView.as_view(), name="selfeval_save"),
    path("self-evaluations/<int:pk>/transition/", views.SelfEvalTransitionView.as_view(), name="selfeval_transition"),
    path("self-evaluations/<int:pk>/refresh-funds/", views.SelfEvalRefreshFundsView.as_view(),
         name="selfeval_refresh"),
    path("self-evaluations/<int:pk>/agency/", views.AgencyReviewerView.as_view(), name="selfeval_agency"),
    path("self-evaluations/<int:pk>/problems/", views.ProblemCreateView.as_view(), name="problem_create"),
    path("self-evaluations/<int:pk>/table.xlsx", views.SelfEvalXlsxView.as_view(), name="selfeval_xlsx"),
    path("problems/<int:pk>/", views.ProblemActionView.as_view(), name="problem_action"),
    path("reviews/", views.ReviewSummaryView.as_view(), name="reviews"),
    *spot_urls,
]
