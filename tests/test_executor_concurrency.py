"""Two executors on PostgreSQL over the same due posts: each post is published exactly once."""

import json
import os
import subprocess
import sys
import threading
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from autopost.executor import run_pass
from autopost.models import DailySchedule, PostTransition, ScheduledPost
from autopost.timeutil import local_to_utc
from tests.factories import CharacterFactory, DailyScheduleFactory

Status = ScheduledPost.Status
ROOT = Path(__file__).resolve().parent.parent
POSTS = 200
WORKERS = 2
# Few days for many posts, so that both workers keep updating the same
# DailySchedule rows and its counters must not lose an update.
DAYS = 4


def create_due_posts(count):
    """Create `count` posts due within the last hours, spread over DAYS schedules."""
    character = CharacterFactory(slug="mila")
    today = timezone.localdate()
    schedules = [
        DailyScheduleFactory(character=character, schedule_date=today - timedelta(days=1) + timedelta(days=i))
        for i in range(DAYS)
    ]
    now = timezone.now()
    posts = []
    for index in range(count):
        schedule = schedules[index * DAYS // count]
        slot = time(index // 60 % 24, index % 60)
        posts.append(
            ScheduledPost(
                schedule=schedule,
                character=character,
                scheduled_date=schedule.schedule_date,
                scheduled_time=slot,
                post_type=ScheduledPost.PostType.CAROUSEL,
                # Every post is due, in slot order, whatever its nominal date.
                due_at=now - timedelta(hours=2) + timedelta(seconds=index),
            )
        )
    ScheduledPost.objects.bulk_create(posts)
    return schedules


def run_worker(name, barrier, errors):
    try:
        barrier.wait(timeout=30)
        run_pass(worker=name)
    except Exception as error:  # surfaced by the test thread
        errors.append(error)
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_executors_publish_each_post_once(backends):
    schedules = create_due_posts(POSTS)
    barrier = threading.Barrier(WORKERS)
    errors = []
    threads = [
        threading.Thread(target=run_worker, args=(f"worker-{i}", barrier, errors)) for i in range(WORKERS)
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    ids = {str(pk) for pk in ScheduledPost.objects.values_list("pk", flat=True)}
    assert set(backends.published) == ids
    assert set(backends.published.values()) == {1}
    assert set(backends.generated.values()) == {1}
    assert ScheduledPost.objects.exclude(status=Status.POSTED).count() == 0
    assert PostTransition.objects.count() == 4 * POSTS
    actors = PostTransition.objects.filter(to_status=Status.POSTED).values_list("actor", flat=True)
    assert set(actors) == {f"worker-{i}" for i in range(WORKERS)}
    for schedule in schedules:
        schedule.refresh_from_db()
        assert schedule.posts_completed == schedule.posts_total == POSTS // DAYS
        assert schedule.status == DailySchedule.Status.COMPLETED


def wait_for_lock_waiter(timeout=10):
    """Wait until another session of this database waits on a row lock."""
    deadline = datetime.now().timestamp() + timeout
    with connection.cursor() as cursor:
        while datetime.now().timestamp() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
    return False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_overlapping_transitions_keep_day_counters_right():
    from django.db import transaction

    from autopost.pipeline import transition

    character = CharacterFactory(slug="mila")
    day = date(2026, 12, 24)
    schedule = DailyScheduleFactory(character=character, schedule_date=day)
    posts = []
    for slot in (time(8, 0), time(12, 30)):
        posts.append(
            ScheduledPost.objects.create(
                schedule=schedule,
                character=character,
                scheduled_date=day,
                scheduled_time=slot,
                post_type=ScheduledPost.PostType.CAROUSEL,
                status=Status.POSTING,
                claimed_by="worker",
                due_at=local_to_utc(day, slot, character.zone)[0],
            )
        )
    first_written = threading.Event()
    release_first = threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                transition(posts[0], Status.POSTED, actor="worker-a")
                first_written.set()
                release_first.wait(timeout=10)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    def second():
        try:
            first_written.wait(timeout=10)
            transition(posts[1], Status.POSTED, actor="worker-b")
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    waiting = wait_for_lock_waiter()
    release_first.set()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert waiting
    schedule.refresh_from_db()
    assert schedule.posts_completed == 2
    assert schedule.status == DailySchedule.Status.COMPLETED


def test_two_processes_on_sqlite_publish_each_once(tmp_path):
    # Runs on every backend: the child uses its own SQLite file, where claims
    # rest on IMMEDIATE transactions and the conditional update's row count.
    child = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "sqlite_workers_child.py"), str(tmp_path), str(POSTS)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert child.returncode == 0, child.stderr
    outcome = json.loads(child.stdout.splitlines()[-1])
    assert outcome["exit_codes"] == [0, 0]
    assert len(outcome["published"]) == POSTS
    assert set(outcome["published"].values()) == {1}
    assert outcome["statuses"] == {Status.POSTED: POSTS}
