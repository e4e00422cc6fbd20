from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [path("", views.OrganisationListView.as_view(), name="list")]
