"""Placeholder: filled by the urls_dashboard work."""

urlpatterns = []
