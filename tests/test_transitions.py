"""Every status pair: allowed ones write the post, its history and its day; others write nothing."""

import pytest
from django.utils import translation

from autopost.models import DailySchedule, PostTransition, ScheduledPost
from autopost.pipeline import ClaimLost, InvalidTransition, transition
from tests.factories import ScheduledPostFactory

Status = ScheduledPost.Status
PAIRS = [(source, target) for source in Status for target in Status]
ALLOWED = [(s, t) for s, t in PAIRS if t in ScheduledPost.TRANSITIONS[s]]
REFUSED = [(s, t) for s, t in PAIRS if t not in ScheduledPost.TRANSITIONS[s]]


def pair_id(pair):
    return f"{pair[0].value}->{pair[1].value}"


def test_transition_table_covers_every_status():
    assert set(ScheduledPost.TRANSITIONS) == set(Status)
    assert len(ALLOWED) + len(REFUSED) == 64


def test_final_statuses_allow_no_transition():
    assert ScheduledPost.TRANSITIONS[Status.POSTED] == set()
    assert ScheduledPost.TRANSITIONS[Status.CANCELLED] == set()


@pytest.mark.parametrize("pair", ALLOWED, ids=pair_id)
def test_allowed_transition_is_written(db, pair):
    source, target = pair
    post = ScheduledPostFactory(status=source)
    claim = "worker-a" if target in ScheduledPost.CLAIMED_STATUSES else None

    transition(post, target, actor="tester", claim=claim, message="because")

    post.refresh_from_db()
    assert post.status == target
    assert post.claimed_by == (claim or "")
    assert (post.claim_expires_at is not None) == bool(claim)
    history = list(PostTransition.objects.filter(post=post).values_list("from_status", "to_status", "actor"))
    assert history == [(source, target, "tester")]
    assert PostTransition.objects.get(post=post).message == "because"


@pytest.mark.parametrize("pair", REFUSED, ids=pair_id)
def test_refused_transition_writes_nothing(db, pair):
    source, target = pair
    post = ScheduledPostFactory(status=source)
    post.refresh_from_db()
    schedule = DailySchedule.objects.get(pk=post.schedule_id)

    with translation.override("en"), pytest.raises(InvalidTransition) as raised:
        transition(post, target, actor="tester", claim="worker-a")

    with translation.override("en"):
        assert str(raised.value) == f"A post cannot go from {source.label} to {target.label}."
    stored = ScheduledPost.objects.get(pk=post.pk)
    assert stored.status == source
    assert stored.updated_at == post.updated_at
    assert stored.claimed_by == ""
    assert not PostTransition.objects.filter(post=post).exists()
    assert DailySchedule.objects.get(pk=schedule.pk).updated_at == schedule.updated_at


def test_transition_from_stale_status_raises_claim_lost(db):
    post = ScheduledPostFactory()
    ScheduledPost.objects.filter(pk=post.pk).update(status=Status.CANCELLED)

    with pytest.raises(ClaimLost):
        transition(post, Status.GENERATING, actor="tester", claim="worker-a")

    post.refresh_from_db()
    assert post.status == Status.CANCELLED
    assert not PostTransition.objects.filter(post=post).exists()


def test_transition_with_other_claim_raises_claim_lost(db):
    post = ScheduledPostFactory()
    transition(post, Status.GENERATING, actor="worker-a", claim="worker-a")

    with pytest.raises(ClaimLost):
        transition(post, Status.IMAGES_READY, actor="worker-b", expected_claim="worker-b")

    post.refresh_from_db()
    assert post.status == Status.GENERATING
    assert post.claimed_by == "worker-a"
    assert PostTransition.objects.filter(post=post).count() == 1


def test_transition_into_claimed_status_needs_owner(db):
    post = ScheduledPostFactory()

    with pytest.raises(AssertionError):
        transition(post, Status.GENERATING, actor="tester")

    post.refresh_from_db()
    assert post.status == Status.SCHEDULED


def test_transition_refreshes_day_progress(db):
    post = ScheduledPostFactory()

    transition(post, Status.GENERATING, actor="tester", claim="worker-a")

    schedule = DailySchedule.objects.get(pk=post.schedule_id)
    assert schedule.status == DailySchedule.Status.IN_PROGRESS
    assert schedule.posts_total == 1
