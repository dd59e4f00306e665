"""An admin edit while an executor pass writes: no "database is locked", no lost edit."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from autopost.models import ScheduledPost
from tests.admin_helpers import change_url, submit_change_form
from tests.factories import ScheduledPostFactory
from tests.reliability.conftest import make_due_posts

Status = ScheduledPost.Status


@pytest.mark.django_db(transaction=True)
def test_20_admin_edits_during_pass_over_150_posts(start_executor, admin_client):
    if connection.vendor != "sqlite":
        pytest.skip("the lock contention of this test is SQLite's")
    make_due_posts(150, now=timezone.now(), status=Status.SCHEDULED)
    edited = ScheduledPostFactory(at=timezone.now() + timedelta(days=2), caption="before")

    worker = start_executor("--worker", "busy", RELIABILITY_MAX_DELAY=0.01)
    while not ScheduledPost.objects.filter(status=Status.POSTED).exists():
        assert worker.poll() is None, worker.communicate()
        time.sleep(0.05)
    responses = []
    for number in range(20):
        responses.append(
            submit_change_form(
                admin_client, change_url(edited), "scheduledpost_form", caption=f"edit {number}"
            )
        )
    still_running = worker.poll() is None
    output, errors = worker.communicate(timeout=120)

    assert still_running, "the pass ended before the edits; nothing was contended"
    assert [response.status_code for response in responses] == [302] * 20
    edited.refresh_from_db()
    assert edited.caption == "edit 19"
    assert worker.returncode == 0, errors
    assert "database is locked" not in errors
    assert ScheduledPost.objects.filter(status=Status.POSTED).count() == 150
