"""Instagram returns 500s, times out and throttles for a while, then recovers."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from autopost.executor import run_pass
from autopost.models import ScheduledPost
from tests.factories import CharacterFactory, ScheduledPostFactory

Status = ScheduledPost.Status
START = datetime(2026, 12, 24, 9, 0, tzinfo=UTC)
IMAGES = [f"/media/posts/img-{n}.jpg" for n in (1, 2, 3)]


@pytest.fixture
def accounts(db, fake_instagram):
    people = []
    for number, slug in enumerate(["mila", "elena"], start=1):
        account, token = f"1784140000000{number}", f"IGQWRtest-outage-token-{slug}-0001"
        fake_instagram.add_account(account, token)
        people.append(CharacterFactory(slug=slug, instagram_account_id=account, access_token=token))
    return people


def outage_posts(people, *, patient, impatient):
    """Create `patient` posts with 6 attempts and `impatient` ones with 2, all due at START."""
    posts = []
    for index in range(patient + impatient):
        posts.append(
            ScheduledPostFactory(
                character=people[index % 2],
                at=START - timedelta(minutes=index + 1),
                status=Status.IMAGES_READY,
                image_urls=IMAGES,
                max_retries=6 if index < patient else 2,
            )
        )
    return posts


def test_outage_500_timeout_429_then_recovery_8_posts(
    accounts, fake_instagram, fake_discord, settings, media_root
):
    settings.AUTOPOST_HTTP_TIMEOUT = 0.3
    posts = outage_posts(accounts, patient=4, impatient=4)
    phases = [
        lambda: fake_instagram.fail("POST", r"/media$", status=500, times=1000),
        lambda: fake_instagram.fail("POST", r"/media$", status=200, delay=0.6, times=1000),
        lambda: fake_instagram.fail(
            "POST",
            r"/media$",
            status=429,
            headers={"Retry-After": "60"},
            body={"error": {"message": "Too many calls", "code": 4, "type": "OAuthException"}},
            times=1000,
        ),
    ]

    now = START
    for phase in phases:
        fake_instagram.faults.clear()
        phase()
        with time_machine.travel(now, tick=False):
            run_pass(worker="outage")
        now += timedelta(minutes=30)
    fake_instagram.faults.clear()
    for _ in range(4):
        with time_machine.travel(now, tick=False):
            run_pass(worker="recovered")
        now += timedelta(minutes=30)

    patient = ScheduledPost.objects.filter(pk__in=[p.pk for p in posts[:4]])
    impatient = ScheduledPost.objects.filter(pk__in=[p.pk for p in posts[4:]])
    assert set(patient.values_list("status", flat=True)) == {Status.POSTED}
    assert set(impatient.values_list("status", flat=True)) == {Status.FAILED}
    assert all(post.error_message for post in impatient)
    assert all(post.next_attempt_at is None for post in impatient)
    assert sorted(fake_instagram.publishes.values()) == [1, 1, 1, 1]
    failure_messages = [r for r in fake_discord.requests if r.method == "POST"]
    assert len(failure_messages) == 4
