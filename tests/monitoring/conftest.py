"""Fixtures shared by the execution import tests."""

import pytest
from django.db import connection


@pytest.fixture(params=["generic", "postgres"])
def loader(request):
    """Each loader in turn; the COPY loader only on PostgreSQL."""
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the COPY loader needs PostgreSQL")
    return request.param


@pytest.fixture
def perf(world):
    """The county's 绩效科 user."""
    return world.users["county"]["perf"]
