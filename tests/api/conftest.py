"""API test fixtures: clients authenticated the way API callers are (a token in the Authorization header)."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    """An API client with no credentials."""
    return APIClient()
