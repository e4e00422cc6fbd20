"""The REST API router."""

from django.urls import path

urlpatterns = []
