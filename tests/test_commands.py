"""The run_executor command: output, options, bad arguments and a clean stop on SIGTERM."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from autopost.models import ExecutorHeartbeat, ScheduledPost
from tests.factories import CharacterFactory, ScheduledPostFactory

Status = ScheduledPost.Status
ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 12, 24, 11, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def due_posts(db):
    mila = CharacterFactory(slug="mila")
    elena = CharacterFactory(slug="elena")
    return [
        ScheduledPostFactory(character=mila, at=NOW - timedelta(hours=1)),
        ScheduledPostFactory(character=elena, at=NOW - timedelta(minutes=30)),
        ScheduledPostFactory(character=mila, at=NOW - timedelta(hours=20)),
    ]


def run_executor(*args):
    out = StringIO()
    call_command("run_executor", *args, "--worker", "cmd-test", stdout=out)
    return out.getvalue().splitlines()


def test_one_line_per_transition_and_summary(due_posts, backends, clock):
    lines = run_executor()

    assert lines == [
        "mila       2026-12-23 16:00  scheduled    -> missed       missed"
        "  (Créneau passé depuis plus de 18 h sans publication.)",
        "mila       2026-12-24 11:00  scheduled    -> generating   claimed",
        "mila       2026-12-24 11:00  generating   -> images_ready generated",
        "mila       2026-12-24 11:00  images_ready -> posting      claimed",
        "mila       2026-12-24 11:00  posting      -> posted       posted",
        "elena      2026-12-24 11:30  scheduled    -> generating   claimed",
        "elena      2026-12-24 11:30  generating   -> images_ready generated",
        "elena      2026-12-24 11:30  images_ready -> posting      claimed",
        "elena      2026-12-24 11:30  posting      -> posted       posted",
        "Pass done: 4 step(s); generated 2, missed 1, posted 2.",
    ]


def test_failure_line_shows_error(due_posts, backends, clock):
    from autopost.providers.base import RetryableError

    def unavailable(post):
        raise RetryableError("upstream answered 503")

    backends.on_generate = unavailable

    lines = run_executor("--character", "elena")

    assert lines == [
        "elena      2026-12-24 11:30  scheduled    -> generating   claimed",
        "elena      2026-12-24 11:30  generating   -> failed       retrying  (upstream answered 503)",
        "Pass done: 1 step(s); missed 0, retrying 1.",
    ]


def test_character_option_limits_pass(due_posts, backends, clock):
    lines = run_executor("--character", "elena")

    assert lines[-1] == "Pass done: 2 step(s); generated 1, missed 0, posted 1."
    statuses = [ScheduledPost.objects.get(pk=p.pk).status for p in due_posts]
    assert statuses == [Status.SCHEDULED, Status.POSTED, Status.SCHEDULED]


def test_max_posts_bounds_steps(due_posts, backends, clock):
    lines = run_executor("--max-posts", "1")

    assert lines[-1] == "Pass done: 1 step(s); generated 1, missed 1."
    statuses = [ScheduledPost.objects.get(pk=p.pk).status for p in due_posts]
    assert statuses == [Status.IMAGES_READY, Status.SCHEDULED, Status.MISSED]


def test_nothing_due_says_so(db, backends, clock):
    assert run_executor() == ["Pass done: 0 step(s); missed 0."]


def test_pass_writes_heartbeat(due_posts, backends, clock):
    run_executor()

    heartbeat = ExecutorHeartbeat.objects.get(worker="cmd-test")
    assert heartbeat.pass_started_at == NOW
    assert heartbeat.pass_finished_at == NOW
    assert heartbeat.counts == {"missed": 1, "generated": 2, "posted": 2}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--character", "zoe"), "Unknown character 'zoe': use one of elena, mila."),
        (("--max-posts", "0"), "--max-posts 0 is invalid: use 1 or more."),
        (("--interval", "0"), "--interval 0 is invalid: use 1 second or more."),
        (("--max-posts", "many"), "argument --max-posts: invalid int value: 'many'"),
        (("--interval", "1.5"), "argument --interval: invalid int value: '1.5'"),
    ],
)
def test_bad_arguments_raise_command_error(due_posts, backends, clock, args, message):
    with pytest.raises(CommandError) as raised:
        run_executor(*args)

    assert message in str(raised.value)
    assert not ScheduledPost.objects.exclude(status=Status.SCHEDULED).exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_loop_stops_after_step_in_hand(tmp_path, signum):
    marker = tmp_path / "step-started"
    environ = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'loop.sqlite3'}",
        "AUTOPOST_MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": str(ROOT),
    }
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "loop_child.py"), str(marker)],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), child.stderr.read() if child.poll() is not None else "no step started"
        child.send_signal(signum)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    assert child.returncode == 0, err
    lines = out.splitlines()
    assert lines[-2] == "Stopped after finishing the step in hand."
    assert lines[-3] == "Pass done: 1 step(s); generated 1, missed 0."
    # The older post finished its step; no step started after the signal.
    assert json.loads(lines[-1]) == [Status.IMAGES_READY, Status.SCHEDULED]
