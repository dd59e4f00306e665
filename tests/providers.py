"""Provider backends for tests: instant, counting and failing on demand.

The `backends` fixture in conftest registers them in autopost.providers.BACKENDS
under the name "test" and selects them, so the executor finds them exactly as it
finds the offline defaults.
"""

import threading
from collections import Counter

from autopost.providers.base import ImageGenerator, Notifier, Publisher, PublishResult


class Recorder:
    """Shared state of the test backends: calls per post, hooks and notifications.

    `on_generate` and `on_publish` are callables taking the post; they may raise
    a provider error or change the row behind the executor's back.
    """

    def __init__(self):
        self.reset()

    def reset(self):
        self.lock = threading.Lock()
        self.generated = Counter()
        self.published = Counter()
        self.events = []
        self.on_generate = None
        self.on_publish = None

    def count(self, counter, post):
        with self.lock:
            counter[str(post.pk)] += 1


recorder = Recorder()


class InstantImages(ImageGenerator):
    def generate(self, post, *, claim):
        recorder.count(recorder.generated, post)
        if recorder.on_generate:
            recorder.on_generate(post)
        return [f"/media/test/{post.pk}-1.jpg", f"/media/test/{post.pk}-2.jpg"]


class CountingPublisher(Publisher):
    def publish(self, post, *, claim):
        recorder.count(recorder.published, post)
        if recorder.on_publish:
            recorder.on_publish(post)
        return PublishResult(media_id=f"test-{post.pk}", permalink=f"https://example.invalid/p/{post.pk}/")

    def reconcile(self, post, *, claim):
        return None


class RecordingNotifier(Notifier):
    def send(self, event):
        with recorder.lock:
            recorder.events.append(event)
