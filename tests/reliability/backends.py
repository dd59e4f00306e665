"""Providers for the fault-injection tests: real files, with delays where a kill can land."""

import os
import random
import time

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from autopost.providers.base import ImageGenerator, Notifier
from autopost.providers.local_images import image_path
from autopost.providers.outbox import OutboxPublisher

# The smallest valid JPEG is not needed: the publisher only lists the URLs.
TINY_IMAGE = b"\xff\xd8\xff\xe0 tiny test image \xff\xd9"


def pause():
    """Sleep up to RELIABILITY_MAX_DELAY seconds, so a SIGKILL can land inside a step."""
    time.sleep(random.uniform(0, float(os.environ.get("RELIABILITY_MAX_DELAY", "0"))))


class TinyImageGenerator(ImageGenerator):
    def generate(self, post, *, claim):
        pause()
        name = default_storage.save(image_path(post, 0), ContentFile(TINY_IMAGE))
        pause()
        return [default_storage.url(name)]


class SlowOutboxPublisher(OutboxPublisher):
    def publish(self, post, *, claim):
        pause()
        time.sleep(float(os.environ.get("RELIABILITY_PUBLISH_SECONDS", "0")))
        result = super().publish(post, claim=claim)
        pause()
        return result


class RecordingNotifier(Notifier):
    """Keep events in memory, for in-process tests."""

    events = []

    def send(self, event):
        RecordingNotifier.events.append(event)
