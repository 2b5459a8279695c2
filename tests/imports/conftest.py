import pytest


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    """Pending uploads go under MEDIA_ROOT: a fresh one per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
