"""Placeholder: POST /api/execution/import/ (execution data)."""

urlpatterns = []
