"""The django-q2 executor task and `run_executor --loop` at once: no step runs twice."""

import signal
import time

import pytest
from django.db.models import Count
from django.utils import timezone
from django_q.tasks import async_task

from autopost.models import PostTransition, ScheduledPost
from tests.reliability.conftest import duplicate_publishes, make_due_posts, publications

Status = ScheduledPost.Status


@pytest.mark.django_db(transaction=True)
def test_qcluster_tasks_and_loop_over_120_posts(start_manage, start_executor):
    posts = make_due_posts(120, now=timezone.now(), status=Status.SCHEDULED)
    slow = {"RELIABILITY_MAX_DELAY": 0.02}
    cluster = start_manage("qcluster", **slow)
    loop = start_executor("--loop", "--interval", 1, "--worker", "loop", **slow)

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if ScheduledPost.objects.exclude(status=Status.POSTED).count() == 0:
            break
        async_task("scheduler.tasks.run_executor_pass", max_posts=5)
        time.sleep(0.3)
    loop.send_signal(signal.SIGTERM)
    cluster.send_signal(signal.SIGTERM)
    loop_output, _ = loop.communicate(timeout=60)
    cluster.communicate(timeout=60)

    assert ScheduledPost.objects.filter(status=Status.POSTED).count() == 120
    assert publications(posts) == 120
    assert duplicate_publishes() == []
    for step in (Status.GENERATING, Status.POSTING):
        doubled = (
            PostTransition.objects.filter(to_status=step)
            .values("post")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        )
        assert list(doubled) == [], f"{step} ran twice"
    actors = set(PostTransition.objects.values_list("actor", flat=True))
    assert "loop" in actors
    assert any(actor.startswith("q:") for actor in actors), "no django-q2 task ran a step"
    assert "Stopped after finishing the step in hand." in loop_output
