"""Report downloads of a key evaluation (Word, PDF)."""

urlpatterns = []
