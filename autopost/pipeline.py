"""Status changes of a scheduled post: the one place where they are checked and written."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from autopost.models import DailySchedule, PostTransition, ScheduledPost

logger = logging.getLogger(__name__)

Status = ScheduledPost.Status


class InvalidTransition(Exception):
    """A status change that the pipeline does not allow."""


class ClaimLost(Exception):
    """The row changed under us: another worker or a person took the post."""


def claim_expiry(now):
    return now + timedelta(seconds=settings.AUTOPOST_CLAIM_SECONDS)


def transition(post, to_status, *, actor, message="", now=None, claim=None, expected_claim=None, **fields):
    """Move a post to another status, write its history row and refresh its day.

    The write is conditional on the status read into `post` (and on
    `expected_claim` when given), so a concurrent change makes it raise
    ClaimLost instead of overwriting. Moving into a claimed status needs the
    new owner in `claim`; every other status drops the claim.
    """
    from_status = post.status
    if not post.can_move_to(to_status):
        raise InvalidTransition(
            _("A post cannot go from %(from)s to %(to)s.")
            % {"from": Status(from_status).label, "to": Status(to_status).label}
        )
    now = now or timezone.now()
    if to_status in ScheduledPost.CLAIMED_STATUSES:
        assert claim, "moving into a claimed status needs the claim owner"
        fields.update(claimed_by=claim, claim_expires_at=claim_expiry(now))
    else:
        fields.update(claimed_by="", claim_expires_at=None)
    fields.update(status=to_status, updated_at=now)

    rows = ScheduledPost.objects.filter(pk=post.pk, status=from_status)
    if expected_claim is not None:
        rows = rows.filter(claimed_by=expected_claim)
    with transaction.atomic():
        if rows.update(**fields) != 1:
            raise ClaimLost(f"post {post.pk} is no longer {from_status} for {expected_claim!r}")
        PostTransition.objects.create(
            post_id=post.pk,
            from_status=from_status,
            to_status=to_status,
            at=now,
            actor=actor,
            message=message[:2000],
        )
        DailySchedule(pk=post.schedule_id).refresh_progress()

    for name, value in fields.items():
        setattr(post, name, value)
    logger.debug("post %s: %s -> %s by %s", post.pk, from_status, to_status, actor)
    return post
