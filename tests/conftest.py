import pytest
from django.db import connection
from django.utils import translation

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


# Fake outside services. Each fixture starts a real HTTP server on 127.0.0.1
# (port 0, so xdist workers never collide), points the settings at it and
# stops it after the test.


@pytest.fixture
def fake_instagram(settings):
    from tests.fakes import FakeInstagram

    with FakeInstagram() as fake:
        settings.AUTOPOST_PUBLISHER = "instagram"
        settings.INSTAGRAM_GRAPH_URL = fake.graph_url
        settings.INSTAGRAM_TOKEN_REFRESH_URL = f"{fake.url}/refresh_access_token"
        settings.AUTOPOST_PUBLIC_MEDIA_URL = "https://media.autopost.test"
        settings.AUTOPOST_INSTAGRAM_POLL_SECONDS = 0.01
        settings.AUTOPOST_INSTAGRAM_POLL_TIMEOUT = 2
        settings.AUTOPOST_HTTP_TIMEOUT = 5
        yield fake


@pytest.fixture
def fake_replicate(settings):
    from tests.fakes import FakeReplicate

    with FakeReplicate() as fake:
        settings.AUTOPOST_IMAGE_GENERATOR = "replicate"
        settings.REPLICATE_API_URL = fake.api_url
        settings.REPLICATE_API_TOKEN = fake.token
        settings.AUTOPOST_REPLICATE_POLL_SECONDS = 0.01
        settings.AUTOPOST_REPLICATE_DEADLINE_SECONDS = 10
        yield fake


@pytest.fixture
def fake_anthropic(settings):
    from tests.fakes import FakeAnthropic

    with FakeAnthropic() as fake:
        settings.AUTOPOST_PLANNER = "llm"
        settings.ANTHROPIC_API_URL = fake.url
        settings.ANTHROPIC_API_KEY = fake.api_key
        yield fake


@pytest.fixture
def fake_discord(settings):
    from autopost.providers import discord
    from tests.fakes import FakeDiscord

    with FakeDiscord() as fake:
        settings.AUTOPOST_NOTIFIER = "discord"
        settings.DISCORD_WEBHOOK_URL = fake.webhook_url
        settings.AUTOPOST_SITE_URL = "https://autopost.example.test"
        discord._deleted_webhooks.clear()
        yield fake
        discord._deleted_webhooks.clear()


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


@pytest.fixture(autouse=True)
def site_language(settings):
    """Start every test in the site's language.

    A request with another language (a cookie or Accept-Language) leaves that
    language active in the thread, and messages written later, such as the
    executor's history rows, would follow it.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
