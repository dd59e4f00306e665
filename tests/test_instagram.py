"""The Instagram publisher against the fake Graph API, through real executor passes."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from autopost.executor import run_pass
from autopost.models import Character, ScheduledPost
from tests.factories import CharacterFactory, ScheduledPostFactory
from tests.fakes import graph_error

Status = ScheduledPost.Status
TOKEN = "IGQWRtest-secret-token-mila-0001"
ACCOUNT = "17841400000001"
# One publish pass of a 3-image carousel: heartbeat, missed-post sweep, the
# claim, one committed write per container id, two around media_publish, the
# posted transition with its day-row lock, and the final empty claim query
# (savepoints included).
QUERIES_PER_PUBLISH = 35
IMAGES = [f"/media/posts/mila/img-{n}.jpg" for n in (1, 2, 3)]


@pytest.fixture
def mila_ig(db, fake_instagram):
    fake_instagram.add_account(ACCOUNT, TOKEN)
    return CharacterFactory(slug="mila", name="Mila", instagram_account_id=ACCOUNT, access_token=TOKEN)


@pytest.fixture
def post(mila_ig):
    return ScheduledPostFactory(
        character=mila_ig,
        at=timezone.now() - timedelta(minutes=1),
        status=Status.IMAGES_READY,
        image_urls=IMAGES,
    )


def publish_pass(worker="worker-1"):
    return run_pass(worker=worker)


def test_publish_success_posts_with_permalink(post, fake_instagram):
    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.POSTED
    assert post.instagram_permalink.startswith("https://www.instagram.com/p/FAKE")
    assert post.instagram_post_id in fake_instagram.media
    assert fake_instagram.publishes == {post.ig_container_id: 1}
    assert len(post.ig_item_container_ids) == 3
    assert post.publish_outcome_unknown is False


def test_publish_request_bodies(post, fake_instagram):
    publish_pass()

    post.refresh_from_db()
    creates = fake_instagram.requests_to("POST", rf"/{ACCOUNT}/media$")
    items, carousel = creates[:3], creates[3]
    assert len(creates) == 4
    assert [r.form["image_url"] for r in items] == [
        [f"https://media.autopost.test/posts/mila/img-{n}.jpg"] for n in (1, 2, 3)
    ]
    assert all(r.form["is_carousel_item"] == ["true"] for r in items)
    assert carousel.form["media_type"] == ["CAROUSEL"]
    assert carousel.form["children"] == [",".join(post.ig_item_container_ids)]
    assert carousel.form["caption"] == [post.full_caption]
    publish = fake_instagram.requests_to("POST", r"/media_publish$")
    assert [r.form["creation_id"] for r in publish] == [[post.ig_container_id]]


def test_token_sent_in_header_only(post, fake_instagram):
    publish_pass()

    assert fake_instagram.requests
    for request in fake_instagram.requests:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert "access_token" not in request.params


def test_quota_read_before_any_container(post, fake_instagram):
    publish_pass()

    paths = [r.path for r in fake_instagram.requests]
    assert paths[0].endswith("/content_publishing_limit")
    assert fake_instagram.requests[0].query["fields"] == ["quota_usage,config"]


def test_container_polled_until_finished(post, fake_instagram):
    fake_instagram.polls_until_finished = 3

    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.POSTED
    polls = fake_instagram.requests_to("GET", rf"/{post.ig_container_id}$")
    assert len(polls) == 3
    assert polls[0].query["fields"] == ["status_code,status"]


def test_no_token_in_logs(post, fake_instagram, caplog):
    caplog.set_level(logging.DEBUG)
    fake_instagram.fail("POST", r"/media_publish$", body=graph_error(1, "An unknown error occurred"))

    publish_pass()
    post.refresh_from_db()
    post.status = Status.FAILED
    ScheduledPost.objects.filter(pk=post.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    publish_pass()

    assert "media_publish" in caplog.text or "publish" in caplog.text
    assert TOKEN not in caplog.text
    assert all(TOKEN not in record.getMessage() for record in caplog.records)


# At most once: crashes, dropped connections and reconcile.


def test_connection_drop_after_publish_is_reconciled(post, fake_instagram):
    fake_instagram.drop_after_publish()

    publish_pass()
    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.publish_outcome_unknown is True
    assert post.next_attempt_at is not None

    ScheduledPost.objects.filter(pk=post.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    publish_pass("worker-2")

    post.refresh_from_db()
    assert post.status == Status.POSTED
    assert post.instagram_permalink.startswith("https://www.instagram.com/p/")
    assert fake_instagram.total_publishes() == 1
    assert len(fake_instagram.requests_to("POST", r"/media_publish$")) == 1


def test_timeout_after_publish_is_reconciled(post, fake_instagram, settings):
    settings.AUTOPOST_HTTP_TIMEOUT = 0.3
    fake_instagram.fail("POST", r"/media_publish$", status=200, body={"id": "late"}, after=True, delay=0.6)

    publish_pass()
    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.publish_outcome_unknown is True
    assert "no response" in post.error_message

    ScheduledPost.objects.filter(pk=post.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    publish_pass("worker-2")

    post.refresh_from_db()
    assert post.status == Status.POSTED
    assert fake_instagram.total_publishes() == 1


def test_reset_before_publish_is_checked_then_published_once(post, fake_instagram):
    # The connection drops before Instagram acts on the request: the outcome
    # is unknown to us, so the next attempt reads the container status first.
    fake_instagram.fail("POST", r"/media_publish$", drop=True)

    publish_pass()
    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.publish_outcome_unknown is True

    ScheduledPost.objects.filter(pk=post.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    publish_pass("worker-2")

    post.refresh_from_db()
    status_reads = fake_instagram.requests_to("GET", rf"/{post.ig_container_id}$")
    assert post.status == Status.POSTED
    assert status_reads[-2].query["fields"] == ["status_code"]
    assert len(fake_instagram.requests_to("POST", r"/media_publish$")) == 2
    assert fake_instagram.total_publishes() == 1


class ProcessKilled(BaseException):
    """Stands for the process dying: nothing in the executor catches it."""


def test_death_between_publish_and_write_is_reconciled(post, fake_instagram, monkeypatch):
    from autopost import executor

    original_save = executor.Claim.save

    def dying_save(self, **fields):
        if fields.get("instagram_post_id"):
            raise ProcessKilled
        return original_save(self, **fields)

    monkeypatch.setattr(executor.Claim, "save", dying_save)
    with pytest.raises(ProcessKilled):
        publish_pass()
    monkeypatch.setattr(executor.Claim, "save", original_save)
    post.refresh_from_db()
    assert post.status == Status.POSTING
    assert post.instagram_post_id == ""

    # The dead worker's claim expires; the next pass takes the post over.
    ScheduledPost.objects.filter(pk=post.pk).update(claim_expires_at=timezone.now() - timedelta(seconds=1))
    publish_pass("worker-2")

    post.refresh_from_db()
    assert post.status == Status.POSTED
    assert post.instagram_post_id in fake_instagram.media
    assert post.instagram_permalink == fake_instagram.media[post.instagram_post_id]["permalink"]
    assert fake_instagram.total_publishes() == 1


def test_published_container_is_never_published_again(post, fake_instagram):
    publish_pass()
    post.refresh_from_db()
    media_id = post.instagram_post_id
    # A person retries a post that Instagram already has (say the row was restored).
    ScheduledPost.objects.filter(pk=post.pk).update(status=Status.IMAGES_READY, instagram_permalink="")

    publish_pass("worker-2")

    post.refresh_from_db()
    assert post.status == Status.POSTED
    assert post.instagram_post_id == media_id
    assert fake_instagram.total_publishes() == 1


def test_expired_container_is_rebuilt(post, fake_instagram):
    fake_instagram.add_account(ACCOUNT, TOKEN)
    publish_pass_with_failure = fake_instagram.fail
    publish_pass_with_failure(
        "POST", r"/media_publish$", status=503, body=graph_error(2, "Service unavailable", transient=True)
    )
    publish_pass()
    post.refresh_from_db()
    old_container = post.ig_container_id
    assert post.status == Status.FAILED
    fake_instagram.set_status(old_container, "EXPIRED")
    ScheduledPost.objects.filter(pk=post.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    publish_pass("worker-2")

    post.refresh_from_db()
    assert post.status == Status.POSTED
    assert post.ig_container_id != old_container
    assert fake_instagram.publishes == {post.ig_container_id: 1}


def test_expired_at_publish_rebuilds_in_same_pass(post, fake_instagram):
    fake_instagram.fail(
        "POST",
        r"/media_publish$",
        body=graph_error(-2, "The media you are trying to access has expired.", subcode=2207020),
    )

    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.POSTED
    assert len(fake_instagram.requests_to("POST", rf"/{ACCOUNT}/media$")) == 8
    assert fake_instagram.total_publishes() == 1


def test_container_error_status_is_retried_with_new_containers(post, fake_instagram):
    fake_instagram.polls_until_finished = 99
    fake_instagram.fail(
        "GET", r"/\d+$", status=200, body={"id": "x", "status_code": "ERROR", "status": "ERROR"}
    )

    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.next_attempt_at is not None
    assert "ERROR" in post.error_message
    assert post.ig_container_id == ""
    assert post.ig_item_container_ids == []


def test_media_not_ready_publishes_same_container_again(post, fake_instagram):
    fake_instagram.fail(
        "POST", r"/media_publish$", body=graph_error(9007, "Media ID is not available", subcode=2207027)
    )

    publish_pass()

    post.refresh_from_db()
    publishes = fake_instagram.requests_to("POST", r"/media_publish$")
    assert post.status == Status.POSTED
    assert [r.form["creation_id"] for r in publishes] == [[post.ig_container_id]] * 2
    assert fake_instagram.total_publishes() == 1


def test_media_not_ready_past_deadline_keeps_container(post, fake_instagram, settings):
    settings.AUTOPOST_INSTAGRAM_POLL_TIMEOUT = 0.05
    not_ready = graph_error(9007, "Media ID is not available", subcode=2207027)
    fake_instagram.fail("POST", r"/media_publish$", body=not_ready, times=50)

    publish_pass()
    post.refresh_from_db()
    container = post.ig_container_id
    assert post.status == Status.FAILED
    assert post.next_attempt_at is not None
    assert "same container" in post.error_message
    assert post.publish_outcome_unknown is False

    fake_instagram.faults.clear()
    ScheduledPost.objects.filter(pk=post.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    publish_pass("worker-2")

    post.refresh_from_db()
    assert post.status == Status.POSTED
    assert post.ig_container_id == container
    assert fake_instagram.publishes == {container: 1}


def test_item_container_error_is_retried(post, fake_instagram):
    fake_instagram.polls_until_finished = 99
    fake_instagram.fail("GET", r"/\d+$", status=200, body={"id": "x", "status_code": "ERROR"})

    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert "image container" in post.error_message
    assert post.ig_item_container_ids == []
    assert fake_instagram.requests_to("POST", r"/media_publish$") == []


def test_publish_pass_query_count(post, fake_instagram, django_assert_num_queries):
    with django_assert_num_queries(QUERIES_PER_PUBLISH):
        publish_pass()

    post.refresh_from_db()
    assert post.status == Status.POSTED


# Quota holds.


def test_quota_used_up_holds_post(post, fake_instagram, fake_discord):
    fake_instagram.quota_used_elsewhere = 100
    before = timezone.now()

    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.IMAGES_READY
    assert post.retry_count == 0
    assert post.next_attempt_at >= before + timedelta(hours=23, minutes=59)
    assert "quota" in post.note
    assert fake_instagram.requests_to("POST", r"/media") == []
    assert [m["embeds"][0]["title"] for m in fake_discord.messages] == [
        "Publication retenue par le quota de publication"
    ]


def test_held_post_is_not_picked_before_window_end(post, fake_instagram):
    fake_instagram.quota_used_elsewhere = 100
    publish_pass()
    fake_instagram.quota_used_elsewhere = 0
    requests_before = len(fake_instagram.requests)

    result = publish_pass("worker-2")

    assert result.steps == 0
    assert len(fake_instagram.requests) == requests_before


def test_held_post_outlives_catch_up_window(post, fake_instagram):
    fake_instagram.quota_used_elsewhere = 100
    publish_pass()
    fake_instagram.quota_used_elsewhere = 0
    post.refresh_from_db()

    # The window ends 24 h later: the slot is then past the 18 h catch-up window.
    with time_machine.travel(post.next_attempt_at + timedelta(seconds=1), tick=True):
        result = publish_pass("worker-2")

    post.refresh_from_db()
    assert result.counts["missed"] == 0
    assert post.status == Status.POSTED
    assert fake_instagram.total_publishes() == 1


@pytest.mark.parametrize(("code", "subcode"), [(9, 2207042), (9, None)])
def test_daily_limit_error_holds_post(post, fake_instagram, code, subcode):
    fake_instagram.fail(
        "POST",
        r"/media_publish$",
        body=graph_error(code, "You reached maximum number of posts", subcode=subcode),
    )

    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.IMAGES_READY
    assert post.retry_count == 0
    assert post.next_attempt_at > timezone.now() + timedelta(hours=23)
    assert "limite quotidienne de publication" in post.note


# Errors by code.


def test_invalid_token_fails_and_flags_character(post, fake_instagram, fake_discord):
    fake_instagram.tokens.clear()

    publish_pass()

    post.refresh_from_db()
    character = Character.objects.get(pk=post.character.pk)
    assert post.status == Status.FAILED
    assert post.next_attempt_at is None
    assert "code 190" in post.error_message
    assert character.needs_new_token is True
    assert [m["embeds"][0]["title"] for m in fake_discord.messages] == [
        "Jeton d'accès expiré",
        "Publication en échec définitif",
    ]


def test_flagged_token_character_is_not_published(post, fake_instagram):
    Character.objects.filter(pk=post.character.pk).update(needs_new_token=True)

    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert "needs a new Instagram access token" in post.error_message
    assert fake_instagram.requests == []


@pytest.mark.parametrize(("code", "subcode", "words"), [(4, 2207051, "spam"), (25, 2207050, "restricted")])
def test_blocked_account_pauses_character(post, fake_instagram, fake_discord, code, subcode, words):
    fake_instagram.fail_with_code(code, "We restrict certain activity", subcode=subcode)

    publish_pass()

    post.refresh_from_db()
    character = Character.objects.get(pk=post.character.pk)
    assert post.status == Status.FAILED
    assert post.next_attempt_at is None
    assert character.publishing_paused is True
    assert words in character.paused_reason
    assert [m["embeds"][0]["title"] for m in fake_discord.messages] == [
        "Publication en pause",
        "Publication en échec définitif",
    ]


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_throttling_is_retried_with_backoff(post, fake_instagram, code):
    fake_instagram.fail(
        "POST", rf"/{ACCOUNT}/media$", body=graph_error(code, "Application request limit reached")
    )
    before = timezone.now()

    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.retry_count == 1
    assert post.next_attempt_at >= before + timedelta(seconds=100)
    assert f"code {code}" in post.error_message


def test_http_429_honours_retry_after(post, fake_instagram):
    fake_instagram.fail("POST", rf"/{ACCOUNT}/media$", status=429, headers={"Retry-After": "3600"})
    before = timezone.now()

    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.next_attempt_at >= before + timedelta(seconds=3600)
    assert "HTTP 429" in post.error_message


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, graph_error(1, "An unknown error occurred")),
        (400, graph_error(2, "Service temporarily unavailable", transient=True)),
    ],
)
def test_server_and_transient_errors_are_retried(post, fake_instagram, status, body):
    fake_instagram.fail("POST", rf"/{ACCOUNT}/media$", status=status, body=body)

    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.next_attempt_at is not None


def test_unknown_code_is_permanent_with_full_message(post, fake_instagram):
    fake_instagram.fail(
        "POST",
        rf"/{ACCOUNT}/media$",
        body=graph_error(36000, "The image size is too large.", subcode=2207004),
    )

    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.next_attempt_at is None
    assert post.error_message == (
        "Instagram error (HTTP 400, code 36000, subcode 2207004): The image size is too large. "
        "(fbtrace_id AbCdEf)"
    )


# Checks before any call.


def test_caption_over_2200_characters_fails_before_any_call(post, fake_instagram):
    ScheduledPost.objects.filter(pk=post.pk).update(caption="a" * 2190)

    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.next_attempt_at is None
    assert "at most 2200" in post.error_message
    assert fake_instagram.requests == []


def test_caption_over_30_hashtags_fails_before_any_call(post, fake_instagram):
    ScheduledPost.objects.filter(pk=post.pk).update(hashtags=[f"#t{n}" for n in range(31)])

    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert "31 hashtags" in post.error_message
    assert "at most 30" in post.error_message
    assert fake_instagram.requests == []


def test_missing_public_media_url_is_refused(post, fake_instagram, settings):
    settings.AUTOPOST_PUBLIC_MEDIA_URL = None

    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert "AUTOPOST_PUBLIC_MEDIA_URL is not set" in post.error_message
    assert fake_instagram.requests == []


def test_plain_http_media_url_is_refused_outside_debug(post, fake_instagram, settings):
    settings.AUTOPOST_PUBLIC_MEDIA_URL = "http://media.autopost.test"
    settings.DEBUG = False

    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert "is not https" in post.error_message
    assert fake_instagram.requests == []


def test_each_final_failure_notified_once(post, fake_instagram, fake_discord):
    from autopost import actions

    unknown = graph_error(36000, "The image size is too large.", subcode=2207004)
    fake_instagram.fail("POST", rf"/{ACCOUNT}/media$", body=unknown, times=2)
    publish_pass()
    post.refresh_from_db()
    actions.retry(post, actor="alice")
    publish_pass("worker-2")
    publish_pass("worker-3")

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert [m["embeds"][0]["title"] for m in fake_discord.messages] == ["Publication en échec définitif"] * 2


def test_single_image_fails_before_any_call(post, fake_instagram):
    ScheduledPost.objects.filter(pk=post.pk).update(image_urls=IMAGES[:1])

    publish_pass()

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert "needs 2 to 10 images; this post has 1" in post.error_message
    assert fake_instagram.requests == []


def test_discord_outage_leaves_failed_post_as_is(post, fake_instagram, fake_discord):
    fake_discord.fail("POST", r"/api/webhooks/", status=500, times=5)
    fake_instagram.fail_with_code(
        36000, "The image size is too large.", subcode=2207004, path=rf"/{ACCOUNT}/media$"
    )

    result = publish_pass()

    post.refresh_from_db()
    assert result.counts["failed"] == 1
    assert post.status == Status.FAILED
    assert post.next_attempt_at is None
    assert "image size is too large" in post.error_message
    assert fake_discord.messages == []
