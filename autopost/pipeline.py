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
    # Callers that report each change (run_executor prints one line per
    # transition) read where the post came from here.
    post.previous_status = from_status
    logger.debug("post %s: %s -> %s by %s", post.pk, from_status, to_status, actor)
    return post


def locked_message(post):
    return _(
        "Worker %(worker)s is publishing this post and holds it until %(until)s UTC; "
        "wait for it to finish or for the claim to expire."
    ) % {"worker": post.claimed_by, "until": f"{post.claim_expires_at:%Y-%m-%d %H:%M}"}


def force_transition(post, to_status, *, actor, reason, now=None, **fields):
    """Move a post to any status outside the allowed transitions, for staff repairing a row.

    A reason is required and goes into the history. Claimed statuses stay out
    of reach because only a worker with a claim may put a post there. A post
    forced into `generating` without an owner would never be picked up.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition(_("A forced status change needs a reason."))
    if to_status in ScheduledPost.CLAIMED_STATUSES:
        raise InvalidTransition(
            _("Only a worker can move a post to %(to)s; choose another status.")
            % {"to": Status(to_status).label}
        )
    if to_status == post.status:
        raise InvalidTransition(_("The post is already %(status)s.") % {"status": Status(to_status).label})
    now = now or timezone.now()
    if post.status == Status.POSTING and post.claim_is_held(now):
        raise InvalidTransition(locked_message(post))
    fields.update(status=to_status, claimed_by="", claim_expires_at=None, updated_at=now)
    message = _("forced: %(reason)s") % {"reason": reason}
    _write(post, fields, from_status=post.status, to_status=to_status, actor=actor, message=message, now=now)
    logger.info("post %s: %s forced to %s by %s", post.pk, post.status, to_status, actor)
    for name, value in fields.items():
        setattr(post, name, value)
    return post


def record_change(post, *, actor, message, now=None, **fields):
    """Change a post's fields without a status change and write the change into its history.

    The history row has the same status on both sides. The write is
    conditional on the status read into `post`, like a transition. When
    `schedule_id` moves the post to another day, both days are refreshed.
    """
    now = now or timezone.now()
    fields["updated_at"] = now
    previous_schedule_id = post.schedule_id
    _write(
        post,
        fields,
        from_status=post.status,
        to_status=post.status,
        actor=actor,
        message=message,
        now=now,
        also_refresh=previous_schedule_id,
    )
    for name, value in fields.items():
        setattr(post, name, value)
    return post


def _write(post, fields, *, from_status, to_status, actor, message, now, also_refresh=None):
    schedule_id = fields.get("schedule_id", post.schedule_id)
    with transaction.atomic():
        if ScheduledPost.objects.filter(pk=post.pk, status=from_status).update(**fields) != 1:
            raise ClaimLost(
                _("The post changed since it was read (it is no longer %(status)s); reload and try again.")
                % {"status": Status(from_status).label}
            )
        PostTransition.objects.create(
            post_id=post.pk,
            from_status=from_status,
            to_status=to_status,
            at=now,
            actor=actor,
            message=message[:2000],
        )
        DailySchedule(pk=schedule_id).refresh_progress()
        if also_refresh and also_refresh != schedule_id:
            DailySchedule(pk=also_refresh).refresh_progress()
