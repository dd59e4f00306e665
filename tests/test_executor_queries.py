"""Pinned query counts of one executor pass: per due post, and not per historical row."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from autopost.executor import run_pass
from autopost.models import PostTransition, ScheduledPost
from tests.factories import CharacterFactory, DailyScheduleFactory, ScheduledPostFactory

Status = ScheduledPost.Status
NOW = datetime(2026, 12, 24, 11, 0, tzinfo=UTC)

# A pass: heartbeat get-or-create (savepoint, select, savepoint, insert, two
# releases), the missed-post select, the last empty claim (savepoint, select,
# release) and the heartbeat update.
PASS_QUERIES = 11
# A transition: savepoint, conditional update, history insert, day lock,
# day aggregate, day update, release.
TRANSITION_QUERIES = 7
# A claim: savepoint, candidate select, the transition, release.
CLAIM_QUERIES = 3 + TRANSITION_QUERIES
# generate and publish: claim, one claim.save() write, the closing transition.
STEP_QUERIES = CLAIM_QUERIES + 1 + TRANSITION_QUERIES


def add_history(character, rows):
    """Create `rows` posted posts with their four transitions, on past days."""
    days = [date(2026, 11, 1) + timedelta(days=offset) for offset in range((rows + 49) // 50)]
    schedules = [DailyScheduleFactory(character=character, schedule_date=day) for day in days]
    posts = []
    for index in range(rows):
        schedule = schedules[index // 50]
        day = schedule.schedule_date
        slot = time(8 + index % 50 // 10, index % 10 * 5)
        posts.append(
            ScheduledPost(
                schedule=schedule,
                character=character,
                scheduled_date=day,
                scheduled_time=slot,
                post_type=ScheduledPost.PostType.CAROUSEL,
                status=Status.POSTED,
                due_at=datetime.combine(day, slot, tzinfo=UTC),
                posted_at=datetime.combine(day, slot, tzinfo=UTC),
            )
        )
    ScheduledPost.objects.bulk_create(posts)
    PostTransition.objects.bulk_create(
        PostTransition(post=post, from_status=source, to_status=target, at=post.due_at, actor="history")
        for post in posts
        for source, target in [
            (Status.SCHEDULED, Status.GENERATING),
            (Status.GENERATING, Status.IMAGES_READY),
            (Status.IMAGES_READY, Status.POSTING),
            (Status.POSTING, Status.POSTED),
        ]
    )


@pytest.fixture
def mila(db):
    return CharacterFactory(slug="mila")


@pytest.mark.parametrize("history", [0, 500])
@pytest.mark.parametrize("due", [0, 1, 4])
def test_pass_from_scheduled_queries(mila, backends, django_assert_num_queries, history, due):
    add_history(mila, history)
    with time_machine.travel(NOW, tick=False):
        posts = [ScheduledPostFactory(character=mila, at=NOW - timedelta(minutes=5 + i)) for i in range(due)]

        # Each post: generate step, then publish step.
        with django_assert_num_queries(PASS_QUERIES + 2 * STEP_QUERIES * due):
            run_pass(worker="worker-a")

    assert ScheduledPost.objects.filter(status=Status.POSTED).count() == history + due
    assert [ScheduledPost.objects.get(pk=p.pk).status for p in posts] == [Status.POSTED] * due


@pytest.mark.parametrize("history", [0, 500])
@pytest.mark.parametrize("due", [1, 4])
def test_pass_from_images_ready_queries(mila, backends, django_assert_num_queries, history, due):
    add_history(mila, history)
    with time_machine.travel(NOW, tick=False):
        for i in range(due):
            ScheduledPostFactory(
                character=mila, at=NOW - timedelta(minutes=5 + i), status=Status.IMAGES_READY
            )

        with django_assert_num_queries(PASS_QUERIES + STEP_QUERIES * due):
            run_pass(worker="worker-a")

    assert sum(backends.published.values()) == due


@pytest.mark.parametrize("history", [0, 500])
def test_missed_posts_queries(mila, backends, django_assert_num_queries, history):
    add_history(mila, history)
    with time_machine.travel(NOW, tick=False):
        for hours in (19, 20, 21):
            ScheduledPostFactory(character=mila, at=NOW - timedelta(hours=hours))

        # Each missed post costs one transition, outside any claim.
        with django_assert_num_queries(PASS_QUERIES + 3 * TRANSITION_QUERIES):
            run_pass(worker="worker-a")

    assert ScheduledPost.objects.filter(status=Status.MISSED).count() == 3
