"""Planning: a character's slots and content plan to DailySchedule and ScheduledPost rows."""

import logging
from dataclasses import dataclass
from datetime import time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from autopost import clock
from autopost.models import Character, DailySchedule, ScheduledPost
from autopost.providers import get_planner
from autopost.timeutil import local_to_utc
from scheduler.models import SpecialDay, special_day_for

logger = logging.getLogger(__name__)

# Slot keys copied onto the ScheduledPost row when they are present.
TEXT_FIELDS = (
    "reel_type",
    "reel_theme",
    "location_key",
    "location_name",
    "mood",
    "outfit",
    "action",
    "caption",
    "prompt_hints",
)


# Tells plan_day to look up the day's schedule itself.
LOOKUP = object()


@dataclass
class PlanSummary:
    schedules_created: int = 0
    posts_created: int = 0
    days_without_slots: int = 0
    special_days_used: int = 0


def normalise_hashtags(tags):
    return [tag if tag.startswith("#") else f"#{tag}" for tag in (tags or [])]


def post_from_slot(schedule, character, slot):
    """Build an unsaved ScheduledPost from one slot object of a day plan."""
    slot_time = time.fromisoformat(slot["time"])
    due_at, due_note = local_to_utc(schedule.schedule_date, slot_time, character.zone)
    post = ScheduledPost(
        schedule=schedule,
        character=character,
        scheduled_date=schedule.schedule_date,
        scheduled_time=slot_time,
        post_type=slot.get("type") or ScheduledPost.PostType.CAROUSEL,
        content_type=slot.get("content_type") or ScheduledPost.ContentType.NEW,
        hashtags=normalise_hashtags(slot.get("hashtags")),
        due_at=due_at,
        due_note=due_note,
    )
    for name in TEXT_FIELDS:
        setattr(post, name, slot.get(name) or "")
    return post


def create_missing_posts(schedule, character):
    """Create the posts of the schedule's slots that have no row yet; never touch existing rows."""
    existing = set(schedule.posts.values_list("scheduled_time", flat=True))
    new_posts = [
        post_from_slot(schedule, character, slot)
        for slot in schedule.scheduled_posts
        if time.fromisoformat(slot["time"]) not in existing
    ]
    if new_posts:
        ScheduledPost.objects.bulk_create(new_posts)
        schedule.refresh_progress()
    return len(new_posts)


def plan_day(*, character, day, planner, summary, special_days=(), schedule=LOOKUP):
    """Plan one day for one character, idempotently.

    A day that already has a schedule keeps its plan: only slots without a
    row get one, so edited or started posts are never overwritten. A special
    day replaces the slot times (when it has its own) and steers the planner.
    Pass `schedule` (the day's existing one, or None) to skip the lookup.
    """
    if schedule is LOOKUP:
        schedule = DailySchedule.objects.filter(character=character, schedule_date=day).first()
    if schedule is not None:
        with transaction.atomic():
            summary.posts_created += create_missing_posts(schedule, character)
        return

    special = special_day_for(character, day, special_days)
    slot_times = character.slots_for(day)
    if special and special.slot_times:
        slot_times = [time.fromisoformat(slot) for slot in special.slot_times]
    if not slot_times:
        summary.days_without_slots += 1
        return

    hints = special.planner_hints() if special else None
    plan = planner.plan_day(character, day, slot_times, special_day=hints)
    try:
        # A savepoint, so that losing a race with another planner (the unique
        # date and character) leaves an enclosing transaction usable.
        with transaction.atomic():
            schedule = _create_schedule(character, day, plan)
            # A new schedule has no posts yet, so every slot gets one and the
            # counters set at creation are already right.
            ScheduledPost.objects.bulk_create(
                [post_from_slot(schedule, character, slot) for slot in plan["posts"]]
            )
    except IntegrityError:
        logger.info("day %s of %s was planned concurrently; keeping that plan", day, character.slug)
        return
    summary.schedules_created += 1
    summary.special_days_used += bool(special)
    summary.posts_created += len(plan["posts"])


def _create_schedule(character, day, plan):
    return DailySchedule.objects.create(
        character=character,
        schedule_date=day,
        daily_theme=plan["daily_theme"],
        mood=plan["mood"],
        scheduled_posts=plan["posts"],
        generated_by=plan["generated_by"],
        generation_reasoning=plan["reasoning"],
        posts_total=len(plan["posts"]),
    )


def plan_days(*, start, days, character=None, planner=None):
    """Plan `days` days from `start` for every active character (or the one given)."""
    planner = planner or get_planner()
    characters = Character.objects.filter(active=True)
    if character:
        characters = characters.filter(slug=character)
    last = start + timedelta(days=days - 1)
    special_days = list(SpecialDay.objects.covering(start, last))

    summary = PlanSummary()
    for each in characters:
        # One transaction per character and a savepoint per day: a year of
        # days commits once instead of 365 times. Existing days are read in
        # one query; a day planned meanwhile by another run fails its insert
        # on the unique constraint and is skipped.
        with transaction.atomic():
            existing = {
                schedule.schedule_date: schedule
                for schedule in DailySchedule.objects.filter(
                    character=each, schedule_date__range=(start, last)
                )
            }
            for offset in range(days):
                day = start + timedelta(days=offset)
                plan_day(
                    character=each,
                    day=day,
                    planner=planner,
                    summary=summary,
                    special_days=special_days,
                    schedule=existing.get(day),
                )
    return summary


# The daily planner covers today and tomorrow, so a failed run is repaired by
# the next one before tomorrow's first slot.
PLANNER_DAYS = 2


def plan_upcoming(*, start=None, days=PLANNER_DAYS, character=None):
    """Plan from `start` and return (start, summary); `start` defaults to today in the site's zone."""
    start = start or timezone.localdate(clock.now())
    return start, plan_days(start=start, days=days, character=character)
