"""Pages of the monitoring stage (运行监控) under /monitoring/."""

from django.urls import path

from . import views_actions, views_candidates, views_forms, views_rounds
from .urls_dashboard import urlpatterns as dashboard_urls
from .urls_execution import urlpatterns as execution_urls

app_name = "monitoring"

urlpatterns = [
    path("", views_rounds.RoundListView.as_view(), name="rounds"),
    path("rounds/plan/", views_rounds.RoundPlanView.as_view(), name="round_plan"),
    path("rounds/<int:pk>/", views_rounds.RoundDetailView.as_view(), name="round"),
    path("rounds/<int:pk>/action/", views_rounds.RoundActionView.as_view(), name="round_action"),
    path("rounds/<int:pk>/forms/", views_rounds.RoundFormsView.as_view(), name="round_forms"),
    path("rounds/<int:pk>/warnings/", views_rounds.RoundWarningsView.as_view(), name="round_warnings"),
    path("forms/<int:pk>/", views_forms.FormDetailView.as_view(), name="form"),
    path("forms/<int:pk>/save/", views_forms.FormSaveView.as_view(), name="form_save"),
    path("forms/<int:pk>/transition/", views_forms.FormTransitionView.as_view(), name="form_transition"),
    path("actions/", views_actions.ActionListView.as_view(), name="actions"),
    path("actions/new/", views_actions.ActionCreateView.as_view(), name="action_create"),
    path("actions/<int:pk>/", views_actions.ActionDetailView.as_view(), name="action"),
    path("negative-list/", views_actions.NegativeListView.as_view(), name="negative_list"),
    path("negative-list/add/", views_actions.ListingAddView.as_view(), name="listing_add"),
    path("negative-list/<int:pk>/lift/", views_actions.ListingLiftView.as_view(), name="listing_lift"),
    path("candidates/", views_candidates.CandidatesView.as_view(), name="candidates"),
    *execution_urls,
    *dashboard_urls,
]
