"""Planning days: idempotent, never overwrites a started or edited post, clear command errors."""

from datetime import UTC, date, datetime, time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from autopost.models import DailySchedule, ScheduledPost
from autopost.pipeline import transition
from scheduler.planning import plan_days
from tests.factories import CharacterFactory

Status = ScheduledPost.Status
# Thursday, Friday and Saturday: 3 + 4 + 3 slots with the demo slots.
START = date(2026, 12, 24)


@pytest.fixture
def mila(db):
    return CharacterFactory(slug="mila")


def snapshot():
    return sorted(
        ScheduledPost.objects.values_list(
            "id", "status", "caption", "location_key", "hashtags", "due_at", "updated_at"
        )
    )


def test_plan_creates_schedules_and_posts(mila):
    summary = plan_days(start=START, days=3)

    assert (summary.schedules_created, summary.posts_created) == (3, 10)
    schedule = DailySchedule.objects.get(character=mila, schedule_date=START)
    assert schedule.posts_total == 3
    assert schedule.status == DailySchedule.Status.PENDING
    assert [p["time"] for p in schedule.scheduled_posts] == ["08:00", "12:30", "19:00"]
    first = schedule.posts.order_by("scheduled_time").first()
    assert first.due_at == datetime(2026, 12, 24, 7, 0, tzinfo=UTC)
    assert first.status == Status.SCHEDULED


def test_plan_twice_changes_nothing(mila):
    plan_days(start=START, days=3)
    before = snapshot()
    schedules = sorted(DailySchedule.objects.values_list("id", "updated_at", "scheduled_posts"))

    summary = plan_days(start=START, days=3)

    assert (summary.schedules_created, summary.posts_created) == (0, 0)
    assert snapshot() == before
    assert sorted(DailySchedule.objects.values_list("id", "updated_at", "scheduled_posts")) == schedules


def test_plan_is_deterministic(mila):
    plan_days(start=START, days=1)
    first = sorted(ScheduledPost.objects.values_list("scheduled_time", "caption", "location_key", "hashtags"))
    DailySchedule.objects.all().delete()

    plan_days(start=START, days=1)

    again = sorted(ScheduledPost.objects.values_list("scheduled_time", "caption", "location_key", "hashtags"))
    assert again == first


def test_replan_keeps_started_and_edited_posts(mila):
    plan_days(start=START, days=1)
    started, edited, _ = ScheduledPost.objects.order_by("scheduled_time")
    transition(started, Status.GENERATING, actor="worker-a", claim="worker-a")
    ScheduledPost.objects.filter(pk=edited.pk).update(caption="Légende revue à la main", hashtags=["#noël"])
    before = snapshot()

    plan_days(start=START, days=1)

    assert snapshot() == before
    edited.refresh_from_db()
    assert edited.caption == "Légende revue à la main"
    started.refresh_from_db()
    assert started.status == Status.GENERATING


def test_plan_skips_inactive_and_other_characters(mila):
    CharacterFactory(slug="elena", active=False)
    CharacterFactory(slug="zoe")

    plan_days(start=START, days=1, character="mila")

    assert set(DailySchedule.objects.values_list("character", flat=True)) == {"mila"}


def test_plan_counts_days_without_slots(db):
    CharacterFactory(slug="mila", slots={"weekday": ["09:00"]})

    summary = plan_days(start=date(2026, 12, 26), days=2)

    assert summary.days_without_slots == 2
    assert not DailySchedule.objects.exists()


def test_plan_on_spring_dst_day_moves_gap_slot(db):
    CharacterFactory(slug="mila", slots={"sunday": ["02:30", "10:00"]})

    plan_days(start=date(2026, 3, 29), days=1)

    moved, normal = ScheduledPost.objects.order_by("scheduled_time")
    assert moved.scheduled_time == time(2, 30)
    assert moved.due_at == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert "03:00" in moved.due_note
    assert normal.due_at == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    assert normal.due_note == ""


def test_plan_keeps_non_ascii_hashtags(mila):
    plan_days(start=START, days=1)

    tags = {tag for post in ScheduledPost.objects.all() for tag in post.hashtags}
    assert tags & {"#café", "#étudiante", "#créativité"}
    post = ScheduledPost.objects.first()
    assert post.full_caption == f"{post.caption}\n\n{' '.join(post.hashtags)}"


# The plan_days command.


def test_plan_days_command_reports_counts(mila):
    out = call_plan("--from", "2026-12-24", "--days", "3")

    assert out == (
        "Planned 3 day(s) from 2026-12-24: 3 new schedule(s), 10 new post(s), 0 day(s) without slots.\n"
    )


def test_plan_days_command_for_one_character(mila):
    CharacterFactory(slug="elena")

    call_plan("--from", "2026-12-24", "--character", "elena")

    assert set(DailySchedule.objects.values_list("character", flat=True)) == {"elena"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-13-01"), "--from '2026-13-01' is not a date: use YYYY-MM-DD, such as 2026-12-24."),
        (("--from", "24/12/2026"), "--from '24/12/2026' is not a date: use YYYY-MM-DD, such as 2026-12-24."),
        (("--days", "0"), "--days 0 is invalid: use a number from 1 to 366."),
        (("--days", "367"), "--days 367 is invalid: use a number from 1 to 366."),
        (("--days", "three"), "argument --days: invalid int value: 'three'"),
        (("--character", "zoe"), "Unknown character 'zoe': check the slug in the admin."),
    ],
)
def test_plan_days_command_rejects_bad_input(mila, args, message):
    with pytest.raises(CommandError) as raised:
        call_plan(*args)

    assert message in str(raised.value)
    assert not DailySchedule.objects.exists()
    assert not ScheduledPost.objects.exists()


def call_plan(*args):
    out = StringIO()
    call_command("plan_days", *args, stdout=out)
    return out.getvalue()
