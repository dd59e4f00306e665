"""DailySchedule counters and status follow its posts on every transition."""

from datetime import date, time

import pytest

from autopost.models import DailySchedule, ScheduledPost
from autopost.pipeline import transition
from tests.factories import CharacterFactory, DailyScheduleFactory, ScheduledPostFactory

Status = ScheduledPost.Status
DAY = date(2026, 12, 24)
SLOTS = [time(8, 0), time(12, 30), time(19, 0)]


@pytest.fixture
def day(db):
    character = CharacterFactory(slug="mila")
    schedule = DailyScheduleFactory(character=character, schedule_date=DAY)
    posts = [
        ScheduledPostFactory(character=character, scheduled_date=DAY, scheduled_time=slot) for slot in SLOTS
    ]
    return schedule, posts


def set_statuses(posts, *statuses, next_attempt_at=None):
    for post, status in zip(posts, statuses, strict=True):
        ScheduledPost.objects.filter(pk=post.pk).update(status=status, next_attempt_at=next_attempt_at)


def progress(schedule):
    schedule.refresh_progress()
    schedule.refresh_from_db()
    return schedule.status, schedule.posts_completed, schedule.posts_total


def test_day_with_untouched_posts_is_pending(day):
    schedule, posts = day

    assert progress(schedule) == (DailySchedule.Status.PENDING, 0, 3)


def test_day_with_one_started_post_is_in_progress(day):
    schedule, posts = day
    set_statuses(posts, Status.GENERATING, Status.SCHEDULED, Status.SCHEDULED)

    assert progress(schedule) == (DailySchedule.Status.IN_PROGRESS, 0, 3)


def test_day_with_some_posted_is_in_progress(day):
    schedule, posts = day
    set_statuses(posts, Status.POSTED, Status.IMAGES_READY, Status.SCHEDULED)

    assert progress(schedule) == (DailySchedule.Status.IN_PROGRESS, 1, 3)


def test_day_with_every_post_posted_is_completed(day):
    schedule, posts = day
    set_statuses(posts, Status.POSTED, Status.POSTED, Status.POSTED)

    assert progress(schedule) == (DailySchedule.Status.COMPLETED, 3, 3)


@pytest.mark.parametrize("last", [Status.MISSED, Status.CANCELLED, Status.FAILED])
def test_day_with_final_non_posted_is_partial(day, last):
    schedule, posts = day
    set_statuses(posts, Status.POSTED, Status.POSTED, last)

    assert progress(schedule) == (DailySchedule.Status.PARTIAL, 2, 3)


def test_failed_post_awaiting_retry_keeps_day_in_progress(day):
    schedule, posts = day
    set_statuses(posts, Status.POSTED, Status.POSTED, Status.FAILED, next_attempt_at=posts[0].due_at)

    assert progress(schedule) == (DailySchedule.Status.IN_PROGRESS, 2, 3)


def test_day_of_only_missed_posts_is_partial(day):
    schedule, posts = day
    set_statuses(posts, Status.MISSED, Status.MISSED, Status.MISSED)

    assert progress(schedule) == (DailySchedule.Status.PARTIAL, 0, 3)


def test_day_without_posts_is_pending(db):
    schedule = DailyScheduleFactory(character=CharacterFactory(slug="mila"), schedule_date=DAY)

    assert progress(schedule) == (DailySchedule.Status.PENDING, 0, 0)


def test_counters_follow_each_transition(day):
    schedule, posts = day
    seen = []

    for post in posts:
        transition(post, Status.GENERATING, actor="tester", claim="worker-a")
        transition(post, Status.IMAGES_READY, actor="tester")
        transition(post, Status.POSTING, actor="tester", claim="worker-a")
        transition(post, Status.POSTED, actor="tester")
        schedule.refresh_from_db()
        seen.append((schedule.status, schedule.posts_completed))

    assert seen == [
        (DailySchedule.Status.IN_PROGRESS, 1),
        (DailySchedule.Status.IN_PROGRESS, 2),
        (DailySchedule.Status.COMPLETED, 3),
    ]


@pytest.mark.parametrize("extra_posts", [0, 20])
def test_refresh_progress_query_count_ignores_post_count(day, django_assert_num_queries, extra_posts):
    schedule, posts = day
    for minute in range(extra_posts):
        ScheduledPostFactory(
            character=schedule.character, scheduled_date=DAY, scheduled_time=time(21, minute)
        )

    # A lock on the day's row, one aggregate over its posts and one update.
    with django_assert_num_queries(3):
        schedule.refresh_progress()

    assert schedule.posts_total == 3 + extra_posts


@pytest.mark.django_db(transaction=True)
def test_refresh_progress_outside_transaction():
    character = CharacterFactory(slug="mila")
    schedule = DailyScheduleFactory(character=character, schedule_date=DAY)
    ScheduledPostFactory(character=character, scheduled_date=DAY, status=Status.POSTED)

    schedule.refresh_progress()

    schedule.refresh_from_db()
    assert (schedule.status, schedule.posts_completed) == (DailySchedule.Status.COMPLETED, 1)
