"""The django-q2 schedules of Autopost, declared once and registered idempotently.

Adding a periodic task is one entry in `declared_schedules`. `register_schedules` runs
under a database lock, so any number of concurrent `setup_schedules` runs leave
exactly one row per schedule name.
"""

import logging
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils.module_loading import import_string
from django_q.models import Schedule

from autopost import clock
from autopost.timeutil import local_to_utc

logger = logging.getLogger(__name__)

# Any fixed 64-bit number, unique among this database's advisory locks.
ADVISORY_LOCK_KEY = 7_310_425_117

# Early, before the planner's run, so a token renewed overnight serves the day.
TOKEN_REFRESH_AT = time(4, 30)


def daily_at(at, zone_name):
    return {"schedule_type": Schedule.DAILY, "at": at, "zone": zone_name}


def every_minutes(minutes):
    return {"schedule_type": Schedule.MINUTES, "minutes": minutes}


def declared_schedules():
    """Return the schedules to register, read from settings at call time.

    An entry with `optional: True` is registered only once its function can
    be imported, so a task written later starts running at the next
    `setup_schedules` without another change here.
    """
    return [
        {
            "name": "autopost-planner",
            "func": "scheduler.tasks.plan_upcoming_days",
            **daily_at(settings.AUTOPOST_PLAN_AT, settings.AUTOPOST_PLAN_TIME_ZONE),
        },
        {
            "name": "autopost-executor",
            "func": "scheduler.tasks.run_executor_pass",
            **every_minutes(settings.AUTOPOST_EXECUTOR_EVERY_MINUTES),
        },
        {
            "name": "autopost-token-refresh",
            "func": "autopost.tasks.refresh_tokens",
            **daily_at(TOKEN_REFRESH_AT, settings.AUTOPOST_PLAN_TIME_ZONE),
        },
    ]


def is_importable(path):
    try:
        import_string(path)
    except ImportError:
        return False
    return True


def next_daily_run(at, zone_name, now):
    """Return the next UTC instant after `now` when the wall clock in the zone shows `at`."""
    zone = ZoneInfo(zone_name)
    day = now.astimezone(zone).date()
    while True:
        instant, _note = local_to_utc(day, at, zone)
        if instant > now:
            return instant
        day += timedelta(days=1)


def _row_values(entry, now):
    values = {
        "func": entry["func"],
        "schedule_type": entry["schedule_type"],
        "minutes": entry.get("minutes"),
        "repeats": -1,
    }
    if entry["schedule_type"] == Schedule.DAILY:
        values["next_run"] = next_daily_run(entry["at"], entry["zone"], now)
    else:
        values["next_run"] = now
    return values


def _lock():
    """Serialise registrations until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: the settings open
    every transaction with BEGIN IMMEDIATE, which already takes the database's
    write lock, so a second writer waits for the first to commit.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def _find_rows(name):
    return list(Schedule.objects.filter(name=name).order_by("id"))


def _upsert(entry, now):
    """Create, update or keep one schedule row; return what happened."""
    values = _row_values(entry, now)
    rows = _find_rows(entry["name"])
    if not rows:
        Schedule.objects.create(name=entry["name"], **values)
        return "created"

    row, duplicates = rows[0], rows[1:]
    if duplicates:
        # Rows made before the lock existed, or by hand in the admin.
        Schedule.objects.filter(pk__in=[each.pk for each in duplicates]).delete()
    changed = [
        name for name in ("func", "schedule_type", "minutes", "repeats") if getattr(row, name) != values[name]
    ]
    if entry["schedule_type"] == Schedule.DAILY and _wall_clock(row.next_run, entry["zone"]) != entry["at"]:
        changed.append("next_run")
    if not changed and not duplicates:
        return "unchanged"
    for name in changed:
        setattr(row, name, values[name])
    row.save()
    return "updated"


def _wall_clock(instant, zone_name):
    if instant is None:
        return None
    return instant.astimezone(ZoneInfo(zone_name)).time().replace(second=0, microsecond=0)


def register_schedules(entries=None):
    """Create or update every declared schedule; return {name: created|updated|unchanged|skipped}."""
    entries = declared_schedules() if entries is None else entries
    now = clock.now()
    outcomes = {}
    with transaction.atomic():
        _lock()
        for entry in entries:
            if entry.get("optional") and not is_importable(entry["func"]):
                outcomes[entry["name"]] = "skipped"
                continue
            outcomes[entry["name"]] = _upsert(entry, now)
    for name, outcome in outcomes.items():
        logger.info("schedule %s: %s", name, outcome)
    return outcomes
