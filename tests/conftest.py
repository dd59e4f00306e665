import pytest
from django.db import connection

from autopost.providers import BACKENDS
from tests import providers
from tests.factories import CharacterFactory

TEST_BACKENDS = {
    "AUTOPOST_IMAGE_GENERATOR": "tests.providers.InstantImages",
    "AUTOPOST_PUBLISHER": "tests.providers.CountingPublisher",
    "AUTOPOST_NOTIFIER": "tests.providers.RecordingNotifier",
}


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    on_postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


@pytest.fixture
def mila(db):
    return CharacterFactory(slug="mila", name="Mila")


@pytest.fixture
def elena(db):
    return CharacterFactory(slug="elena", name="Elena")


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def backends(monkeypatch, settings):
    """Select the instant, counting test providers; return their shared recorder."""
    providers.recorder.reset()
    for role, path in TEST_BACKENDS.items():
        monkeypatch.setitem(BACKENDS[role], "test", path)
        setattr(settings, role, "test")
    return providers.recorder


@pytest.fixture
def media_root(settings, tmp_path):
    """Give the test its own media folder, so parallel workers never share files."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
