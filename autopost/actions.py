"""Actions a person takes on posts from the admin or the calendar, one function each.

Each returns an ActionResult saying whether it applied and, when it did not, why,
so callers can list skipped posts with the reason instead of changing them silently.
With `dry_run=True` nothing is written and the result describes what would
happen. The admin's confirmation pages list these results.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from autopost.models import DailySchedule, ScheduledPost
from autopost.pipeline import ClaimLost, InvalidTransition, record_change, transition
from autopost.timeutil import local_to_utc

Status = ScheduledPost.Status

# Fields that describe one round of generation, cleared when images are regenerated.
GENERATION_FIELDS = {
    "image_urls": [],
    "cloudinary_ids": [],
    "generation_started_at": None,
    "generation_completed_at": None,
    "ig_container_id": "",
    "ig_item_container_ids": [],
}


@dataclass(frozen=True)
class ActionResult:
    post: ScheduledPost
    applied: bool
    message: str


def _changed_meanwhile(post):
    return ActionResult(post, False, _("the post changed while this ran; reload the list and try again"))


def _status_label(status):
    return str(Status(status).label)


def _past_catchup(post, now):
    return post.due_at < now - timedelta(hours=settings.AUTOPOST_CATCHUP_HOURS)


def _resume_fields(post, now):
    """Return the fields that restart a post and a note on its slot, for retry and regenerate.

    A slot already past the catch-up window is moved to now, or the next pass
    would mark the post missed again.
    """
    fields = {"retry_count": 0, "next_attempt_at": None, "error_message": "", "error_step": ""}
    if _past_catchup(post, now):
        fields["due_at"] = now
        fields["note"] = _("Resumed after its slot: published as soon as possible.")
    return fields


def retry(post, *, actor, now=None, dry_run=False):
    """Send a failed or missed post back to the step it failed at, with its retries reset.

    A post with images goes back to images_ready, else to scheduled. The
    executor asks the publisher whether an earlier attempt got through before
    it publishes, so a post whose publish outcome is unknown is reconciled
    first and never published twice.
    """
    now = now or timezone.now()
    if post.status not in (Status.FAILED, Status.MISSED):
        return ActionResult(post, False, _("only failed or missed posts can be retried"))

    target = Status.IMAGES_READY if post.image_urls else Status.SCHEDULED
    fields = _resume_fields(post, now)
    parts = [_("back to %(status)s, retries reset") % {"status": _status_label(target)}]
    if "due_at" in fields:
        parts.append(_("slot moved to now"))
    if post.publish_outcome_unknown:
        parts.append(_("Instagram is checked for an earlier publish before anything is sent"))
    message = "; ".join(parts)
    if dry_run:
        return ActionResult(post, True, message)

    try:
        transition(post, target, actor=actor, now=now, message=message, **fields)
    except InvalidTransition as error:
        return ActionResult(post, False, str(error))
    except ClaimLost:
        return _changed_meanwhile(post)
    return ActionResult(post, True, message)


def regenerate(post, *, actor, now=None, dry_run=False):
    """Send a post back to scheduled for new images; the old image URLs stay in its history."""
    now = now or timezone.now()
    if post.status not in (Status.IMAGES_READY, Status.FAILED, Status.MISSED):
        return ActionResult(
            post,
            False,
            _("a post that is %(status)s cannot get new images") % {"status": post.get_status_display()},
        )
    if post.publish_outcome_unknown:
        return ActionResult(
            post,
            False,
            _("its last publish attempt may have gone through; retry it so Instagram is checked first"),
        )

    fields = {**_resume_fields(post, now), **GENERATION_FIELDS}
    message = _("back to scheduled for new images")
    if post.image_urls:
        message = _("back to scheduled for new images; previous images: %(urls)s") % {
            "urls": " ".join(post.image_urls)
        }
    if dry_run:
        return ActionResult(post, True, message)

    try:
        transition(post, Status.SCHEDULED, actor=actor, now=now, message=message, **fields)
    except InvalidTransition as error:
        return ActionResult(post, False, str(error))
    except ClaimLost:
        return _changed_meanwhile(post)
    return ActionResult(post, True, message)


def publish_now(post, *, actor, now=None, dry_run=False):
    """Make a post with images due now, so the next executor pass publishes it.

    Only the due instant moves. The planned date and local time stay as the
    record of the plan, and the note records the change.
    """
    now = now or timezone.now()
    if post.status != Status.IMAGES_READY:
        return ActionResult(post, False, _("only posts whose images are ready can be published now"))
    if post.character.publishing_paused:
        return ActionResult(
            post, False, _("publishing is paused for %(character)s") % {"character": post.character.name}
        )
    if not post.character.active:
        return ActionResult(
            post, False, _("%(character)s is not active") % {"character": post.character.name}
        )

    message = _("published at the next executor pass instead of %(time)s") % {
        "time": f"{post.scheduled_date:%Y-%m-%d} {post.scheduled_time:%H:%M}"
    }
    if dry_run:
        return ActionResult(post, True, message)

    try:
        record_change(
            post, actor=actor, now=now, message=message, due_at=now, next_attempt_at=None, note=message
        )
    except ClaimLost:
        return _changed_meanwhile(post)
    return ActionResult(post, True, message)


def cancel(post, *, actor, now=None, dry_run=False):
    """Cancel a post that has not started publishing."""
    if not post.can_move_to(Status.CANCELLED):
        return ActionResult(
            post,
            False,
            _("a post that is %(status)s cannot be cancelled") % {"status": post.get_status_display()},
        )
    message = _("cancelled")
    if dry_run:
        return ActionResult(post, True, message)

    try:
        transition(post, Status.CANCELLED, actor=actor, now=now, message=message)
    except ClaimLost:
        return _changed_meanwhile(post)
    return ActionResult(post, True, message)


RESCHEDULABLE = (Status.SCHEDULED, Status.IMAGES_READY, Status.FAILED, Status.MISSED)


def reschedule(post, *, actor, day, slot, now=None, dry_run=False, taken=None):
    """Move a post to another date and local time in its character's zone.

    `taken` is the set of (character slug, date, time) already given out in
    the same batch. This function adds to it, so two selected posts never get
    the same slot. A failed or missed post comes back like a retry, to
    images_ready or scheduled.
    """
    now = now or timezone.now()
    taken = set() if taken is None else taken
    reason = _reschedule_rejection(post, day=day, slot=slot, now=now, taken=taken)
    if reason:
        return ActionResult(post, False, reason)

    due_at, due_note = local_to_utc(day, slot, post.character.zone)
    before = f"{post.scheduled_date:%Y-%m-%d} {post.scheduled_time:%H:%M}"
    after = f"{day:%Y-%m-%d} {slot:%H:%M}"
    message = _("moved from %(before)s to %(after)s (%(zone)s)") % {
        "before": before,
        "after": after,
        "zone": post.character.timezone,
    }
    taken.add((post.character_id, day, slot))
    if dry_run:
        return ActionResult(post, True, message)

    try:
        with transaction.atomic():
            _reschedule(
                post,
                actor=actor,
                day=day,
                slot=slot,
                due_at=due_at,
                due_note=due_note,
                now=now,
                message=message,
            )
    except InvalidTransition as error:
        return ActionResult(post, False, str(error))
    except ClaimLost:
        return _changed_meanwhile(post)
    return ActionResult(post, True, message)


# A reschedule further ahead than this is refused: no plan looks that far.
MAX_RESCHEDULE_DAYS = 365


def _reschedule_rejection(post, *, day, slot, now, taken):
    """Return why a post cannot move to (day, slot), or "" when it can."""
    if post.status not in RESCHEDULABLE:
        return _("a post that is %(status)s cannot be rescheduled") % {"status": post.get_status_display()}

    zone = post.character.zone
    when = {"time": f"{slot:%H:%M}", "date": day.isoformat(), "zone": post.character.timezone}
    # Checked before any time-zone arithmetic, which overflows near year 1 and 9999.
    if day > now.date() + timedelta(days=MAX_RESCHEDULE_DAYS):
        return _("%(date)s is more than a year ahead; choose a date within the next 365 days") % when
    if day < now.date() - timedelta(days=1):
        return _("%(date)s is in the past; choose a later date") % when

    due_at, _note = local_to_utc(day, slot, zone)
    if due_at.astimezone(zone).time() != slot:
        return (
            _("%(time)s does not exist on %(date)s in %(zone)s (clocks go forward); choose another time")
            % when
        )
    if due_at <= now:
        local_now = now.astimezone(zone)
        return _(
            "%(date)s %(time)s is in the past in %(zone)s (it is %(now)s there); choose a later time"
        ) % {
            **when,
            "now": f"{local_now:%Y-%m-%d %H:%M}",
        }

    key = (post.character_id, day, slot)
    occupied = (
        ScheduledPost.objects.filter(character_id=post.character_id, scheduled_date=day, scheduled_time=slot)
        .exclude(pk=post.pk)
        .exists()
    )
    if key in taken or occupied:
        return _("%(character)s already has a post on %(date)s at %(time)s") % {
            **when,
            "character": post.character.name,
        }
    return ""


def _reschedule(post, *, actor, day, slot, due_at, due_note, now, message):
    if post.status in (Status.FAILED, Status.MISSED):
        target = Status.IMAGES_READY if post.image_urls else Status.SCHEDULED
        fields = {"retry_count": 0, "next_attempt_at": None, "error_message": "", "error_step": ""}
        transition(post, target, actor=actor, now=now, message=message, **fields)

    schedule, _created = DailySchedule.objects.get_or_create(
        character_id=post.character_id, schedule_date=day
    )
    record_change(
        post,
        actor=actor,
        now=now,
        message=message,
        schedule_id=schedule.pk,
        scheduled_date=day,
        scheduled_time=slot,
        due_at=due_at,
        due_note=due_note,
        next_attempt_at=None,
    )
