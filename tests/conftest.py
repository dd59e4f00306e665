import pytest
from django.db import connection

from tests.factories import CharacterFactory


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
