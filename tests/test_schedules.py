import os
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils.module_loading import import_string
from django_q.models import Schedule, Task
from django_q.tasks import async_task

from autopost.models import ScheduledPost
from scheduler import schedules
from scheduler.planning import plan_days

NAMES = ["autopost-executor", "autopost-planner"]
REPO = Path(__file__).resolve().parents[1]


def rows_per_name():
    return {name: Schedule.objects.filter(name=name).count() for name in NAMES}


def test_setup_schedules_creates_planner_and_executor(db, time_machine):
    time_machine.move_to(datetime(2026, 12, 24, 9, 0, tzinfo=UTC), tick=False)

    call_command("setup_schedules", stdout=StringIO())

    planner = Schedule.objects.get(name="autopost-planner")
    executor = Schedule.objects.get(name="autopost-executor")
    assert planner.func == "scheduler.tasks.plan_upcoming_days"
    assert planner.schedule_type == Schedule.DAILY
    assert planner.next_run == datetime(2026, 12, 25, 5, 5, tzinfo=UTC)  # 06:05 in Paris, winter
    assert executor.func == "scheduler.tasks.run_executor_pass"
    assert (executor.schedule_type, executor.minutes) == (Schedule.MINUTES, 1)


def test_setup_schedules_twice_keeps_one_row_each(db):
    call_command("setup_schedules", stdout=StringIO())
    first = dict(Schedule.objects.values_list("name", "id"))
    output = StringIO()

    call_command("setup_schedules", stdout=output)

    assert rows_per_name() == {name: 1 for name in NAMES}
    assert dict(Schedule.objects.values_list("name", "id")) == first
    assert "autopost-planner         unchanged" in output.getvalue()


def test_setup_schedules_removes_duplicates_and_applies_settings(db, settings):
    call_command("setup_schedules", stdout=StringIO())
    Schedule.objects.create(name="autopost-executor", func="scheduler.tasks.run_executor_pass")
    settings.AUTOPOST_EXECUTOR_EVERY_MINUTES = 5

    call_command("setup_schedules", stdout=StringIO())

    assert rows_per_name() == {name: 1 for name in NAMES}
    assert Schedule.objects.get(name="autopost-executor").minutes == 5


def test_planner_schedule_follows_plan_time_across_dst(db, settings, time_machine):
    settings.AUTOPOST_PLAN_AT = datetime(2026, 1, 1, 6, 5).time()
    time_machine.move_to(datetime(2026, 3, 28, 12, 0, tzinfo=UTC), tick=False)

    call_command("setup_schedules", stdout=StringIO())

    # 06:05 on 29 March 2026 is summer time in Paris: 04:05 UTC.
    assert Schedule.objects.get(name="autopost-planner").next_run == datetime(2026, 3, 29, 4, 5, tzinfo=UTC)


def test_optional_schedule_waits_for_its_function(db):
    entry = {
        "name": "autopost-not-yet-written",
        "func": "scheduler.tasks.function_not_written_yet",
        "optional": True,
        **schedules.every_minutes(60),
    }

    outcomes = schedules.register_schedules([entry])

    assert outcomes == {"autopost-not-yet-written": "skipped"}
    assert not Schedule.objects.filter(name="autopost-not-yet-written").exists()


def test_optional_schedule_registered_once_importable(db):
    entry = {
        "name": "autopost-demo-optional",
        "func": "scheduler.tasks.plan_upcoming_days",
        "optional": True,
        **schedules.every_minutes(60),
    }

    outcomes = schedules.register_schedules([entry])

    assert outcomes == {"autopost-demo-optional": "created"}


def test_declared_functions_are_importable():
    for entry in schedules.declared_schedules():
        if not entry.get("optional"):
            assert callable(import_string(entry["func"]))


def run_concurrently(count, target):
    barrier = threading.Barrier(count)
    errors = []

    def worker():
        try:
            barrier.wait()
            target()
        except Exception as error:  # collected, so the test reports it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture
def slow_lookup(monkeypatch):
    """Widen the window between reading the rows and creating one, where a race would bite."""
    original = schedules._find_rows

    def find_rows(name):
        rows = original(name)
        time.sleep(0.2)
        return rows

    monkeypatch.setattr(schedules, "_find_rows", find_rows)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_setup_schedules_concurrently_keeps_one_row_each(slow_lookup):
    errors = run_concurrently(6, lambda: call_command("setup_schedules", stdout=StringIO()))

    assert errors == []
    assert rows_per_name() == {name: 1 for name in NAMES}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_without_lock_duplicate_rows(slow_lookup, monkeypatch):
    # The check above can fail: without the advisory lock the same race leaves duplicates.
    monkeypatch.setattr(schedules, "_lock", lambda: None)

    run_concurrently(4, lambda: call_command("setup_schedules", stdout=StringIO()))

    assert rows_per_name()["autopost-planner"] > 1


def transitions_by_slot(slug):
    return [
        (
            f"{post.scheduled_time:%H:%M}",
            [(each.from_status, each.to_status) for each in post.transitions.all()],
        )
        for post in ScheduledPost.objects.filter(character_id=slug).order_by("scheduled_time")
    ]


