import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from autopost.models import DailySchedule, ScheduledPost
from autopost.providers import BACKENDS
from autopost.providers.outbox import duplicates_log, outbox_folder
from tests.factories import CharacterFactory
from tests.reliability.backends import RecordingNotifier

REPO = Path(__file__).resolve().parents[2]


def database_url():
    """Return a URL to the test database that this test process is using."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    params = connection.settings_dict
    return f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{name}"


@pytest.fixture
def start_manage():
    """Start `manage.py COMMAND` processes on the test database; kill leftovers at the end."""
    processes = []

    def start(command, *args, **env):
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.reliability.settings",
            "DATABASE_URL": database_url(),
            "AUTOPOST_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **{key: str(value) for key, value in env.items()},
        }
        process = subprocess.Popen(
            [sys.executable, "manage.py", command, *map(str, args)],
            cwd=REPO,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate()


@pytest.fixture
def start_executor(start_manage):
    """Start `manage.py run_executor` processes on the test database."""

    def start(*args, **env):
        return start_manage("run_executor", *args, **env)

    return start


@pytest.fixture
def in_process_backends(settings, monkeypatch):
    """Use the tiny generator, the outbox and a recording notifier in this process."""
    monkeypatch.setitem(
        BACKENDS["AUTOPOST_IMAGE_GENERATOR"], "tiny", "tests.reliability.backends.TinyImageGenerator"
    )
    monkeypatch.setitem(
        BACKENDS["AUTOPOST_NOTIFIER"], "recording", "tests.reliability.backends.RecordingNotifier"
    )
    settings.AUTOPOST_IMAGE_GENERATOR = "tiny"
    settings.AUTOPOST_NOTIFIER = "recording"
    RecordingNotifier.events = []
    return RecordingNotifier


def make_due_posts(count, *, now, status, characters=("mila", "elena"), order_seed=None):
    """Create `count` posts due in the last `count` minutes, spread over the characters.

    With `order_seed`, the due instants are shuffled so that the executors meet
    the posts in another order.
    """
    import random

    people = [CharacterFactory(slug=slug) for slug in characters]
    minutes = list(range(1, count + 1))
    if order_seed is not None:
        random.Random(order_seed).shuffle(minutes)
    schedules = {}
    posts = []
    for index, minute in enumerate(minutes):
        character = people[index % len(people)]
        due_at = (now - timedelta(minutes=minute)).replace(second=0, microsecond=0)
        local = due_at.astimezone(character.zone)
        key = (character.slug, local.date())
        if key not in schedules:
            schedules[key], _ = DailySchedule.objects.get_or_create(
                character=character, schedule_date=local.date()
            )
        posts.append(
            ScheduledPost(
                schedule=schedules[key],
                character=character,
                scheduled_date=local.date(),
                scheduled_time=local.time(),
                due_at=due_at,
                status=status,
                post_type="carousel",
                caption=f"post {index}",
                hashtags=["#test"],
                image_urls=["/media/test.jpg"] if status == ScheduledPost.Status.IMAGES_READY else [],
            )
        )
    ScheduledPost.objects.bulk_create(posts)
    return posts


def publications(posts):
    """Return how many posts have their post.json in the outbox."""
    return sum((outbox_folder(post) / "post.json").exists() for post in posts)


def duplicate_publishes():
    path = duplicates_log()
    return path.read_text().splitlines() if path.exists() else []
