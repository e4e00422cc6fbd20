"""Imports record a job and may store their file: keep uploads in a throw-away media folder."""

import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
