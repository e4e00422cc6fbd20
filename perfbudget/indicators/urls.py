from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.IndicatorListView.as_view(), name="list"),
    path("new/", views.IndicatorFormView.as_view(), name="create"),
    path("pick/", views.IndicatorPickView.as_view(), name="pick"),
    path("<int:pk>/", views.IndicatorDetailView.as_view(), name="detail"),
    path("<int:pk>/revise/", views.IndicatorFormView.as_view(), name="revise"),
    path("<int:pk>/status/", views.IndicatorStatusView.as_view(), name="status"),
]
