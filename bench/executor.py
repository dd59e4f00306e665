"""Time one executor pass over due posts, against the same state changes in plain SQL.

Usage:
    .venv/bin/python bench/executor.py [--posts 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/autopost .venv/bin/python bench/executor.py

Without DATABASE_URL the benchmark uses a new SQLite file in a temporary folder.
With a PostgreSQL DATABASE_URL it creates a database of its own on that server
(autopost_bench_<pid>), migrates it and drops it at the end, so it never writes
into the database named in the URL.

Two scenarios, each on fresh rows: posts in images_ready (one publish step per
post) and posts in scheduled (a generate step, then a publish step). The image
generator and the publisher are instant, so the figures measure the executor's
database work. The baseline runs the same claims, conditional updates, history
rows and day recounts, one transaction per transition as the executor commits
them, through the driver itself (sqlite3 or psycopg) with no ORM.
"""

import argparse
import os
import secrets
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAYS = 10  # posts are spread over this many DailySchedule rows
WORKER = "bench"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000, help="Due posts per scenario (default 1000).")
    args = parser.parse_args()
    if args.posts < DAYS:
        parser.error(f"--posts {args.posts} is too small: use {DAYS} or more.")
    return args


def prepare_environment():
    """Point the settings at a throwaway database; return (vendor, cleanup callable)."""
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["AUTOPOST_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="autopost-bench-media-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "autopost.settings"
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        folder = tempfile.mkdtemp(prefix="autopost-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        return "sqlite", lambda: None

    import psycopg

    name = f"autopost_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    parts = urlsplit(url)
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")

    return "postgresql", drop


def setup_django():
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)

    from autopost.providers import BACKENDS

    BACKENDS["AUTOPOST_IMAGE_GENERATOR"]["bench"] = "bench_providers.InstantImages"
    BACKENDS["AUTOPOST_PUBLISHER"]["bench"] = "bench_providers.InstantPublisher"
    settings.AUTOPOST_IMAGE_GENERATOR = "bench"
    settings.AUTOPOST_PUBLISHER = "bench"


def create_posts(count, status, now):
    """Delete every post and create `count` posts due within the last hour, in `status`."""
    from autopost.models import Character, DailySchedule, PostTransition, ScheduledPost

    PostTransition.objects.all().delete()
    ScheduledPost.objects.all().delete()
    DailySchedule.objects.all().delete()
    character, _ = Character.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    today = now.date()
    schedules = [
        DailySchedule.objects.create(character=character, schedule_date=today - timedelta(days=day))
        for day in range(DAYS)
    ]
    per_day = -(-count // DAYS)
    posts = []
    for index in range(count):
        schedule = schedules[index // per_day]
        minute = index % per_day
        posts.append(
            ScheduledPost(
                schedule=schedule,
                character=character,
                scheduled_date=schedule.schedule_date,
                scheduled_time=datetime(2000, 1, 1, minute // 60, minute % 60).time(),
                post_type=ScheduledPost.PostType.CAROUSEL,
                status=status,
                image_urls=["/media/bench/1.jpg"] if status == ScheduledPost.Status.IMAGES_READY else [],
                due_at=now - timedelta(minutes=59) + timedelta(milliseconds=index),
            )
        )
    ScheduledPost.objects.bulk_create(posts)
    for schedule in schedules:
        schedule.refresh_progress()


def check_all_posted(count):
    from autopost.models import PostTransition, ScheduledPost

    posted = ScheduledPost.objects.filter(status=ScheduledPost.Status.POSTED).count()
    assert posted == count, f"{posted} of {count} posts posted"
    return PostTransition.objects.count()


def time_orm_pass(count, status):
    from django.db import connection
    from django.utils import timezone

    from autopost.executor import run_pass

    create_posts(count, status, timezone.now())
    connection.close()
    started, cpu_started = time.perf_counter(), time.process_time()
    result = run_pass(worker=WORKER)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    transitions = check_all_posted(count)
    return elapsed, cpu, result.steps, transitions


def time_sql_pass(count, status, vendor):
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    create_posts(count, status, timezone.now())
    connection.close()
    driver = SqliteBaseline(settings.DATABASES["default"]["NAME"]) if vendor == "sqlite" else PgBaseline()
    started, cpu_started = time.perf_counter(), time.process_time()
    steps = driver.run_pass(datetime.now(UTC))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    driver.close()
    transitions = check_all_posted(count)
    return elapsed, cpu, steps, transitions


class Baseline:
    """The executor's protocol written as plain SQL: claim, step write, closing transition."""

    placeholder = "?"
    lock_suffix = ""

    def sql(self, text):
        return text.replace("%s", self.placeholder)

    def run_pass(self, now):
        self.execute_one(
            "SELECT id FROM scheduled_posts WHERE status IN ('scheduled', 'images_ready') AND due_at < %s",
            (self.ts(now - timedelta(hours=18)),),
            fetch=True,
        )
        steps = 0
        while True:
            claimed = self.claim(now)
            if claimed is None:
                return steps
            steps += 1
            post_id, schedule_id, to_status = claimed
            if to_status == "generating":
                self.write(
                    "UPDATE scheduled_posts SET generation_started_at = %s, updated_at = %s",
                    post_id,
                    to_status,
                )
                self.close_step(
                    post_id,
                    schedule_id,
                    "generating",
                    "images_ready",
                    image_urls='["/media/bench/1.jpg"]',
                    generation_completed_at=self.ts(datetime.now(UTC)),
                )
            else:
                self.write(
                    "UPDATE scheduled_posts SET posting_started_at = %s, updated_at = %s", post_id, to_status
                )
                self.close_step(
                    post_id,
                    schedule_id,
                    "posting",
                    "posted",
                    instagram_post_id=f"bench-{post_id}",
                    instagram_permalink="",
                    posted_at=self.ts(datetime.now(UTC)),
                    publish_outcome_unknown=False,
                )

    def claim(self, now):
        self.begin()
        rows = self.execute(
            "SELECT p.id, p.schedule_id, p.status FROM scheduled_posts p "
            "JOIN autopost_character c ON c.slug = p.character "
            "WHERE c.active AND ((p.status = 'scheduled' AND p.due_at <= %s AND p.due_at >= %s) "
            "OR (p.status = 'images_ready' AND p.due_at <= %s AND NOT c.publishing_paused)) "
            "ORDER BY p.due_at, p.id LIMIT 5" + self.lock_suffix,
            (self.ts(now + timedelta(hours=1)), self.ts(now - timedelta(hours=18)), self.ts(now)),
        ).fetchall()
        if not rows:
            self.commit()
            return None
        post_id, schedule_id, from_status = rows[0]
        to_status = "generating" if from_status == "scheduled" else "posting"
        moment = datetime.now(UTC)
        self.execute(
            "UPDATE scheduled_posts SET claimed_by = %s, claim_expires_at = %s, status = %s, updated_at = %s "
            "WHERE id = %s AND status = %s",
            (
                WORKER,
                self.ts(moment + timedelta(minutes=10)),
                to_status,
                self.ts(moment),
                post_id,
                from_status,
            ),
        )
        self.history_and_recount(post_id, schedule_id, from_status, to_status, moment)
        self.commit()
        return post_id, schedule_id, to_status

    def write(self, statement, post_id, status):
        moment = self.ts(datetime.now(UTC))
        self.begin()
        self.execute(
            statement + " WHERE id = %s AND status = %s AND claimed_by = %s",
            (moment, moment, post_id, status, WORKER),
        )
        self.commit()

    def close_step(self, post_id, schedule_id, from_status, to_status, **fields):
        moment = datetime.now(UTC)
        assignments = "".join(f", {name} = %s" for name in fields)
        self.begin()
        self.execute(
            "UPDATE scheduled_posts SET claimed_by = '', claim_expires_at = NULL, status = %s, "
            f"updated_at = %s, error_message = '', next_attempt_at = NULL{assignments} "
            "WHERE id = %s AND status = %s AND claimed_by = %s",
            (to_status, self.ts(moment), *fields.values(), post_id, from_status, WORKER),
        )
        self.history_and_recount(post_id, schedule_id, from_status, to_status, moment)
        self.commit()

    def history_and_recount(self, post_id, schedule_id, from_status, to_status, moment):
        self.execute(
            "INSERT INTO post_transitions (post_id, from_status, to_status, at, actor, message) "
            "VALUES (%s, %s, %s, %s, %s, '')",
            (post_id, from_status, to_status, self.ts(moment), WORKER),
        )
        self.execute("SELECT id FROM daily_schedules WHERE id = %s" + self.lock_suffix_plain, (schedule_id,))
        total, posted, untouched, final = self.execute(
            "SELECT COUNT(*), "
            "COALESCE(SUM(CASE WHEN status = 'posted' THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN status = 'scheduled' AND retry_count = 0 THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN status IN ('posted', 'missed', 'cancelled') "
            "OR (status = 'failed' AND next_attempt_at IS NULL) THEN 1 ELSE 0 END), 0) "
            "FROM scheduled_posts WHERE schedule_id = %s",
            (schedule_id,),
        ).fetchone()
        if total and posted == total:
            status = "completed"
        elif total and final == total:
            status = "partial"
        elif untouched == total:
            status = "pending"
        else:
            status = "in_progress"
        self.execute(
            "UPDATE daily_schedules SET posts_total = %s, posts_completed = %s, status = %s, updated_at = %s "
            "WHERE id = %s",
            (total, posted, status, self.ts(moment), schedule_id),
        )

    def execute_one(self, statement, params, fetch=False):
        self.begin()
        rows = self.execute(statement, params).fetchall() if fetch else None
        self.commit()
        return rows


class SqliteBaseline(Baseline):
    lock_suffix_plain = ""

    def __init__(self, path):
        self.connection = sqlite3.connect(path, isolation_level=None, timeout=20)
        # The same pragmas as the settings' init_command, so both sides pay the same syncs.
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")

    def ts(self, moment):
        # Django's SQLite backend stores aware datetimes as naive UTC text.
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")

    def begin(self):
        self.connection.execute("BEGIN IMMEDIATE")

    def commit(self):
        self.connection.execute("COMMIT")

    def execute(self, statement, params=()):
        return self.connection.execute(self.sql(statement), params)

    def close(self):
        self.connection.close()


class PgBaseline(Baseline):
    placeholder = "%s"
    lock_suffix = " FOR UPDATE OF p SKIP LOCKED"
    lock_suffix_plain = " FOR UPDATE"

    def __init__(self):
        import psycopg

        self.connection = psycopg.connect(os.environ["DATABASE_URL"])

    def ts(self, moment):
        return moment

    def begin(self):
        pass  # psycopg opens a transaction on the first statement

    def commit(self):
        self.connection.commit()

    def execute(self, statement, params=()):
        return self.connection.execute(statement, params)

    def close(self):
        self.connection.close()


def main():
    args = parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    vendor, cleanup = prepare_environment()
    try:
        setup_django()
        from django.db import connection

        version = connection.cursor().connection.__class__.__module__
        print(f"Database: {vendor} ({connection.settings_dict['NAME']}, driver {version})")
        print(f"Posts per scenario: {args.posts}, over {DAYS} days")
        print()
        header = ("scenario", "steps", "ORM s", "ORM cpu", "posts/s", "SQL s", "SQL cpu", "posts/s", "ratio")
        row = "{:<24} {:>5} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6}"
        print(row.format(*header))
        for label, status in (
            ("images_ready -> posted", "images_ready"),
            ("scheduled -> posted", "scheduled"),
        ):
            orm_seconds, orm_cpu, steps, orm_rows = time_orm_pass(args.posts, status)
            sql_seconds, sql_cpu, sql_steps, sql_rows = time_sql_pass(args.posts, status, vendor)
            assert (steps, orm_rows) == (sql_steps, sql_rows), "baseline did different work"
            print(
                row.format(
                    label,
                    steps,
                    f"{orm_seconds:.2f}",
                    f"{orm_cpu:.2f}",
                    f"{args.posts / orm_seconds:.0f}",
                    f"{sql_seconds:.2f}",
                    f"{sql_cpu:.2f}",
                    f"{args.posts / sql_seconds:.0f}",
                    f"{orm_seconds / sql_seconds:.1f}",
                )
            )
        print()
        print("s: wall-clock seconds of one pass; cpu: this process's CPU seconds (the client side).")
        print("posts/s: posts taken to posted per wall-clock second; ratio: ORM s / SQL s.")
    finally:
        cleanup()


if __name__ == "__main__":
    main()
