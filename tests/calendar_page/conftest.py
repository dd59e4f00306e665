import pytest
import time_machine

from tests.calendar_page.helpers import NOW


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def alice(db, django_user_model):
    """A staff member who may change posts, as the people running the accounts are."""
    return django_user_model.objects.create_superuser("alice", "alice@example.com", "correct-horse-battery")


@pytest.fixture
def staff_client(client, alice, frozen):
    # Signed in under the frozen clock, or the session would have expired by then.
    client.force_login(alice)
    return client


@pytest.fixture
def bob(db, django_user_model):
    """A signed-in user who is not staff."""
    return django_user_model.objects.create_user("bob", "bob@example.com", "correct-horse-battery")
