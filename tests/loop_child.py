"""Child process for the --loop test: run_executor with a slow image generator.

The generator writes a marker file when its first step starts, then takes two
seconds, so the parent can send SIGTERM while that step is in hand. The last
line of output is the statuses of the posts, as JSON.
"""

import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from autopost.providers import BACKENDS  # noqa: E402
from autopost.providers.base import ImageGenerator  # noqa: E402

MARKER = Path(sys.argv[1])


class SlowImages(ImageGenerator):
    def generate(self, post, *, claim):
        MARKER.touch()
        time.sleep(2)
        return [f"/media/slow/{post.pk}.jpg"]


def main():
    call_command("migrate", verbosity=0)
    from tests.factories import CharacterFactory, ScheduledPostFactory

    mila = CharacterFactory(slug="mila")
    now = timezone.now().replace(second=0, microsecond=0)
    posts = [ScheduledPostFactory(character=mila, at=now - timedelta(minutes=m)) for m in (20, 10)]

    BACKENDS["AUTOPOST_IMAGE_GENERATOR"]["slow"] = "__main__.SlowImages"
    settings.AUTOPOST_IMAGE_GENERATOR = "slow"
    call_command("run_executor", "--loop", "--interval", "1", "--worker", "loop-child")

    for post in posts:
        post.refresh_from_db()
    print(json.dumps([post.status for post in posts]), flush=True)


if __name__ == "__main__":
    main()
