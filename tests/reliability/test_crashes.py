"""Executors killed with SIGKILL at random points, then a clean pass: nothing doubled or lost."""

import random
import time

import pytest
from django.db.models import F
from django.utils import timezone

from autopost.models import PostTransition, ScheduledPost
from tests.reliability.conftest import duplicate_publishes, make_due_posts, publications

Status = ScheduledPost.Status
CLAIM_SECONDS = 1


def wait_for_first_claim(worker, name, timeout=30):
    """Return True once `name` has claimed a post, False if the worker ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and worker.poll() is None:
        if PostTransition.objects.filter(actor=name).exists():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True)
def test_30_kills_over_60_posts_then_clean_pass(start_executor):
    posts = make_due_posts(60, now=timezone.now(), status=Status.SCHEDULED)
    rng = random.Random(30)
    slow = {"RELIABILITY_MAX_DELAY": 0.1, "RELIABILITY_CLAIM_SECONDS": CLAIM_SECONDS}

    kills = 0
    for attempt in range(30):
        name = f"killed{attempt}"
        worker = start_executor("--max-posts", 10, "--worker", name, **slow)
        # Wait until the worker has claimed a post, however slowly Django starts on a
        # loaded machine, then kill it a random moment later: inside generation,
        # publishing, or the writes between them.
        if wait_for_first_claim(worker, name):
            time.sleep(rng.uniform(0, 0.3))
        if worker.poll() is None:
            worker.kill()
            kills += 1
        worker.communicate(timeout=30)

    posted_before_clean_pass = ScheduledPost.objects.filter(status=Status.POSTED).count()
    taken_over = PostTransition.objects.filter(from_status=F("to_status")).count()
    print(f"kills={kills} posted_before_clean_pass={posted_before_clean_pass} taken_over={taken_over}")
    time.sleep(CLAIM_SECONDS + 0.5)
    clean = start_executor(**{"RELIABILITY_CLAIM_SECONDS": CLAIM_SECONDS})
    output, errors = clean.communicate(timeout=120)

    lost = (
        ScheduledPost.objects.exclude(status=Status.POSTED)
        .exclude(status=Status.FAILED, error_message__gt="")
        .count()
    )
    print(f"kills={kills} posts=60 duplicates={len(duplicate_publishes())} lost={lost}")
    assert clean.returncode == 0, errors
    assert lost == 0
    assert kills >= 10, "too few kills landed while a worker ran"
    assert taken_over > 0, "no killed worker's claim was taken over"
    statuses = set(ScheduledPost.objects.values_list("status", flat=True))
    assert statuses <= {Status.POSTED, Status.FAILED}
    assert not ScheduledPost.objects.filter(status=Status.FAILED, error_message="").exists()
    assert not ScheduledPost.objects.exclude(claimed_by="").exists()
    assert publications(posts) == ScheduledPost.objects.filter(status=Status.POSTED).count()
    assert duplicate_publishes() == []
