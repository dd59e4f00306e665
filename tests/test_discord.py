"""The Discord notifier against the fake webhook."""

import logging
from datetime import time, timedelta

import pytest

from autopost import notifications
from autopost.models import ScheduledPost, SentNotification
from tests.factories import ScheduledPostFactory

Status = ScheduledPost.Status


@pytest.fixture
def failed_post(db):
    return ScheduledPostFactory(
        status=Status.FAILED,
        error_step=ScheduledPost.Step.POSTING,
        error_message="Instagram error (HTTP 400, code 36000): The image size is too large.",
        retry_count=3,
    )


def test_embed_in_english_when_site_is(failed_post, fake_discord, settings):
    settings.LANGUAGE_CODE = "en"

    notifications.post_failed(failed_post)

    embed = fake_discord.messages[0]["embeds"][0]
    assert embed["title"] == "Post failed for good"
    assert [field["name"] for field in embed["fields"]][:2] == ["Character", "Slot"]


def test_post_failed_sends_one_embed(failed_post, fake_discord):
    notifications.post_failed(failed_post)

    embed = fake_discord.messages[0]["embeds"][0]
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    assert len(fake_discord.messages) == 1
    assert embed["title"] == "Publication en échec définitif"
    assert embed["description"].startswith(f"{failed_post.character_id} : la publication de 2026-12-24 10:00")
    assert fields["Personnage"] == failed_post.character_id
    assert fields["Créneau"] == "2026-12-24 10:00"
    assert fields["Étape"] == "posting"
    assert "image size is too large" in fields["Erreur"]
    assert fields["Admin"] == (
        f"https://autopost.example.test/admin/autopost/scheduledpost/{failed_post.pk}/change/"
    )
    assert fake_discord.messages[0]["allowed_mentions"] == {"parse": []}


def test_same_event_for_same_attempt_sent_once(failed_post, fake_discord):
    notifications.post_failed(failed_post)
    notifications.post_failed(failed_post)

    assert len(fake_discord.messages) == 1
    assert SentNotification.objects.count() == 1


def test_failure_after_person_retry_is_a_new_event(failed_post, fake_discord):
    notifications.post_failed(failed_post)
    # A person retried the post; it failed again with the same retry count.
    failed_post.updated_at += timedelta(hours=1)
    notifications.post_failed(failed_post)

    assert len(fake_discord.messages) == 2


def test_rate_limit_waits_retry_after_then_sends(failed_post, fake_discord):
    fake_discord.rate_limit_next(seconds=0.05)

    notifications.post_failed(failed_post)

    assert len(fake_discord.requests) == 2
    assert len(fake_discord.messages) == 1


def test_not_found_stops_with_error_log(failed_post, fake_discord, settings, caplog):
    settings.DISCORD_WEBHOOK_URL = fake_discord.webhook_url.replace(fake_discord.TOKEN, "deleted-token")

    notifications.post_failed(failed_post)
    failed_post.updated_at += timedelta(hours=1)
    notifications.post_failed(failed_post)

    assert len(fake_discord.requests) == 1
    assert "Discord webhook not found (404)" in caplog.text
    assert SentNotification.objects.count() == 0
    assert "deleted-token" not in caplog.text


def test_failed_send_can_be_sent_later(failed_post, fake_discord):
    fake_discord.fail("POST", r"/api/webhooks/", status=500)

    notifications.post_failed(failed_post)
    notifications.post_failed(failed_post)

    assert len(fake_discord.messages) == 1


def test_notifier_failure_leaves_post_untouched(failed_post, fake_discord):
    fake_discord.fail("POST", r"/api/webhooks/", drop=True)

    notifications.post_failed(failed_post)

    failed_post.refresh_from_db()
    assert failed_post.status == Status.FAILED
    assert fake_discord.messages == []


def test_webhook_url_never_logged(failed_post, fake_discord, caplog):
    caplog.set_level(logging.DEBUG)
    fake_discord.fail("POST", r"/api/webhooks/", drop=True)

    notifications.post_failed(failed_post)

    assert "Discord webhook failed" in caplog.text
    assert fake_discord.TOKEN not in caplog.text


def test_missed_posts_are_one_message(db, fake_discord):
    posts = [ScheduledPostFactory(status=Status.MISSED, scheduled_time=time(hour, 0)) for hour in (8, 12)]

    notifications.posts_missed(posts)

    assert len(fake_discord.messages) == 1
    assert "2 publications manquées" in fake_discord.messages[0]["embeds"][0]["description"]


def test_without_webhook_events_go_to_log(failed_post, settings, caplog):
    settings.AUTOPOST_NOTIFIER = "log"

    notifications.post_failed(failed_post)

    assert "post_failed" in caplog.text
