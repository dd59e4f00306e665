import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from autopost import clock
from autopost.claims import kept_alive
from autopost.models import ScheduledPost
from tests.factories import ScheduledPostFactory


def posting_post(worker, expires_in):
    now = timezone.now()
    return ScheduledPostFactory(
        at=now - timedelta(minutes=1),
        status=ScheduledPost.Status.POSTING,
        claimed_by=worker,
        claim_expires_at=now + expires_in,
    )


@pytest.mark.django_db(transaction=True)
def test_kept_alive_renews_claim_while_block_runs():
    post = posting_post("worker-a", timedelta(seconds=5))
    first_expiry = post.claim_expires_at

    with kept_alive(post.pk, "worker-a", every=0.05):
        time.sleep(0.4)

    post.refresh_from_db()
    assert post.claimed_by == "worker-a"
    assert post.claim_expires_at > first_expiry + timedelta(seconds=60)


@pytest.mark.django_db(transaction=True)
def test_kept_alive_never_takes_back_lost_claim():
    post = posting_post("worker-a", timedelta(seconds=5))

    with kept_alive(post.pk, "worker-a", every=0.05):
        ScheduledPost.objects.filter(pk=post.pk).update(claimed_by="worker-b")
        time.sleep(0.3)

    post.refresh_from_db()
    assert post.claimed_by == "worker-b"


@pytest.mark.postgres
@time_machine.travel(datetime(2001, 1, 1, tzinfo=UTC), tick=False)
def test_database_clock_ignores_skewed_host_clock(db, settings):
    settings.AUTOPOST_CLOCK = "database"

    reading = clock.now()

    assert reading.year >= 2026


@time_machine.travel(datetime(2001, 1, 1, tzinfo=UTC), tick=False)
def test_host_clock_follows_host(db, settings):
    settings.AUTOPOST_CLOCK = "host"

    assert clock.now() == datetime(2001, 1, 1, tzinfo=UTC)
