"""Fixtures of the translation tests: a logged-in client switched to English the way a user switches."""

import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # imports store their file on the job


@pytest.fixture
def english(client):
    """`english(user)`: `client` logged in as `user`, after pressing the language button (POST /i18n/setlang/)."""

    def _english(user):
        client.force_login(user)
        r = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert r.status_code == 302
        return client

    return _english
