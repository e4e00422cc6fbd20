from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
]
