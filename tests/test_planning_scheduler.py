import inspect
import re
from datetime import UTC, date, datetime, time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from autopost import clock
from autopost.executor import run_pass
from autopost.models import DailySchedule, ScheduledPost
from autopost.pipeline import transition
from scheduler import planning
from scheduler.models import SpecialDay
from scheduler.planning import plan_days, plan_upcoming
from tests.factories import CharacterFactory

Status = ScheduledPost.Status
CHRISTMAS_EVE = date(2026, 12, 24)  # a Thursday


def post_times(character, day):
    return [
        f"{each:%H:%M}"
        for each in ScheduledPost.objects.filter(character=character, scheduled_date=day).values_list(
            "scheduled_time", flat=True
        )
    ]


def special_day(**fields):
    targets = fields.pop("characters", None)
    values = {"name": "Réveillon", "start_date": CHRISTMAS_EVE, "theme": "Réveillon de Noël", "mood": "cozy"}
    special = SpecialDay.objects.create(**{**values, **fields, "all_characters": targets is None})
    if targets:
        special.characters.set(targets)
    return special


def test_planning_twice_changes_nothing(mila):
    first = plan_days(start=CHRISTMAS_EVE, days=3)
    rows = {post.pk: post.updated_at for post in ScheduledPost.objects.all()}

    second = plan_days(start=CHRISTMAS_EVE, days=3)

    assert first.posts_created == len(rows) == 10  # Thursday 3, Friday 4, Saturday 3
    assert (second.schedules_created, second.posts_created) == (0, 0)
    assert {post.pk: post.updated_at for post in ScheduledPost.objects.all()} == rows
    assert DailySchedule.objects.count() == 3


def test_replanning_keeps_edited_and_started_posts(mila):
    plan_days(start=CHRISTMAS_EVE, days=1)
    edited, started, removed = ScheduledPost.objects.order_by("scheduled_time")
    edited.caption = "Texte revu à la main"
    edited.save()
    transition(started, Status.GENERATING, actor="test", claim="worker-1")
    removed.delete()

    summary = plan_days(start=CHRISTMAS_EVE, days=1)

    edited.refresh_from_db()
    started.refresh_from_db()
    assert summary.posts_created == 1  # only the deleted slot comes back
    assert edited.caption == "Texte revu à la main"
    assert started.status == Status.GENERATING
    assert started.claimed_by == "worker-1"


def test_special_day_overrides_slots_and_theme(mila):
    special_day(slot_times=["10:00", "20:00"], caption_hint="Veille de Noël 🎄", prompt_hints="fairy lights")

    summary = plan_days(start=CHRISTMAS_EVE, days=1)

    schedule = DailySchedule.objects.get(character=mila, schedule_date=CHRISTMAS_EVE)
    assert summary.special_days_used == 1
    assert post_times(mila, CHRISTMAS_EVE) == ["10:00", "20:00"]
    assert schedule.daily_theme == "Réveillon de Noël"
    assert schedule.mood == "cozy"
    assert all(slot["caption"].startswith("Veille de Noël 🎄") for slot in schedule.scheduled_posts)
    assert all(post.prompt_hints == "fairy lights" for post in schedule.posts.all())


def test_special_day_without_slots_keeps_character_slots(mila):
    special_day(slot_times=[])

    plan_days(start=CHRISTMAS_EVE, days=1)

    assert post_times(mila, CHRISTMAS_EVE) == ["08:00", "12:30", "19:00"]
    assert DailySchedule.objects.get(character=mila).daily_theme == "Réveillon de Noël"


def test_special_day_falls_back_outside_its_dates(mila):
    special_day(slot_times=["10:00"])

    plan_days(start=date(2026, 12, 23), days=3)

    assert post_times(mila, date(2026, 12, 23)) == ["08:00", "12:30", "19:00"]
    assert post_times(mila, CHRISTMAS_EVE) == ["10:00"]
    assert post_times(mila, date(2026, 12, 25)) == ["08:00", "12:30", "18:00", "21:00"]  # a Friday
    assert DailySchedule.objects.get(character=mila, schedule_date=date(2026, 12, 23)).daily_theme != (
        "Réveillon de Noël"
    )


def test_special_day_targets_chosen_characters(mila, elena):
    special_day(slot_times=["10:00"], characters=[elena])

    plan_days(start=CHRISTMAS_EVE, days=1)

    assert post_times(elena, CHRISTMAS_EVE) == ["10:00"]
    assert post_times(mila, CHRISTMAS_EVE) == ["08:00", "12:30", "19:00"]


def test_special_day_range_covers_each_day(mila):
    special_day(
        name="Vacances", start_date=date(2026, 12, 28), end_date=date(2026, 12, 30), slot_times=["11:00"]
    )

    plan_days(start=date(2026, 12, 27), days=5)

    assert post_times(mila, date(2026, 12, 27)) == ["10:00", "14:00", "20:00"]
    for day in (28, 29, 30):
        assert post_times(mila, date(2026, 12, day)) == ["11:00"]
    assert post_times(mila, date(2026, 12, 31)) == ["08:00", "12:30", "19:00"]


