"""Placeholder: filled by the urls_execution work."""

urlpatterns = []
