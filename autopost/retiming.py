"""Due instants of a character's posts after its time zone changes."""

import logging

from django.db import transaction
from django.utils import timezone

from autopost.models import ScheduledPost
from autopost.timeutil import local_to_utc

logger = logging.getLogger(__name__)


def retime_unstarted_posts(character):
    """Recompute due_at and due_note of the character's posts that are still `scheduled`.

    A post keeps its local date and wall-clock time: 08:00 stays 08:00 in the
    new zone. Each write is conditional on the post still being `scheduled`,
    so a post that an executor claims meanwhile keeps the instant it started
    with. Return the number of posts moved.
    """
    zone = character.zone
    posts = ScheduledPost.objects.filter(character=character, status=ScheduledPost.Status.SCHEDULED).only(
        "id", "scheduled_date", "scheduled_time", "due_at", "due_note"
    )
    moved = 0
    with transaction.atomic():
        for post in posts:
            due_at, due_note = local_to_utc(post.scheduled_date, post.scheduled_time, zone)
            if (due_at, due_note) == (post.due_at, post.due_note):
                continue
            moved += ScheduledPost.objects.filter(pk=post.pk, status=ScheduledPost.Status.SCHEDULED).update(
                due_at=due_at, due_note=due_note, updated_at=timezone.now()
            )
    logger.info("character %s: time zone now %s, %s scheduled post(s) moved", character.slug, zone.key, moved)
    return moved
