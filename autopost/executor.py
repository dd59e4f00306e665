"""Claiming due posts and running their next step: one executor pass."""

import logging
import os
import random
import socket
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from autopost import clock, notifications
from autopost.claims import kept_alive
from autopost.models import ExecutorHeartbeat, ScheduledPost
from autopost.pipeline import ClaimLost, claim_expiry, transition
from autopost.providers import get_image_generator, get_publisher
from autopost.providers.base import ProviderError, PublishHeld

logger = logging.getLogger(__name__)

Status = ScheduledPost.Status
Step = ScheduledPost.Step

# Candidates read per claim attempt. Several, so that rows another worker
# claims between our read and our write do not end the search.
CLAIM_BATCH = 5


def worker_name():
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class PassResult:
    counts: Counter = field(default_factory=Counter)
    steps: int = 0


class Claim:
    """A worker's hold on one post. Every write through it checks the hold is still ours."""

    def __init__(self, post, worker):
        self.post = post
        self.worker = worker

    def save(self, **fields):
        fields["updated_at"] = timezone.now()
        rows = ScheduledPost.objects.filter(pk=self.post.pk, status=self.post.status, claimed_by=self.worker)
        if rows.update(**fields) != 1:
            raise ClaimLost(f"post {self.post.pk} is no longer held by {self.worker}")
        for name, value in fields.items():
            setattr(self.post, name, value)

    def renew(self):
        self.save(claim_expires_at=claim_expiry(clock.now()))


def due_filter(now):
    """Return the condition that makes a post the next step's candidate at `now`."""
    window_start = now - timedelta(hours=settings.AUTOPOST_CATCHUP_HOURS)
    generate = Q(
        status=Status.SCHEDULED,
        due_at__lte=now + timedelta(minutes=settings.AUTOPOST_LOOKAHEAD_MINUTES),
        due_at__gte=window_start,
    )
    publish = Q(status=Status.IMAGES_READY, due_at__lte=now, character__publishing_paused=False) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    retry = Q(
        status=Status.FAILED,
        next_attempt_at__lte=now,
        retry_count__lt=F("max_retries"),
        due_at__gte=window_start,
    )
    stale = Q(status__in=ScheduledPost.CLAIMED_STATUSES, claim_expires_at__lt=now)
    return (generate | publish | retry | stale) & Q(character__active=True)


def next_status(post):
    if post.status == Status.SCHEDULED:
        return Status.GENERATING
    if post.status == Status.IMAGES_READY:
        return Status.POSTING
    if post.status == Status.FAILED:
        return Status.POSTING if post.error_step == Step.POSTING else Status.GENERATING
    return post.status  # an expired claim on generating or posting, taken over


def claim_next(*, worker, now, character=None):
    """Claim the oldest due post and commit the claim; return it, or None when nothing is due."""
    candidates = (
        ScheduledPost.objects.filter(due_filter(now)).select_related("character").order_by("due_at", "id")
    )
    if character:
        candidates = candidates.filter(character_id=character)
    if connection.features.has_select_for_update_skip_locked:
        # PostgreSQL: rows another worker is claiming are skipped, not waited for.
        # SQLite has no row locks; there the IMMEDIATE transaction serialises
        # claims and the conditional update below decides.
        candidates = candidates.select_for_update(skip_locked=True, of=("self",))

    with transaction.atomic():
        for post in candidates[:CLAIM_BATCH]:
            message = _("claimed")
            if post.status in ScheduledPost.CLAIMED_STATUSES:
                message = _("claim of %(worker)s expired at %(at)s UTC") % {
                    "worker": post.claimed_by,
                    "at": f"{post.claim_expires_at:%Y-%m-%d %H:%M:%S}",
                }
            try:
                # The claim's expiry counts from this moment, not from the pass's
                # start, so a claim taken late in a long pass is not born expired.
                transition(
                    post, next_status(post), actor=worker, claim=worker, now=clock.now(), message=message
                )
            except ClaimLost:
                continue
            return post
    return None


def mark_missed(*, worker, now, character=None):
    """Mark as missed every post past the catch-up window that never started publishing."""
    hours = settings.AUTOPOST_CATCHUP_HOURS
    # A post held for the publishing quota (images_ready with a next attempt)
    # waits for the end of the quota window, which may be past the catch-up window.
    late = ScheduledPost.objects.filter(
        Q(status=Status.SCHEDULED)
        | Q(status=Status.IMAGES_READY, next_attempt_at__isnull=True)
        | Q(status=Status.FAILED, next_attempt_at__isnull=False),
        due_at__lt=now - timedelta(hours=hours),
    ).order_by("due_at")
    if character:
        late = late.filter(character_id=character)

    reason = _("Slot passed more than %(hours)s h ago before it was published.") % {"hours": hours}
    missed = []
    for post in late:
        try:
            transition(
                post,
                Status.MISSED,
                actor=worker,
                now=now,
                message=reason,
                error_message=reason,
            )
        except ClaimLost:
            continue
        missed.append(post)
    notifications.posts_missed(missed)
    return missed


def backoff_seconds(attempt, retry_after=None):
    """Return the wait before retry number `attempt` (1-based): doubling, with up to 25 % jitter.

    The jitter never reaches the next doubling, so successive waits always grow.
    """
    delay = settings.AUTOPOST_RETRY_BASE_SECONDS * 2 ** (attempt - 1) * random.uniform(1.0, 1.25)
    return max(delay, retry_after or 0)


