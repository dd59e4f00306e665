"""A publish slower than the claim's first expiry: the worker renews and no other worker takes the post."""

import time

import pytest
from django.utils import timezone

from autopost.models import PostTransition, ScheduledPost
from tests.reliability.conftest import duplicate_publishes, make_due_posts, publications

Status = ScheduledPost.Status


@pytest.mark.django_db(transaction=True)
def test_slow_publish_3s_claim_1s_kept(start_executor):
    posts = make_due_posts(1, now=timezone.now(), status=Status.IMAGES_READY)

    slow = start_executor("--worker", "slow", RELIABILITY_CLAIM_SECONDS=1, RELIABILITY_PUBLISH_SECONDS=3)
    time.sleep(2.0)  # the slow worker has claimed and is inside its publish
    others = [start_executor("--worker", f"other{n}", RELIABILITY_CLAIM_SECONDS=1) for n in range(2)]
    for worker in [slow, *others]:
        worker.communicate(timeout=60)

    post = ScheduledPost.objects.get()
    assert post.status == Status.POSTED
    assert publications(posts) == 1
    assert duplicate_publishes() == []
    actors = set(PostTransition.objects.values_list("actor", flat=True))
    assert actors == {"slow"}
