"""Child process for the SQLite concurrency test: two forked executors over one database file.

Run as `python tests/sqlite_workers_child.py FOLDER POSTS`. The database, the
publish log and the media live in FOLDER. The last line of output is a JSON
object with publishes per post, final statuses and the workers' exit codes.
"""

import json
import multiprocessing
import os
import sys
from collections import Counter
from datetime import time, timedelta
from pathlib import Path

FOLDER = Path(sys.argv[1])
POSTS = int(sys.argv[2])
LOG = FOLDER / "published.log"

os.environ.update(
    DATABASE_URL=f"sqlite:///{FOLDER / 'db.sqlite3'}",
    AUTOPOST_MEDIA_ROOT=str(FOLDER / "media"),
    DJANGO_SETTINGS_MODULE="tests.settings",
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from autopost.executor import run_pass  # noqa: E402
from autopost.models import ScheduledPost  # noqa: E402
from autopost.providers import BACKENDS  # noqa: E402
from autopost.providers.base import ImageGenerator, Publisher, PublishResult  # noqa: E402


class InstantImages(ImageGenerator):
    def generate(self, post, *, claim):
        return ["/media/test/1.jpg"]


class LogPublisher(Publisher):
    """Append one line per publish; O_APPEND keeps lines from two processes whole."""

    def publish(self, post, *, claim):
        with open(LOG, "a", encoding="ascii") as log:
            log.write(f"{post.pk}\n")
        return PublishResult(media_id=f"test-{post.pk}")

    def reconcile(self, post, *, claim):
        return None


def create_due_posts():
    from tests.factories import CharacterFactory, DailyScheduleFactory

    character = CharacterFactory(slug="mila")
    schedule = DailyScheduleFactory(character=character, schedule_date=timezone.localdate())
    now = timezone.now()
    ScheduledPost.objects.bulk_create(
        ScheduledPost(
            schedule=schedule,
            character=character,
            scheduled_date=schedule.schedule_date,
            scheduled_time=time(index // 60, index % 60),
            post_type=ScheduledPost.PostType.CAROUSEL,
            due_at=now - timedelta(hours=1) + timedelta(seconds=index),
        )
        for index in range(POSTS)
    )


def work(worker):
    run_pass(worker=worker)


def main():
    call_command("migrate", verbosity=0)
    BACKENDS["AUTOPOST_IMAGE_GENERATOR"]["instant"] = "__main__.InstantImages"
    BACKENDS["AUTOPOST_PUBLISHER"]["log"] = "__main__.LogPublisher"
    settings.AUTOPOST_IMAGE_GENERATOR = "instant"
    settings.AUTOPOST_PUBLISHER = "log"
    create_due_posts()
    LOG.touch()
    # Forked children must not share the parent's SQLite connection.
    connections.close_all()

    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=work, args=(f"worker-{i}",)) for i in range(2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=300)

    published = Counter(LOG.read_text(encoding="ascii").split())
    statuses = Counter(ScheduledPost.objects.values_list("status", flat=True))
    print(
        json.dumps(
            {"published": published, "statuses": statuses, "exit_codes": [p.exitcode for p in workers]}
        )
    )


if __name__ == "__main__":
    main()
