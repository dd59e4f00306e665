"""Loading day plans written in the original JSON format: validate everything, then write it all."""

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from autopost.models import Character, DailySchedule, PostTransition, ScheduledPost
from scheduler.models import ImportedDay
from scheduler.planning import post_from_slot
from scheduler.validation import DAY_KEYS, check_day_fields, check_slots, day_label, parse_day, slots_of

logger = logging.getLogger(__name__)

Status = ScheduledPost.Status


class PlanError(Exception):
    """A day plan that cannot be loaded. `errors` lists every problem found, one line each."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class DayToImport:
    label: str
    day: object
    character: Character
    entry: dict

    @property
    def slots(self):
        return slots_of(self.entry)


@dataclass
class ImportSummary:
    days_created: int = 0
    posts_created: int = 0
    posts_marked_posted: int = 0
    days_already_imported: list = field(default_factory=list)
    days_skipped: list = field(default_factory=list)


def read_days(path):
    """Return the list of day objects in a file holding one day or a list of days."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PlanError(
            [f"{path}: cannot be read ({error}); check the path and that it is UTF-8 text."]
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PlanError(
            [
                f"{path}: invalid JSON at line {error.lineno}, column {error.colno} ({error.msg}); "
                "fix the syntax and import again."
            ]
        ) from None
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise PlanError([f"{path}: expected a day object or a list of days, found {type(data).__name__}."])


def collect_days(entries, *, source, only_character=None):
    """Validate every entry; return (days to import, labels of days skipped) or raise PlanError."""
    characters = {each.slug: each for each in Character.objects.all()}
    errors, days, skipped, seen = [], [], [], {}
    for index, entry in enumerate(entries, start=1):
        where = day_label(source, index, entry)
        if not isinstance(entry, dict):
            errors.append(f"{where}: a day must be an object with date, character and posts.")
            continue
        slug = entry.get("character") or only_character
        if only_character and slug != only_character:
            skipped.append(where)
            continue

        day_errors = check_day_fields(entry, where)
        if not slug:
            day_errors.append(f'{where}: no character; add "character": "<slug>" or pass --character SLUG.')
        elif slug not in characters:
            known = ", ".join(sorted(characters)) or "none yet"
            day_errors.append(
                f"{where}: unknown character {slug!r}; use one of {known}, or add it in the admin first."
            )
        if isinstance(slots_of(entry), list):
            day_errors.extend(check_slots(slots_of(entry), where))
        key = (entry.get("date"), slug)
        if key in seen:
            day_errors.append(
                f"{where}: this day is already in the file as entry {seen[key]}; keep one of them."
            )
        seen.setdefault(key, index)

        errors.extend(day_errors)
        if not day_errors:
            days.append(DayToImport(where, parse_day(entry["date"]), characters[slug], entry))
    if errors:
        raise PlanError(errors)
    return days, skipped


def conflict(planned, incoming):
    """Describe how an already planned day differs from the file's, and what to do."""
    planned_times = [slot.get("time") for slot in planned]
    incoming_times = [slot.get("time") for slot in incoming]
    if planned_times == incoming_times:
        difference = (
            f"this day is already planned at the same times ({', '.join(planned_times)}) with other content"
        )
    else:
        difference = (
            f"this day is already planned with slots {', '.join(planned_times) or 'none'}, "
            f"the file has {', '.join(incoming_times)}"
        )
    fix = "delete the day in the admin (Publishing > Daily schedules) or remove it from the file"
    return f"{difference}; {fix}."


def split_existing(days):
    """Return (new days, days already imported with the same slots) or raise PlanError on a conflict."""
    existing = {
        (row.schedule_date, row.character_id): row.scheduled_posts
        for row in DailySchedule.objects.filter(
            schedule_date__in={each.day for each in days},
            character__in={each.character.slug for each in days},
        ).only("schedule_date", "character", "scheduled_posts")
    }
    new, same, errors = [], [], []
    for each in days:
        planned = existing.get((each.day, each.character.slug))
        if planned is None:
            new.append(each)
        elif planned == each.slots:
            same.append(each.label)
        else:
            errors.append(f"{each.label}: {conflict(planned, each.slots)}")
    if errors:
        raise PlanError(errors)
    return new, same


