"""Simulated time in one process: a 3-day outage, and 48 hours across the fall-back night."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from autopost.executor import run_pass
from autopost.models import PostTransition, ScheduledPost
from tests.factories import CharacterFactory, ScheduledPostFactory
from tests.reliability.conftest import duplicate_publishes, publications

Status = ScheduledPost.Status


def posts_every(minutes, *, start, hours, character):
    """Create a post every `minutes` of local wall-clock time from `start` for `hours`."""
    posts = []
    local = datetime.combine(start, time(0, 0))
    for _ in range(hours * 60 // minutes):
        posts.append(
            ScheduledPostFactory(
                character=character, scheduled_date=local.date(), scheduled_time=local.time()
            )
        )
        local += timedelta(minutes=minutes)
    return posts


@pytest.mark.django_db
def test_3_day_downtime_publishes_recent_and_misses_old(in_process_backends):
    mila = CharacterFactory(slug="mila")
    posts = posts_every(180, start=date(2026, 12, 20), hours=96, character=mila)
    restart = datetime(2026, 12, 23, 11, 0, tzinfo=UTC)  # 12:00 in Paris, 3 days in

    with time_machine.travel(restart, tick=False):
        run_pass(worker="after-downtime")

    recent = [p for p in posts if restart - timedelta(hours=18) <= p.due_at <= restart]
    old = [p for p in posts if p.due_at < restart - timedelta(hours=18)]
    future = [p for p in posts if p.due_at > restart]
    statuses = dict(ScheduledPost.objects.values_list("id", "status"))
    assert {statuses[p.pk] for p in recent} == {Status.POSTED}
    assert {statuses[p.pk] for p in old} == {Status.MISSED}
    assert Status.POSTED not in {statuses[p.pk] for p in future}
    assert publications(recent) == len(recent) == 7  # 18:00 on the 22nd (exactly 18 h) to 12:00
    assert len(old) == 22
    missed_events = [e for e in in_process_backends.events if e.kind == "posts_missed"]
    assert len(missed_events) == 1
    assert len(missed_events[0].post_ids) == 22


@pytest.mark.django_db
def test_fall_back_48h_96_posts_once_never_early(in_process_backends):
    mila = CharacterFactory(slug="mila")
    # Local midnight of 24 October to local midnight of 26 October 2026: the
    # clocks go back from 03:00 to 02:00 on the 25th.
    posts = posts_every(30, start=date(2026, 10, 24), hours=48, character=mila)
    start = datetime(2026, 10, 23, 21, 0, tzinfo=UTC)

    for step in range(0, 50 * 60, 5):
        with time_machine.travel(start + timedelta(minutes=step), tick=False):
            run_pass(worker="clock")

    assert ScheduledPost.objects.filter(status=Status.POSTED).count() == len(posts) == 96
    assert publications(posts) == 96
    assert duplicate_publishes() == []
    for post in ScheduledPost.objects.all():
        assert post.posted_at >= post.due_at, f"{post} published early"
    published = PostTransition.objects.filter(to_status=Status.POSTED)
    assert published.count() == 96