def test_executor_task_matches_run_executor(mila, elena, time_machine):
    time_machine.move_to(datetime(2026, 12, 24, 11, 45, tzinfo=UTC), tick=False)  # 12:45 in Paris
    plan_days(start=date(2026, 12, 24), days=1)

    call_command("run_executor", "--character", "mila", stdout=StringIO())
    task_id = async_task("scheduler.tasks.run_executor_pass", character="elena", sync=True)

    task = Task.objects.get(id=task_id)
    assert task.success, task.result
    assert task.result["steps"] == 4
    assert transitions_by_slot("elena") == transitions_by_slot("mila")
    assert transitions_by_slot("mila")[1] == (
        "12:30",
        [
            ("scheduled", "generating"),
            ("generating", "images_ready"),
            ("images_ready", "posting"),
            ("posting", "posted"),
        ],
    )
    assert transitions_by_slot("mila")[2] == ("19:00", [])


def test_planner_task_plans_today_and_tomorrow(mila, time_machine):
    time_machine.move_to(datetime(2026, 12, 24, 5, 5, tzinfo=UTC), tick=False)

    task_id = async_task("scheduler.tasks.plan_upcoming_days", sync=True)

    assert Task.objects.get(id=task_id).result == {"start": "2026-12-24", "schedules": 2, "posts": 7}
    assert sorted(mila.schedules.values_list("schedule_date", flat=True)) == [
        date(2026, 12, 24),
        date(2026, 12, 25),
    ]


def test_cluster_settings_cannot_double_run(settings):
    cluster = settings.Q_CLUSTER

    assert cluster["timeout"] < cluster["retry"]
    assert cluster["catch_up"] is False
    assert cluster["max_attempts"] >= 1
    assert cluster["orm"] == "default"


def settings_error(**env):
    """Return what importing the settings prints to stderr with the given environment."""
    environ = {**os.environ, "SECRET_KEY": "x", "DJANGO_SETTINGS_MODULE": "autopost.settings", **env}
    environ.pop("DATABASE_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.Q_CLUSTER)",
        ],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("AUTOPOST_Q_BROKER", "amqp://secret@host", "AUTOPOST_Q_BROKER=amqp:... is invalid"),
        ("AUTOPOST_PLAN_AT", "6h05", "AUTOPOST_PLAN_AT='6h05' is invalid: expected a time as HH:MM"),
        ("AUTOPOST_PLAN_AT", "06:05 Mars/Olympus", "'Mars/Olympus' is invalid: expected an IANA time zone"),
        ("AUTOPOST_EXECUTOR_EVERY_MINUTES", "0", "AUTOPOST_EXECUTOR_EVERY_MINUTES='0' is invalid"),
    ],
)
def test_bad_scheduler_setting_is_rejected(name, value, message):
    code, stderr = settings_error(**{name: value})

    assert code != 0
    assert "ImproperlyConfigured" in stderr
    assert "secret@" not in stderr
    assert message in stderr


def test_setup_schedules_in_concurrent_processes_on_sqlite(tmp_path):
    # Separate processes on one SQLite file: the write lock taken by BEGIN
    # IMMEDIATE must serialise them like the advisory lock does on PostgreSQL.
    environ = {
        **os.environ,
        "SECRET_KEY": "x",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "AUTOPOST_LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=REPO, env=environ, check=True, timeout=120)

    runs = [
        subprocess.Popen(
            [*manage, "setup_schedules"], cwd=REPO, env=environ, stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]

    assert [run.returncode for run in runs] == [0, 0, 0, 0]
    assert sum(output.count("autopost-planner         created") for output in outputs) == 1
    check = subprocess.run(
        [*manage, "shell", "-c", "from django_q.models import Schedule; print(Schedule.objects.count())"],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.stdout.strip().splitlines()[-1] == str(len(schedules.declared_schedules()))


def test_redis_broker_url_selects_redis():
    code, output = settings_error(AUTOPOST_Q_BROKER="redis://127.0.0.1:6379/0")

    try:
        import redis  # noqa: F401
    except ImportError:
        assert code != 0
        assert "the redis package is missing" in output
        assert 'pip install -e ".[redis]"' in output
    else:
        assert code == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_overlapping_executor_tasks_publish_each_post_once(time_machine):
    from scheduler.tasks import run_executor_pass
    from tests.factories import CharacterFactory

    time_machine.move_to(datetime(2026, 12, 24, 19, 30, tzinfo=UTC), tick=False)  # 20:30 in Paris
    for slug in ("mila", "elena", "zoe"):
        CharacterFactory(slug=slug)
    plan_days(start=date(2026, 12, 24), days=1)

    errors = run_concurrently(4, run_executor_pass)

    assert errors == []
    assert ScheduledPost.objects.filter(status="posted").count() == 9
    for post in ScheduledPost.objects.all():
        assert post.transitions.filter(to_status="posted").count() == 1
        assert post.transitions.filter(to_status="generating").count() == 1
