"""Interfaces and errors shared by every provider."""

from dataclasses import dataclass


class ProviderError(Exception):
    """A provider call failed. `retry_after` is the service's own wait, in seconds."""

    retryable = True

    def __init__(self, message, *, retry_after=None):
        super().__init__(message)
        self.retry_after = retry_after


class RetryableError(ProviderError):
    """A failure that may pass: timeouts, 5xx, throttling."""


class PermanentError(ProviderError):
    """A failure that the same request will hit again: invalid token, policy rejection."""

    retryable = False


class PublishHeld(Exception):  # noqa: N818 (a hold is not an error: no retry is spent)
    """The publisher cannot publish before `until`, for a reason a person should see on the post.

    Raised for the account's publishing quota: the post goes back to
    images_ready with its next attempt at `until`, and keeps its retries.
    """

    def __init__(self, reason, *, until):
        super().__init__(reason)
        self.reason = reason
        self.until = until


@dataclass(frozen=True)
class PublishResult:
    media_id: str
    permalink: str = ""


class ImageGenerator:
    def generate(self, post, *, claim):
        """Return the URLs of the post's images, stored in our own storage."""
        raise NotImplementedError


class Publisher:
    def publish(self, post, *, claim):
        """Publish the post once and return a PublishResult.

        `claim.save(**fields)` stores progress (such as container ids) in its
        own committed write, so a crash after it leaves a trace to reconcile.
        """
        raise NotImplementedError

    def reconcile(self, post, *, claim):
        """Return a PublishResult if an earlier attempt already published the post, else None."""
        raise NotImplementedError


class Planner:
    name = "planner"

    def plan_day(self, character, day, slot_times, *, special_day=None):
        """Return the day's plan: theme, mood, reasoning and one slot dict per time."""
        raise NotImplementedError


class Notifier:
    def send(self, event):
        raise NotImplementedError
