"""What a person can do to a post (admin actions, calendar buttons): one function each.

Each returns an ActionResult saying whether it applied and, when it did not, why,
so callers can list skipped posts with the reason instead of changing them silently.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from autopost.models import ScheduledPost
from autopost.pipeline import ClaimLost, InvalidTransition, transition

Status = ScheduledPost.Status


@dataclass(frozen=True)
class ActionResult:
    post: ScheduledPost
    applied: bool
    message: str


def retry(post, *, actor, now=None):
    """Send a failed or missed post back to the step it failed at, with its retries reset.

    A post with images goes back to images_ready, else to scheduled. The
    executor asks the publisher whether an earlier attempt got through before
    it publishes, so a post whose publish outcome is unknown is reconciled
    first and never published twice. A slot already past the catch-up window
    is moved to now, or the next pass would mark it missed again.
    """
    now = now or timezone.now()
    if post.status not in (Status.FAILED, Status.MISSED):
        return ActionResult(post, False, _("only failed or missed posts can be retried"))

    target = Status.IMAGES_READY if post.image_urls else Status.SCHEDULED
    fields = {"retry_count": 0, "next_attempt_at": None}
    message = _("retry requested")
    if post.due_at < now - timedelta(hours=settings.AUTOPOST_CATCHUP_HOURS):
        fields["due_at"] = now
        fields["note"] = _("Retried after its slot: published as soon as possible.")
        message = _("retry requested; slot moved to now")
    try:
        transition(post, target, actor=actor, now=now, message=message, **fields)
    except (InvalidTransition, ClaimLost) as error:
        return ActionResult(post, False, str(error))
    return ActionResult(post, True, message)


def cancel(post, *, actor, now=None):
    """Cancel a post that has not started publishing."""
    if not post.can_move_to(Status.CANCELLED):
        return ActionResult(
            post,
            False,
            _("a post that is %(status)s cannot be cancelled") % {"status": post.get_status_display()},
        )
    try:
        transition(post, Status.CANCELLED, actor=actor, now=now, message=_("cancelled"))
    except ClaimLost as error:
        return ActionResult(post, False, str(error))
    return ActionResult(post, True, _("cancelled"))
