"""Shared fixtures. Tests run against the database DATABASE_URL names (SQLite by default, PostgreSQL in CI)."""

import pytest
from django.conf import settings
from django.utils import translation

from .factories import World


def pytest_configure(config):
    # Password hashing at production strength costs ~0.3 s a user; tests build dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the standard world once per test database; each test runs in a transaction over it."""
    with django_db_blocker.unblock():
        World.get()


@pytest.fixture
def world(db):
    """The standard little region tree with one user per role at city and both counties (fresh objects)."""
    return World.get()


@pytest.fixture
def login(client):
    """Log `client` in as a user (by object)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the thread; every test starts and ends in Chinese."""
    yield
    translation.deactivate()


@pytest.fixture
def token_client():
    """`token_client(user)`: a fresh API client sending the user's token, as API callers do."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def _client(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        return client

    return _client
