"""Events that a person must hear about, sent through the configured notifier."""

import logging
from dataclasses import dataclass, field

from autopost.providers import get_notifier

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    kind: str
    summary: str
    post_ids: list = field(default_factory=list)
    details: dict = field(default_factory=dict)


def send(event):
    """Send an event; a failing notifier is logged and never breaks the caller."""
    try:
        get_notifier().send(event)
    except Exception:
        logger.exception("notifier failed for %s event on posts %s", event.kind, event.post_ids)


def post_failed(post):
    send(
        Event(
            kind="post_failed",
            summary=(
                f"{post.character_id} {post.scheduled_date} {post.scheduled_time:%H:%M} failed "
                f"at {post.error_step} after {post.retry_count} attempt(s): {post.error_message[:300]}"
            ),
            post_ids=[str(post.pk)],
        )
    )


def posts_missed(posts):
    if not posts:
        return
    slots = ", ".join(f"{p.character_id} {p.scheduled_date} {p.scheduled_time:%H:%M}" for p in posts[:20])
    more = f" and {len(posts) - 20} more" if len(posts) > 20 else ""
    send(
        Event(
            kind="posts_missed",
            summary=f"{len(posts)} post(s) missed: {slots}{more}",
            post_ids=[str(p.pk) for p in posts],
        )
    )
