from datetime import UTC, datetime, timedelta

import time_machine

from autopost.models import ExecutorHeartbeat, ScheduledPost
from tests.factories import ScheduledPostFactory

NOW = datetime(2026, 12, 24, 12, 0, tzinfo=UTC)


def beat(finished_ago):
    ExecutorHeartbeat.objects.create(
        worker="w1", pass_started_at=NOW - finished_ago, pass_finished_at=NOW - finished_ago
    )


@time_machine.travel(NOW, tick=False)
def test_healthz_ok_after_recent_pass(client, db, django_assert_num_queries):
    beat(timedelta(seconds=30))

    with django_assert_num_queries(3):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["last_pass_age_seconds"] == 30


@time_machine.travel(NOW, tick=False)
def test_healthz_fails_without_any_pass(client, db):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["executor_recent"] is False


@time_machine.travel(NOW, tick=False)
def test_healthz_fails_when_last_pass_is_old(client, db):
    beat(timedelta(minutes=10))

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["last_pass_age_seconds"] == 600


@time_machine.travel(NOW, tick=False)
def test_healthz_counts_post_stuck_past_its_claim(client, db):
    beat(timedelta(seconds=30))
    ScheduledPostFactory(
        at=NOW - timedelta(minutes=30),
        status=ScheduledPost.Status.POSTING,
        claimed_by="dead-worker",
        claim_expires_at=NOW - timedelta(minutes=5),
    )

    body = client.get("/healthz").json()

    assert body["stuck_posts"] == 1
    assert body["checks"]["no_stuck_posts"] is False


@time_machine.travel(NOW, tick=False)
def test_healthz_counts_due_post_not_started(client, db):
    beat(timedelta(seconds=30))
    ScheduledPostFactory(at=NOW - timedelta(minutes=5), status=ScheduledPost.Status.IMAGES_READY)
    ScheduledPostFactory(at=NOW + timedelta(minutes=5), status=ScheduledPost.Status.IMAGES_READY)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["overdue_posts"] == 1


@time_machine.travel(NOW, tick=False)
def test_healthz_shows_no_content(client, db):
    beat(timedelta(seconds=30))
    ScheduledPostFactory(at=NOW - timedelta(minutes=5), caption="Secret caption text")

    response = client.get("/healthz")

    assert b"Secret caption" not in response.content
    assert b"mila" not in response.content
