"""Several executor processes over the same due posts: each post published exactly once."""

import pytest
from django.db.models import Count
from django.utils import timezone

from autopost.models import PostTransition, ScheduledPost
from tests.reliability.conftest import duplicate_publishes, make_due_posts, publications

Status = ScheduledPost.Status


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("order", range(5))
def test_4_workers_400_posts_published_once(start_executor, order):
    posts = make_due_posts(400, now=timezone.now(), status=Status.IMAGES_READY, order_seed=order)

    workers = [start_executor("--worker", f"w{n}") for n in range(4)]
    outputs = [worker.communicate(timeout=240) for worker in workers]

    posted = ScheduledPost.objects.filter(status=Status.POSTED).count()
    print(f"order={order} workers=4 posts=400 posted={posted} duplicates={len(duplicate_publishes())}")
    assert [worker.returncode for worker in workers] == [0, 0, 0, 0], outputs
    assert ScheduledPost.objects.filter(status=Status.POSTED).count() == 400
    assert publications(posts) == 400
    assert duplicate_publishes() == []
    claims = (
        PostTransition.objects.filter(to_status=Status.POSTING)
        .values("post")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert list(claims) == []
    assert len({t.actor for t in PostTransition.objects.filter(to_status=Status.POSTED)}) > 1