def build_posts(schedule, character, slots, *, actor, now):
    """Return (unsaved posts, unsaved history rows) for a day's slots.

    A slot with `executed: true` was published by the older system: its row
    starts as `posted`, with a history row that records it, so the executor
    never publishes it again.
    """
    posts, history = [], []
    for slot in slots:
        post = post_from_slot(schedule, character, slot)
        if slot.get("executed") is True:
            post.status = Status.POSTED
            post.note = "Published by the older system (executed: true)."
            history.append(
                PostTransition(
                    post=post,
                    from_status=Status.SCHEDULED,
                    to_status=Status.POSTED,
                    at=now,
                    actor=actor,
                    message="loaded as already published (executed: true in the day plan)",
                )
            )
        posts.append(post)
    return posts, history


def write_posts(posts, history, schedules_with_history):
    ScheduledPost.objects.bulk_create(posts, batch_size=1000)
    PostTransition.objects.bulk_create(history, batch_size=1000)
    # Days with a posted slot recompute status and counters; the others are
    # pending with posts_total set when they were created.
    for schedule in schedules_with_history:
        schedule.refresh_progress()


def import_days(days, *, source, actor="import_schedule"):
    """Write the validated days, their posts and import records in one transaction."""
    now = timezone.now()
    summary = ImportSummary()
    schedules, records, posts, history, touched = [], [], [], [], []
    for each in days:
        entry = each.entry
        schedule = DailySchedule(
            schedule_date=each.day,
            character=each.character,
            daily_theme=entry.get("daily_theme") or "",
            mood=entry.get("mood") or "",
            scheduled_posts=each.slots,
            generated_by=entry.get("generated_by") or actor,
            generation_reasoning=entry.get("reasoning") or "",
            posts_total=len(each.slots),
        )
        day_posts, day_history = build_posts(schedule, each.character, each.slots, actor=actor, now=now)
        schedules.append(schedule)
        records.append(
            ImportedDay(
                schedule=schedule,
                source=Path(source).name[:255],
                extra={key: value for key, value in entry.items() if key not in DAY_KEYS},
                imported_at=now,
            )
        )
        posts.extend(day_posts)
        history.extend(day_history)
        if day_history:
            touched.append(schedule)
        summary.posts_marked_posted += len(day_history)

    try:
        with transaction.atomic():
            DailySchedule.objects.bulk_create(schedules, batch_size=1000)
            ImportedDay.objects.bulk_create(records, batch_size=1000)
            write_posts(posts, history, touched)
    except IntegrityError:
        # Another import or the planner created one of these days between the
        # check and the write; the transaction rolled back whole.
        raise PlanError(
            [
                f"{source}: some of these days were planned while the file was loading; "
                "nothing was written, import the file again."
            ]
        ) from None
    summary.days_created = len(schedules)
    summary.posts_created = len(posts)
    logger.info("imported %s day(s) and %s post(s) from %s", len(schedules), len(posts), source)
    return summary


def import_file(path, *, only_character=None, dry_run=False):
    """Load a day plan file whole or not at all; raise PlanError listing every problem."""
    source = str(path)
    days, skipped = collect_days(read_days(path), source=source, only_character=only_character)
    new, same = split_existing(days)
    if dry_run:
        summary = ImportSummary(
            days_created=len(new),
            posts_created=sum(len(each.slots) for each in new),
            posts_marked_posted=sum(1 for each in new for slot in each.slots if slot.get("executed") is True),
        )
    else:
        summary = import_days(new, source=source)
    summary.days_already_imported = same
    summary.days_skipped = skipped
    return summary
