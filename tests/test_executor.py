"""One executor pass: catch-up and lookahead windows, publishing on time, retries, claims."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from autopost.executor import backoff_seconds, run_pass
from autopost.models import DailySchedule, PostTransition, ScheduledPost
from autopost.pipeline import transition
from autopost.providers.base import PermanentError, RetryableError
from autopost.providers.outbox import OutboxPublisher, outbox_folder
from tests.factories import CharacterFactory, ScheduledPostFactory

Status = ScheduledPost.Status
# Thursday 24 December 2026, 12:00 in Paris.
NOW = datetime(2026, 12, 24, 11, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def mila(db):
    return CharacterFactory(slug="mila")


def post_due(character, offset, **fields):
    return ScheduledPostFactory(character=character, at=NOW + offset, **fields)


def run(worker="worker-a", **options):
    return run_pass(worker=worker, **options)


def statuses(*posts):
    return [ScheduledPost.objects.get(pk=post.pk).status for post in posts]


# Catch-up window: AUTOPOST_CATCHUP_HOURS = 18.


def test_post_exactly_at_catchup_limit_is_published(mila, backends, clock):
    post = post_due(mila, -timedelta(hours=18))

    result = run()

    assert statuses(post) == [Status.POSTED]
    assert result.counts["missed"] == 0
    assert backends.published[str(post.pk)] == 1


def test_post_one_minute_past_catchup_is_missed(mila, backends, clock):
    post = post_due(mila, -timedelta(hours=18, minutes=1))

    result = run()

    assert statuses(post) == [Status.MISSED]
    assert result.counts["missed"] == 1
    assert backends.generated == {}
    missed = PostTransition.objects.get(post=post)
    assert (missed.from_status, missed.to_status) == (Status.SCHEDULED, Status.MISSED)
    assert "18 h" in missed.message


def test_ready_post_past_catchup_is_missed(mila, backends, clock):
    post = post_due(mila, -timedelta(hours=18, minutes=1), status=Status.IMAGES_READY)

    run()

    assert statuses(post) == [Status.MISSED]
    assert backends.published == {}


def test_missed_posts_notify_once(mila, backends, clock):
    post_due(mila, -timedelta(hours=20))
    post_due(mila, -timedelta(hours=19))

    run()

    assert [event.kind for event in backends.events] == ["posts_missed"]
    assert len(backends.events[0].post_ids) == 2


def test_catchup_limit_follows_the_clock(mila, backends, clock):
    late = post_due(mila, timedelta(0))
    on_limit = post_due(mila, timedelta(minutes=1))
    clock.move_to(NOW + timedelta(hours=18, minutes=1))

    run()

    assert statuses(late, on_limit) == [Status.MISSED, Status.POSTED]


@pytest.mark.parametrize("hours", [1, 6])
def test_catchup_hours_setting_is_used(mila, backends, clock, settings, hours):
    settings.AUTOPOST_CATCHUP_HOURS = hours
    inside = post_due(mila, -timedelta(hours=hours))
    outside = post_due(mila, -timedelta(hours=hours, minutes=1))

    run()

    assert statuses(inside, outside) == [Status.POSTED, Status.MISSED]


# Lookahead window: AUTOPOST_LOOKAHEAD_MINUTES = 60.


def test_post_exactly_at_lookahead_is_generated_not_published(mila, backends, clock):
    post = post_due(mila, timedelta(minutes=60))

    run()

    assert statuses(post) == [Status.IMAGES_READY]
    assert backends.generated[str(post.pk)] == 1
    assert backends.published == {}


def test_post_one_minute_past_lookahead_is_untouched(mila, backends, clock):
    post = post_due(mila, timedelta(minutes=61))

    result = run()

    assert statuses(post) == [Status.SCHEDULED]
    assert result.steps == 0
    assert not PostTransition.objects.filter(post=post).exists()


def test_lookahead_setting_is_used(mila, backends, clock, settings):
    settings.AUTOPOST_LOOKAHEAD_MINUTES = 0
    due = post_due(mila, timedelta(0))
    ahead = post_due(mila, timedelta(minutes=1))

    run()

    assert statuses(due, ahead) == [Status.POSTED, Status.SCHEDULED]


# Never before the slot.


def test_post_is_published_at_its_slot_never_before(mila, backends, clock):
    post = post_due(mila, timedelta(minutes=30))

    run()
    clock.move_to(NOW + timedelta(minutes=29, seconds=59))
    run()
    before_slot = statuses(post)
    clock.move_to(NOW + timedelta(minutes=30))
    run()

    assert before_slot == [Status.IMAGES_READY]
    post.refresh_from_db()
    assert post.status == Status.POSTED
    assert post.posted_at == NOW + timedelta(minutes=30)
    assert backends.generated[str(post.pk)] == 1
    assert backends.published[str(post.pk)] == 1


def test_due_post_goes_through_every_status(mila, backends, clock):
    post = post_due(mila, -timedelta(minutes=5))

    run(worker="worker-a")

    history = list(PostTransition.objects.filter(post=post).values_list("from_status", "to_status", "actor"))
    assert history == [
        (Status.SCHEDULED, Status.GENERATING, "worker-a"),
        (Status.GENERATING, Status.IMAGES_READY, "worker-a"),
        (Status.IMAGES_READY, Status.POSTING, "worker-a"),
        (Status.POSTING, Status.POSTED, "worker-a"),
    ]
    post.refresh_from_db()
    assert post.instagram_post_id == f"test-{post.pk}"
    assert post.claimed_by == ""
    assert post.claim_expires_at is None
    assert DailySchedule.objects.get(pk=post.schedule_id).status == DailySchedule.Status.COMPLETED


def test_pass_takes_oldest_slot_first(mila, backends, clock):
    later = post_due(mila, -timedelta(minutes=5))
    older = post_due(mila, -timedelta(hours=2))

    result = run(max_posts=1)

    assert result.steps == 1
    assert statuses(older, later) == [Status.IMAGES_READY, Status.SCHEDULED]


def test_paused_character_gets_images_but_no_publish(mila, backends, clock):
    mila.publishing_paused = True
    mila.save()
    post = post_due(mila, -timedelta(minutes=5))

    run()

    assert statuses(post) == [Status.IMAGES_READY]
    assert backends.published == {}


def test_inactive_character_is_skipped(mila, backends, clock):
    mila.active = False
    mila.save()
    post = post_due(mila, -timedelta(minutes=5))

    run()

    assert statuses(post) == [Status.SCHEDULED]


def test_character_option_limits_the_pass(mila, backends, clock):
    elena = CharacterFactory(slug="elena")
    mine = post_due(mila, -timedelta(minutes=5))
    theirs = post_due(elena, -timedelta(minutes=5))

    run(character="mila")

    assert statuses(mine, theirs) == [Status.POSTED, Status.SCHEDULED]


# Failures and retries.


def test_retryable_failure_retries_with_growing_delays_then_fails(mila, backends, clock):
    def unavailable(post):
        raise RetryableError("upstream answered 503")

    backends.on_generate = unavailable
    post = post_due(mila, -timedelta(minutes=5))
    delays = []

    for _attempt in range(post.max_retries):
        run()
        post.refresh_from_db()
        assert post.status == Status.FAILED
        if post.next_attempt_at is None:
            break
        now = datetime.now(UTC)
        delays.append((post.next_attempt_at - now).total_seconds())
        run()  # before next_attempt_at: nothing to do
        assert backends.generated[str(post.pk)] == post.retry_count
        clock.move_to(post.next_attempt_at)

    assert post.retry_count == post.max_retries == 3
    assert backends.generated[str(post.pk)] == 3
    assert len(delays) == 2
    assert 120 <= delays[0] <= 150
    assert 240 <= delays[1] <= 300
    assert delays[1] > delays[0]
    assert post.error_step == ScheduledPost.Step.GENERATING
    assert post.error_message == "upstream answered 503"
    assert [event.kind for event in backends.events] == ["post_failed"]
    assert backends.events[0].post_ids == [str(post.pk)]


def test_failed_post_stays_failed_after_last_retry(mila, backends, clock):
    post = post_due(mila, -timedelta(minutes=5), status=Status.FAILED, retry_count=3)
    ScheduledPost.objects.filter(pk=post.pk).update(next_attempt_at=NOW - timedelta(minutes=1))

    result = run()

    assert result.steps == 0
    assert statuses(post) == [Status.FAILED]


def test_permanent_error_fails_at_once(mila, backends, clock):
    def rejected(post):
        raise PermanentError("access token is invalid")

    backends.on_publish = rejected
    post = post_due(mila, -timedelta(minutes=5))

    run()
    clock.move_to(NOW + timedelta(hours=1))
    run()

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.retry_count == 1
    assert post.next_attempt_at is None
    assert post.error_step == ScheduledPost.Step.POSTING
    assert post.error_message == "access token is invalid"
    assert backends.published[str(post.pk)] == 1
    assert [event.kind for event in backends.events] == ["post_failed"]
    assert DailySchedule.objects.get(pk=post.schedule_id).status == DailySchedule.Status.PARTIAL


def test_publish_failure_retries_publishing_only(mila, backends, clock):
    attempts = []

    def fails_once(post):
        attempts.append(post.pk)
        if len(attempts) == 1:
            raise RetryableError("timed out", retry_after=600)

    backends.on_publish = fails_once
    post = post_due(mila, -timedelta(minutes=5))

    run()
    post.refresh_from_db()
    retry_at = post.next_attempt_at
    clock.move_to(retry_at)
    run()

    assert retry_at == NOW + timedelta(seconds=600)
    post.refresh_from_db()
    assert post.status == Status.POSTED
    assert post.error_message == ""
    assert post.next_attempt_at is None
    assert backends.generated[str(post.pk)] == 1
    assert backends.published[str(post.pk)] == 2


def test_unexpected_error_is_retried(mila, backends, clock):
    def broken(post):
        raise ValueError("bad pixel")

    backends.on_generate = broken
    post = post_due(mila, -timedelta(minutes=5))

    result = run()

    post.refresh_from_db()
    assert result.counts["retrying"] == 1
    assert post.status == Status.FAILED
    assert post.next_attempt_at is not None
    assert post.error_message == "bad pixel"


def test_one_failure_does_not_stop_the_pass(mila, backends, clock):
    broken = post_due(mila, -timedelta(hours=2))

    def fails_for_first(post):
        if post.pk == broken.pk:
            raise RetryableError("upstream answered 500")

    backends.on_generate = fails_for_first
    fine = post_due(mila, -timedelta(hours=1))

    result = run()

    assert statuses(broken, fine) == [Status.FAILED, Status.POSTED]
    assert result.counts == {"missed": 0, "retrying": 1, "generated": 1, "posted": 1}


def test_backoff_doubles_within_jitter(settings):
    settings.AUTOPOST_RETRY_BASE_SECONDS = 100

    waits = [backoff_seconds(attempt) for attempt in (1, 2, 3)]

    assert 100 <= waits[0] <= 125
    assert 200 <= waits[1] <= 250
    assert 400 <= waits[2] <= 500
    assert backoff_seconds(1, retry_after=900) == 900


# Claims.


def test_claim_lost_during_generation_leaves_row_untouched(mila, backends, clock):
    def cancelled_meanwhile(post):
        stored = ScheduledPost.objects.get(pk=post.pk)
        transition(stored, Status.CANCELLED, actor="admin:alice", message="cancelled by hand")

    backends.on_generate = cancelled_meanwhile
    post = post_due(mila, -timedelta(minutes=5))

    result = run()

    post.refresh_from_db()
    assert result.counts["claim_lost"] == 1
    assert post.status == Status.CANCELLED
    assert post.image_urls == []
    assert post.claimed_by == ""
    last = PostTransition.objects.filter(post=post).last()
    assert (last.to_status, last.actor) == (Status.CANCELLED, "admin:alice")


def test_claim_taken_over_during_publish_leaves_row_untouched(mila, backends, clock):
    def taken_over(post):
        ScheduledPost.objects.filter(pk=post.pk).update(claimed_by="worker-b")

    backends.on_publish = taken_over
    post = post_due(mila, -timedelta(minutes=5), status=Status.IMAGES_READY)
    before = PostTransition.objects.filter(post=post).count()

    result = run(worker="worker-a")

    post.refresh_from_db()
    assert result.counts["claim_lost"] == 1
    assert post.status == Status.POSTING
    assert post.claimed_by == "worker-b"
    assert post.instagram_post_id == ""
    assert post.posted_at is None
    assert PostTransition.objects.filter(post=post).count() == before + 1


def test_held_claim_is_not_taken(mila, backends, clock):
    post = post_due(mila, -timedelta(minutes=5), status=Status.GENERATING)
    ScheduledPost.objects.filter(pk=post.pk).update(
        claimed_by="worker-b", claim_expires_at=NOW + timedelta(minutes=1)
    )

    result = run(worker="worker-a")

    post.refresh_from_db()
    assert result.steps == 0
    assert (post.status, post.claimed_by) == (Status.GENERATING, "worker-b")


def test_expired_claim_is_taken_over(mila, backends, clock):
    post = post_due(mila, -timedelta(minutes=5), status=Status.GENERATING)
    ScheduledPost.objects.filter(pk=post.pk).update(
        claimed_by="worker-b", claim_expires_at=NOW - timedelta(seconds=1)
    )

    run(worker="worker-a")

    post.refresh_from_db()
    assert post.status == Status.POSTED
    takeover = PostTransition.objects.filter(post=post).first()
    assert (takeover.from_status, takeover.to_status, takeover.actor) == (
        Status.GENERATING,
        Status.GENERATING,
        "worker-a",
    )
    assert "worker-b" in takeover.message


# DST days in Europe/Paris.


def test_spring_gap_slot_publishes_at_three(mila, backends, clock):
    # 02:30 does not exist on 29 March 2026; the slot moves to 03:00 (01:00 UTC).
    post = ScheduledPostFactory(character=mila, scheduled_date=date(2026, 3, 29), scheduled_time=time(2, 30))
    clock.move_to(datetime(2026, 3, 29, 0, 59, tzinfo=UTC))
    run()
    early = statuses(post)
    clock.move_to(datetime(2026, 3, 29, 1, 0, tzinfo=UTC))
    run()

    assert early == [Status.IMAGES_READY]
    assert statuses(post) == [Status.POSTED]


def test_autumn_repeated_slot_publishes_once(mila, backends, clock):
    # 02:30 occurs twice on 25 October 2026; the first one is 00:30 UTC.
    post = ScheduledPostFactory(character=mila, scheduled_date=date(2026, 10, 25), scheduled_time=time(2, 30))
    clock.move_to(datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
    run()
    clock.move_to(datetime(2026, 10, 25, 1, 30, tzinfo=UTC))
    run()

    assert statuses(post) == [Status.POSTED]
    assert backends.published[str(post.pk)] == 1


# Crashes and late retries.


def test_failed_retry_past_catchup_is_missed(mila, backends, clock):
    post = post_due(mila, -timedelta(hours=19), status=Status.FAILED, retry_count=1)
    ScheduledPost.objects.filter(pk=post.pk).update(next_attempt_at=NOW - timedelta(hours=1))

    run()

    assert statuses(post) == [Status.MISSED]
    assert backends.generated == {}


def test_crashed_publish_is_reconciled_not_repeated(mila, clock, media_root):
    post = post_due(mila, -timedelta(minutes=5), status=Status.POSTING, image_urls=["/media/a.jpg"])
    ScheduledPost.objects.filter(pk=post.pk).update(
        claimed_by="worker-b", claim_expires_at=NOW - timedelta(seconds=1)
    )
    # worker-b wrote the outbox record, then died before recording the publish.
    OutboxPublisher().publish(post, claim=None)
    record = outbox_folder(post) / "post.json"
    written = record.stat().st_mtime_ns

    result = run(worker="worker-a")

    post.refresh_from_db()
    assert result.counts["reconciled"] == 1
    assert post.status == Status.POSTED
    assert post.instagram_post_id == f"outbox-{post.pk}"
    assert post.posting_started_at is None
    assert record.stat().st_mtime_ns == written
    last = PostTransition.objects.filter(post=post).last()
    assert last.message == "déjà publiée ; pas publiée une seconde fois"
