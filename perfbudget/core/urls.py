from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("history/<str:app_label>/<str:model>/<int:pk>/", views.ObjectHistoryView.as_view(), name="history"),
]
