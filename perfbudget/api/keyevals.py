"""重点评价 in the API. `register(router)` adds the view sets; `urlpatterns` holds the plain routes."""

urlpatterns = []


def register(router):
    """Add this app's view sets to the API router."""