def fail(post, *, worker, step, error, now):
    """Record a failed step; schedule a retry unless the error is permanent or retries are spent."""
    retryable = getattr(error, "retryable", True)
    attempts = post.retry_count + 1
    will_retry = retryable and attempts < post.max_retries
    next_attempt = None
    if will_retry:
        next_attempt = now + timedelta(seconds=backoff_seconds(attempts, getattr(error, "retry_after", None)))
    message = str(error) or error.__class__.__name__
    transition(
        post,
        Status.FAILED,
        actor=worker,
        now=now,
        expected_claim=worker,
        message=f"{Step(step).label}: {message}",
        error_message=message,
        error_step=step,
        retry_count=attempts,
        next_attempt_at=next_attempt,
    )
    if not will_retry:
        notifications.post_failed(post)
    return will_retry


def generate(post, *, worker, now):
    claim = Claim(post, worker)
    claim.save(generation_started_at=timezone.now())
    urls = get_image_generator().generate(post, claim=claim)
    transition(
        post,
        Status.IMAGES_READY,
        actor=worker,
        now=timezone.now(),
        expected_claim=worker,
        message=ngettext("%(count)s image", "%(count)s images", len(urls)) % {"count": len(urls)},
        image_urls=urls,
        generation_completed_at=timezone.now(),
        error_message="",
        next_attempt_at=None,
    )
    return "generated"


def publish(post, *, worker, now):
    """Publish a claimed post, asking the publisher first whether an earlier attempt got through."""
    claim = Claim(post, worker)
    publisher = get_publisher()
    result = publisher.reconcile(post, claim=claim)
    if result is not None:
        outcome, message = "reconciled", _("found already published; not published again")
    else:
        claim.save(posting_started_at=timezone.now())
        result = publisher.publish(post, claim=claim)
        outcome, message = "posted", _("published as %(media_id)s") % {"media_id": result.media_id}
    transition(
        post,
        Status.POSTED,
        actor=worker,
        now=timezone.now(),
        expected_claim=worker,
        message=message,
        instagram_post_id=result.media_id,
        instagram_permalink=result.permalink,
        posted_at=timezone.now(),
        error_message="",
        next_attempt_at=None,
        publish_outcome_unknown=False,
    )
    return outcome


def run_step(post, *, worker, now):
    """Run the claimed post's step; return the outcome name for the pass summary."""
    step = Step.POSTING if post.status == Status.POSTING else Step.GENERATING
    try:
        with kept_alive(post.pk, worker):
            if step == Step.POSTING:
                return publish(post, worker=worker, now=now)
            return generate(post, worker=worker, now=now)
    except ClaimLost:
        logger.warning("post %s: claim lost during %s; row left as the new owner set it", post.pk, step)
        return "claim_lost"
    except PublishHeld as held:
        return _record_hold(post, worker=worker, held=held)
    except ProviderError as error:
        logger.warning("post %s: %s failed: %s", post.pk, step, error)
        return _record_failure(post, worker=worker, step=step, error=error, now=now)
    except Exception as error:
        # An unexpected error is treated as retryable so one bad row cannot stop
        # the pass; the traceback goes to the log.
        logger.exception("post %s: unexpected error during %s", post.pk, step)
        return _record_failure(post, worker=worker, step=step, error=error, now=now)


def _record_hold(post, *, worker, held):
    """Put a post back to images_ready until `held.until`, with a note and without spending a retry."""
    logger.info("post %s: held until %s: %s", post.pk, held.until, held.reason)
    try:
        transition(
            post,
            Status.IMAGES_READY,
            actor=worker,
            now=timezone.now(),
            expected_claim=worker,
            message=held.reason,
            next_attempt_at=held.until,
            note=held.reason,
        )
    except ClaimLost:
        return "claim_lost"
    notifications.post_held(post, reason=held.reason, until=held.until)
    return "held"


def _record_failure(post, *, worker, step, error, now):
    try:
        retrying = fail(post, worker=worker, step=step, error=error, now=timezone.now())
    except ClaimLost:
        return "claim_lost"
    return "retrying" if retrying else "failed"


def run_pass(*, worker, character=None, max_posts=None, report=None, should_stop=None):
    """Run one executor pass: mark missed posts, then every due step, oldest slot first."""
    now = clock.now()
    result = PassResult()
    ExecutorHeartbeat.objects.update_or_create(
        worker=worker, defaults={"pass_started_at": now, "pass_finished_at": None}
    )

    missed = mark_missed(worker=worker, now=now, character=character)
    result.counts["missed"] = len(missed)
    for post in missed:
        if report:
            report(post, "missed")
    while max_posts is None or result.steps < max_posts:
        if should_stop and should_stop():
            break
        post = claim_next(worker=worker, now=now, character=character)
        if post is None:
            break
        result.steps += 1
        if report:
            report(post, "claimed")
        outcome = run_step(post, worker=worker, now=now)
        result.counts[outcome] += 1
        if report:
            report(post, outcome)

    ExecutorHeartbeat.objects.filter(worker=worker).update(
        pass_finished_at=timezone.now(), counts=dict(result.counts)
    )
    return result
