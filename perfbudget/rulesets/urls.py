from django.urls import path

from . import views

app_name = "rulesets"
urlpatterns = [path("", views.RuleSetView.as_view(), name="list")]