def test_special_day_for_character_beats_one_for_all(mila):
    special_day(name="Pour tous", slot_times=["09:00"])
    special_day(name="Pour Mila", slot_times=["15:00"], characters=[mila], theme="Noël de Mila")

    plan_days(start=CHRISTMAS_EVE, days=1)

    assert post_times(mila, CHRISTMAS_EVE) == ["15:00"]
    assert DailySchedule.objects.get(character=mila).daily_theme == "Noël de Mila"


def test_spring_forward_slot_moves_after_gap(db):
    character = CharacterFactory(slots={"sunday": ["02:30", "10:00"]})

    plan_days(start=date(2026, 3, 29), days=1)

    gap, normal = ScheduledPost.objects.filter(character=character).order_by("scheduled_time")
    assert gap.scheduled_time == time(2, 30)
    assert gap.due_at == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 CEST
    assert "déplacé à 03:00" in gap.due_note
    assert normal.due_at == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    assert normal.due_note == ""


def test_fall_back_slot_uses_first_occurrence(db):
    character = CharacterFactory(slots={"sunday": ["02:30", "10:00"]})

    plan_days(start=date(2026, 10, 25), days=1)

    repeated, normal = ScheduledPost.objects.filter(character=character).order_by("scheduled_time")
    assert repeated.due_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST, before 02:30 CET
    assert "la première occurrence est retenue" in repeated.due_note
    assert normal.due_at == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)  # CET from here on


@pytest.fixture
def counted_clock(monkeypatch):
    """Record the name of the function that reads the clock, once per read."""
    calls = []
    real = clock.now

    def now():
        calls.append(inspect.stack()[1].function)
        return real()

    monkeypatch.setattr(clock, "now", now)
    return calls


def test_planner_reads_clock_once(mila, counted_clock, time_machine):
    time_machine.move_to(datetime(2026, 12, 23, 22, 30, tzinfo=UTC), tick=False)  # 23:30 in Paris

    start, summary = plan_upcoming()

    assert start == date(2026, 12, 23)
    assert summary.schedules_created == planning.PLANNER_DAYS
    assert len(counted_clock) == 1


def test_executor_pass_reads_clock_once(mila, counted_clock, time_machine):
    time_machine.move_to(datetime(2026, 12, 24, 11, 45, tzinfo=UTC), tick=False)
    plan_days(start=CHRISTMAS_EVE, days=1)

    result = run_pass(worker="test")

    assert result.steps == 4  # two posts generated, then published
    # What is due is decided from one reading; each claim reads the clock again
    # so that its expiry counts from the moment it is taken.
    assert counted_clock.count("run_pass") == 1
    assert set(counted_clock) == {"run_pass", "claim_next"}
    assert counted_clock.count("claim_next") == 4


def test_planning_query_count_does_not_grow_per_post(mila, django_assert_num_queries):
    special_day(slot_times=["10:00", "14:00", "20:00"])

    # Characters, special days and their targets, the character's savepoint
    # and release, its existing days, then 4 per day: savepoint, the day,
    # its posts, release.
    with django_assert_num_queries(3 + 2 + 1 + 4 * 3):
        plan_days(start=date(2026, 12, 23), days=3)


def test_replanning_query_count(mila, django_assert_num_queries):
    plan_days(start=CHRISTMAS_EVE, days=3)

    # Characters, special days, the character's savepoint and release, its
    # existing days, then per day: savepoint, existing slot times, release.
    with django_assert_num_queries(2 + 2 + 1 + 3 * 3):
        plan_days(start=CHRISTMAS_EVE, days=3)


def test_run_scheduler_plans_given_days(mila, elena):
    output = StringIO()

    call_command(
        "run_scheduler", "--date", "2026-12-24", "--days", "3", "--character", "elena", stdout=output
    )

    assert "Planned 3 day(s) from 2026-12-24: 3 new schedule(s)" in output.getvalue()
    assert DailySchedule.objects.filter(character=elena).count() == 3
    assert not DailySchedule.objects.filter(character=mila).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "24/12/2026"], "--date '24/12/2026' is not a date: use YYYY-MM-DD"),
        (["--days", "0"], "--days 0 is invalid: use a number from 1 to 366."),
        (["--character", "zoe"], "Unknown character 'zoe': use one of mila."),
    ],
)
def test_run_scheduler_rejects_bad_options(mila, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("run_scheduler", *args, stdout=StringIO())

    assert not DailySchedule.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_planners_create_each_day_once():
    from tests.test_schedules import run_concurrently

    CharacterFactory(slug="mila")
    CharacterFactory(slug="elena")

    errors = run_concurrently(4, lambda: plan_days(start=CHRISTMAS_EVE, days=3))

    assert errors == []
    assert DailySchedule.objects.count() == 6
    assert ScheduledPost.objects.count() == 20  # Thursday 3, Friday 4, Saturday 3, for each


def test_planned_day_records_plan_and_slots(mila):
    plan_days(start=CHRISTMAS_EVE, days=1)

    schedule = DailySchedule.objects.get(character=mila)
    assert schedule.daily_theme
    assert schedule.mood
    assert schedule.generated_by == "template_planner"
    assert "3 slots" in schedule.generation_reasoning
    keys = {"time", "type", "content_type", "location_key", "location_name", "mood", "outfit", "action"}
    keys |= {"caption", "hashtags", "prompt_hints"}
    for slot in schedule.scheduled_posts:
        assert keys <= set(slot)
    assert (schedule.posts_total, schedule.status) == (3, DailySchedule.Status.PENDING)
