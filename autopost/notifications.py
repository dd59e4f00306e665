"""Events that a person must hear about, sent through the configured notifier."""

import hashlib
import logging
from dataclasses import dataclass, field

from autopost.providers import get_notifier

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """One thing to tell a person. `details` may hold character, slot, step, error, attempt and dedupe_key."""

    kind: str
    summary: str
    post_ids: list = field(default_factory=list)
    details: dict = field(default_factory=dict)

    @property
    def dedupe_key(self):
        """Return the key of this event in sent_notifications, where the Discord notifier keeps it unique."""
        if self.details.get("dedupe_key"):
            base = f"{self.kind}:{self.details['dedupe_key']}"
        else:
            posts = ",".join(sorted(self.post_ids))
            base = f"{self.kind}:{posts}:{self.details.get('attempt', '')}"
        return base if len(base) <= 200 else f"{self.kind}:{hashlib.sha256(base.encode()).hexdigest()}"


def send(event):
    """Send an event; a failing notifier is logged and never breaks the caller."""
    try:
        get_notifier().send(event)
    except Exception:
        logger.exception("notifier failed for %s event on posts %s", event.kind, event.post_ids)


def slot_of(post):
    return f"{post.scheduled_date} {post.scheduled_time:%H:%M}"


def post_failed(post):
    send(
        Event(
            kind="post_failed",
            summary=(
                f"{post.character_id} {slot_of(post)} failed "
                f"at {post.error_step} after {post.retry_count} attempt(s): {post.error_message[:300]}"
            ),
            post_ids=[str(post.pk)],
            details={
                "character": post.character_id,
                "slot": slot_of(post),
                "step": post.error_step,
                "error": post.error_message[:1000],
                "attempt": post.retry_count,
                # retry_count starts again at 0 when a person retries the post;
                # the failure's own write time distinguishes two final failures.
                "dedupe_key": f"{post.pk}:{post.updated_at:%Y%m%dT%H%M%S.%f}",
            },
        )
    )


def posts_missed(posts):
    if not posts:
        return
    slots = ", ".join(f"{p.character_id} {slot_of(p)}" for p in posts[:20])
    more = f" and {len(posts) - 20} more" if len(posts) > 20 else ""
    send(
        Event(
            kind="posts_missed",
            summary=f"{len(posts)} post(s) missed: {slots}{more}",
            post_ids=[str(p.pk) for p in posts],
            details={
                "character": ", ".join(sorted({p.character_id for p in posts})),
                "slot": slots + more,
                "step": "scheduled",
            },
        )
    )


def post_held(post, *, reason, until):
    send(
        Event(
            kind="post_held",
            summary=f"{post.character_id} {slot_of(post)} held until {until:%Y-%m-%d %H:%M} UTC: {reason}",
            post_ids=[str(post.pk)],
            details={
                "character": post.character_id,
                "slot": slot_of(post),
                "step": "posting",
                "error": reason,
                "dedupe_key": f"{post.pk}:{until:%Y%m%d%H%M}",
            },
        )
    )


def character_event(kind, character, summary, *, error="", post=None, dedupe="", expires=""):
    send(
        Event(
            kind=kind,
            summary=f"{character.slug}: {summary}",
            post_ids=[str(post.pk)] if post else [],
            details={
                "character": character.slug,
                "slot": slot_of(post) if post else "",
                "step": "posting" if post else "",
                "error": error,
                "dedupe_key": f"{character.slug}:{dedupe}",
                "expires": expires,
            },
        )
    )
