"""Backfill: the ScheduledPost rows of days whose plan exists only as JSON."""

import logging
from dataclasses import dataclass, field
from datetime import time

from django.db import transaction
from django.utils import timezone

from autopost.models import DailySchedule, ScheduledPost
from scheduler.importing import build_posts, write_posts
from scheduler.validation import check_slots

logger = logging.getLogger(__name__)

# Days read and written per transaction. A crash loses at most one batch,
# and the next run picks it up again because it only adds missing rows.
BATCH_DAYS = 500


@dataclass
class BackfillSummary:
    days_checked: int = 0
    days_completed: int = 0
    posts_created: int = 0
    posts_marked_posted: int = 0
    invalid_days: list = field(default_factory=list)


def missing_slots(schedule, existing_times):
    return [
        slot for slot in schedule.scheduled_posts if time.fromisoformat(slot["time"]) not in existing_times
    ]


def backfill_batch(schedules, *, dry_run, summary, actor="init_scheduled_posts"):
    existing = {}
    for schedule_id, scheduled_time in ScheduledPost.objects.filter(
        schedule_id__in=[each.pk for each in schedules]
    ).values_list("schedule_id", "scheduled_time"):
        existing.setdefault(schedule_id, set()).add(scheduled_time)

    now = timezone.now()
    posts, history, touched = [], [], []
    for schedule in schedules:
        summary.days_checked += 1
        where = f"daily_schedules, day {schedule.schedule_date} {schedule.character_id} (id {schedule.pk})"
        slots = schedule.scheduled_posts
        errors = (
            check_slots(slots, where)
            if isinstance(slots, list)
            else [f"{where}: scheduled_posts is not a list."]
        )
        if errors:
            summary.invalid_days.extend(errors)
            continue
        missing = missing_slots(schedule, existing.get(schedule.pk, set()))
        if not missing:
            continue
        day_posts, day_history = build_posts(schedule, schedule.character, missing, actor=actor, now=now)
        posts.extend(day_posts)
        history.extend(day_history)
        touched.append(schedule)
        summary.days_completed += 1
        summary.posts_created += len(day_posts)
        summary.posts_marked_posted += len(day_history)

    if posts and not dry_run:
        with transaction.atomic():
            write_posts(posts, history, touched)


def backfill(*, dry_run=False, progress=None):
    """Create the missing posts of every day from its JSON plan; return a BackfillSummary.

    Days whose JSON has invalid slots are skipped whole and listed in the
    summary, so one bad day does not block the others.
    """
    summary = BackfillSummary()
    total = DailySchedule.objects.count()
    queryset = DailySchedule.objects.select_related("character").order_by("schedule_date", "id")
    batch = []
    for schedule in queryset.iterator(chunk_size=BATCH_DAYS):
        batch.append(schedule)
        if len(batch) == BATCH_DAYS:
            backfill_batch(batch, dry_run=dry_run, summary=summary)
            batch = []
            if progress:
                progress(summary, total)
    if batch:
        backfill_batch(batch, dry_run=dry_run, summary=summary)
    if progress:
        progress(summary, total)
    logger.info(
        "backfill: %s day(s) checked, %s post(s) created, %s invalid day(s)",
        summary.days_checked,
        summary.posts_created,
        len(summary.invalid_days),
    )
    return summary
