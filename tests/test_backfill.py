from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from autopost.models import DailySchedule, PostTransition, ScheduledPost
from scheduler import backfill
from tests.factories import DailyScheduleFactory

Status = ScheduledPost.Status


def legacy_day(character, day, slots):
    """A day loaded from the older system: the JSON plan without ScheduledPost rows."""
    return DailyScheduleFactory(
        character=character, schedule_date=day, scheduled_posts=slots, posts_total=len(slots)
    )


def slot(time, **fields):
    return {"time": time, "type": "carousel", "caption": "Bonjour", "hashtags": ["#paris"], **fields}


def init_scheduled_posts(*args):
    output = StringIO()
    call_command("init_scheduled_posts", *args, stdout=output)
    return output.getvalue()


def test_backfill_creates_missing_posts(mila):
    schedule = legacy_day(mila, date(2026, 12, 24), [slot("10:00"), slot("14:00")])

    output = init_scheduled_posts()

    posts = list(schedule.posts.order_by("scheduled_time"))
    assert [post.status for post in posts] == [Status.SCHEDULED, Status.SCHEDULED]
    assert posts[0].due_at == datetime(2026, 12, 24, 9, 0, tzinfo=UTC)
    assert "Created 2 post(s) (0 already published) for 1 day(s)" in output


def test_backfill_marks_executed_slots_posted(mila):
    schedule = legacy_day(
        mila, date(2026, 12, 1), [slot("10:00", executed=True), slot("14:00", executed=True)]
    )

    init_scheduled_posts()

    schedule.refresh_from_db()
    assert set(schedule.posts.values_list("status", flat=True)) == {Status.POSTED}
    assert PostTransition.objects.filter(to_status=Status.POSTED, actor="init_scheduled_posts").count() == 2
    assert (schedule.status, schedule.posts_completed) == (DailySchedule.Status.COMPLETED, 2)


def test_backfill_twice_creates_nothing_more(mila, elena):
    legacy_day(mila, date(2026, 12, 24), [slot("10:00"), slot("14:00", executed=True)])
    legacy_day(elena, date(2026, 12, 24), [slot("11:00")])
    init_scheduled_posts()
    before = list(ScheduledPost.objects.order_by("id").values_list("id", "status", "updated_at"))

    output = init_scheduled_posts()

    assert "Created 0 post(s)" in output
    assert list(ScheduledPost.objects.order_by("id").values_list("id", "status", "updated_at")) == before
    assert PostTransition.objects.count() == 1


def test_backfill_fills_only_missing_slots(mila):
    schedule = legacy_day(mila, date(2026, 12, 24), [slot("10:00"), slot("14:00")])
    init_scheduled_posts()
    kept = schedule.posts.get(scheduled_time="10:00")
    kept.caption = "Modifié"
    kept.save()
    schedule.posts.filter(scheduled_time="14:00").delete()

    init_scheduled_posts()

    kept.refresh_from_db()
    assert kept.caption == "Modifié"
    assert schedule.posts.count() == 2


def test_backfill_dry_run_writes_nothing(mila):
    legacy_day(mila, date(2026, 12, 24), [slot("10:00")])

    output = init_scheduled_posts("--dry-run")

    assert "Would create 1 post(s)" in output
    assert ScheduledPost.objects.count() == 0


def test_backfill_shows_progress(mila, monkeypatch):
    monkeypatch.setattr(backfill, "BATCH_DAYS", 2)
    for day in range(1, 6):
        legacy_day(mila, date(2026, 12, day), [slot("10:00")])

    output = init_scheduled_posts()

    assert "  2/5 day(s) checked, 2 post(s) so far" in output
    assert "  4/5 day(s) checked, 4 post(s) so far" in output
    assert "Created 5 post(s)" in output


def test_backfill_skips_invalid_day_and_says_why(mila):
    legacy_day(mila, date(2026, 12, 23), [slot("10:00")])
    bad = legacy_day(mila, date(2026, 12, 24), [slot("10:00"), slot("10:00")])

    with pytest.raises(CommandError) as raised:
        init_scheduled_posts()

    message = str(raised.value)
    assert f"daily_schedules, day 2026-12-24 mila (id {bad.pk}), slot 2 at 10:00" in message
    assert "give each slot its own time" in message
    assert ScheduledPost.objects.filter(schedule=bad).count() == 0
    assert ScheduledPost.objects.filter(scheduled_date=date(2026, 12, 23)).count() == 1
