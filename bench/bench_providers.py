"""Instant providers for the benchmark: no files, no network, so a pass measures database work."""

from autopost.providers.base import ImageGenerator, Publisher, PublishResult


class InstantImages(ImageGenerator):
    def generate(self, post, *, claim):
        return ["/media/bench/1.jpg"]


class InstantPublisher(Publisher):
    def publish(self, post, *, claim):
        return PublishResult(media_id=f"bench-{post.pk}")

    def reconcile(self, post, *, claim):
        return None
