"""Publishing carousels with the Instagram Graph API (AUTOPOST_PUBLISHER=instagram).

Flow (Meta's content publishing guide): one item container per image with
`is_carousel_item=true`, then the carousel container (`media_type=CAROUSEL`,
`children`, `caption`); each container's `status_code` is polled until
FINISHED, then `media_publish` with `creation_id`, then the permalink is read.
Every container id and the media id are stored the moment they come back, in
their own committed write, so a crash leaves a trace that `reconcile` reads.
"""

import logging
import re
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from autopost import notifications
from autopost.models import Character, ScheduledPost
from autopost.providers.base import PermanentError, Publisher, PublishHeld, PublishResult, RetryableError
from autopost.providers.graph import GraphClient, GraphError, NoAnswer

logger = logging.getLogger(__name__)

# Caption and carousel limits as publishing services document them for the
# Graph API (ayrshare.com/apis/post/social-networks/instagram): 2,200
# characters, 30 hashtags, up to 10 items in a carousel.
# NOTE: newer translations of that page give 5 hashtags; Instagram may be
# lowering the limit. 30 is the limit this project was asked to enforce.
MAX_CAPTION_CHARS = 2200
MAX_HASHTAGS = 30
HASHTAG = re.compile(r"#\w+")
MIN_ITEMS, MAX_ITEMS = 2, 10

# Error codes from Meta's Instagram Graph API error-code reference. Subcodes
# are checked first: 2207051 (spam) arrives with code 4, which alone means throttling.
TOKEN_INVALID = 190
THROTTLED = {4, 17, 32, 613}
DAILY_LIMIT_CODE, DAILY_LIMIT_SUBCODE = 9, 2207042
NOT_READY_CODE, NOT_READY_SUBCODE = 9007, 2207027
CONTAINER_EXPIRED = 2207020
ACCOUNT_BLOCKED = {2207051: "flagged as spam", 2207050: "account restricted"}
DEFAULT_QUOTA_SECONDS = 24 * 3600


def check_caption(post):
    """Raise PermanentError naming the limit when the caption is over one of Instagram's limits."""
    caption = post.full_caption
    if len(caption) > MAX_CAPTION_CHARS:
        raise PermanentError(
            f"Caption is {len(caption)} characters with its hashtags; Instagram allows at most "
            f"{MAX_CAPTION_CHARS}. Shorten the caption."
        )
    tags = len(HASHTAG.findall(caption))
    if tags > MAX_HASHTAGS:
        raise PermanentError(
            f"Caption has {tags} hashtags; Instagram allows at most {MAX_HASHTAGS}. Remove some hashtags."
        )


def check_images(post):
    """Raise PermanentError unless the post is a carousel of 2 to 10 images, as Instagram requires."""
    if post.post_type != ScheduledPost.PostType.CAROUSEL:
        raise PermanentError(f"Only carousels can be published to Instagram here, not {post.post_type}.")
    count = len(post.image_urls)
    if not MIN_ITEMS <= count <= MAX_ITEMS:
        raise PermanentError(
            f"A carousel needs {MIN_ITEMS} to {MAX_ITEMS} images; this post has {count}. "
            "Generate its images again."
        )


def public_media_base():
    base = settings.AUTOPOST_PUBLIC_MEDIA_URL
    if not base:
        raise PermanentError(
            "AUTOPOST_PUBLIC_MEDIA_URL is not set: Instagram downloads each image from it. "
            "Set it to the public https URL that serves the media folder."
        )
    if not base.startswith("https://") and not settings.DEBUG:
        raise PermanentError(
            f"AUTOPOST_PUBLIC_MEDIA_URL={base} is not https: Instagram only fetches media over https. "
            "Serve the media folder over https and set that URL."
        )
    return base


def public_url(url, base):
    """Return the address from which Instagram fetches one of our stored images."""
    if url.startswith(("https://", "http://")):
        return url
    if url.startswith(settings.MEDIA_URL):
        url = url[len(settings.MEDIA_URL) :]
    return f"{base}/{url.lstrip('/')}"


class InstagramPublisher(Publisher):
    def reconcile(self, post, *, claim):
        """Return the published result when the stored carousel container is PUBLISHED.

        EXPIRED (over 24 h) and ERROR containers are forgotten, so publish
        builds new ones; any other status means the container was never published.
        """
        if not post.ig_container_id:
            return None
        client = self._client(post)
        status = self._call(post, claim, client.get, post.ig_container_id, fields="status_code")[
            "status_code"
        ]
        logger.info("post %s: container %s is %s", post.pk, post.ig_container_id, status)
        if status == "PUBLISHED":
            return self._published_result(client, post, claim)
        if status in ("EXPIRED", "ERROR"):
            forget_containers(claim)
        return None

    def publish(self, post, *, claim):
        check_caption(post)
        check_images(post)
        media_base = public_media_base()
        client = self._client(post)
        self._check_quota(client, post, claim)

        try:
            return self._publish_container(client, post, claim, media_base)
        except GraphError as error:
            if error.subcode != CONTAINER_EXPIRED:
                raise self._error(error, post, claim) from None
        # The container expired between its status read and media_publish: build new ones, once.
        forget_containers(claim)
        try:
            return self._publish_container(client, post, claim, media_base)
        except GraphError as error:
            raise self._error(error, post, claim) from None

    def _publish_container(self, client, post, claim, media_base):
        if not post.ig_container_id:
            self._build_containers(client, post, claim, media_base)
        status = self._wait_finished(client, post, claim, post.ig_container_id)
        if status == "PUBLISHED":
            return self._published_result(client, post, claim)
        if status != "FINISHED":
            forget_containers(claim)
            raise RetryableError(
                f"carousel container ended {status}; new containers are built on the next attempt"
            )
        media_id = self._media_publish(client, post, claim)
        return PublishResult(media_id=media_id, permalink=self._permalink(client, post, media_id))

    def _client(self, post):
        character = post.character
        if not character.access_token or not character.instagram_account_id:
            raise PermanentError(
                f"{character.slug} has no Instagram account id or access token: fill both on the character."
            )
        if character.needs_new_token:
            raise PermanentError(f"{character.slug} needs a new Instagram access token before publishing.")
        return GraphClient(character.access_token)

    def _call(self, post, claim, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except NoAnswer as error:
            raise RetryableError(f"Instagram sent no response: {error}") from None
        except GraphError as error:
            raise self._error(error, post, claim) from None

    def _check_quota(self, client, post, claim):
        account = post.character.instagram_account_id
        body = self._call(
            post, claim, client.get, f"{account}/content_publishing_limit", fields="quota_usage,config"
        )
        data = (body.get("data") or [{}])[0]
        usage = data.get("quota_usage", 0)
        config = data.get("config") or {}
        total = config.get("quota_total")
        if total is not None and usage >= total:
            duration = config.get("quota_duration") or DEFAULT_QUOTA_SECONDS
            reason = _("publishing quota used up (%(usage)s of %(total)s in 24 h)") % {
                "usage": usage,
                "total": total,
            }
            raise self._hold(post, reason, duration)

    def _hold(self, post, reason, duration):
        # The quota is a rolling window. Its end is estimated from our own
        # posts in it; posts made outside Autopost also count, so the held
        # post may be held once more when it comes back.
        now = timezone.now()
        oldest = ScheduledPost.objects.filter(
            character_id=post.character_id, posted_at__gt=now - timedelta(seconds=duration)
        ).aggregate(oldest=Min("posted_at"))["oldest"]
        until = (oldest or now) + timedelta(seconds=duration)
        until = max(until, now + timedelta(minutes=1))
        note = _("Instagram: %(reason)s. Held until %(until)s UTC, without spending a retry.") % {
            "reason": reason,
            "until": f"{until:%Y-%m-%d %H:%M}",
        }
        return PublishHeld(note, until=until)

    def _build_containers(self, client, post, claim, media_base):
        account = post.character.instagram_account_id
        items = []
        for url in post.image_urls:
            body = self._call(
                post,
                claim,
                client.post,
                f"{account}/media",
                image_url=public_url(url, media_base),
                is_carousel_item="true",
            )
            items.append(body["id"])
            claim.save(ig_item_container_ids=list(items))
        for item in items:
            status = self._wait_finished(client, post, claim, item)
            if status != "FINISHED":
                forget_containers(claim)
                raise RetryableError(f"image container {item} ended {status}; rebuilt on the next attempt")
        body = self._call(
            post,
            claim,
            client.post,
            f"{account}/media",
            media_type="CAROUSEL",
            children=",".join(items),
            caption=post.full_caption,
        )
        claim.save(ig_container_id=body["id"])
        logger.info("post %s: carousel container %s with %s items", post.pk, body["id"], len(items))

    def _wait_finished(self, client, post, claim, container):
        deadline = time.monotonic() + settings.AUTOPOST_INSTAGRAM_POLL_TIMEOUT
        while True:
            status = self._call(post, claim, client.get, container, fields="status_code,status")[
                "status_code"
            ]
            if status != "IN_PROGRESS":
                return status
            if time.monotonic() > deadline:
                raise RetryableError(
                    f"container {container} still IN_PROGRESS after "
                    f"{settings.AUTOPOST_INSTAGRAM_POLL_TIMEOUT} s"
                )
            claim.renew()
            time.sleep(settings.AUTOPOST_INSTAGRAM_POLL_SECONDS)

    def _media_publish(self, client, post, claim):
        """Publish the carousel container once; retry only while Instagram returns 'not ready'."""
        account = post.character.instagram_account_id
        deadline = time.monotonic() + settings.AUTOPOST_INSTAGRAM_POLL_TIMEOUT
        while True:
            # Written before the request, so that when the response is lost the
            # next attempt reconciles instead of publishing blindly.
            claim.save(publish_outcome_unknown=True)
            try:
                body = client.post(f"{account}/media_publish", creation_id=post.ig_container_id)
            except NoAnswer as error:
                if not error.sent:
                    claim.save(publish_outcome_unknown=False)
                raise RetryableError(
                    f"media_publish of container {post.ig_container_id} got no response ({error}); "
                    "the container is checked before any new publish"
                ) from None
            except GraphError as error:
                if error.status >= 500:
                    raise RetryableError(
                        f"{error}; the container is checked before any new publish"
                    ) from None
                claim.save(publish_outcome_unknown=False)
                not_ready = error.code == NOT_READY_CODE or error.subcode == NOT_READY_SUBCODE
                if not not_ready or time.monotonic() > deadline:
                    raise
                time.sleep(settings.AUTOPOST_INSTAGRAM_POLL_SECONDS)
                continue
            claim.save(instagram_post_id=body["id"], publish_outcome_unknown=False)
            logger.info("post %s: published as media %s", post.pk, body["id"])
            return body["id"]

    def _published_result(self, client, post, claim):
        media_id = post.instagram_post_id or self._find_media(client, post, claim)
        if not media_id:
            logger.warning(
                "post %s: container %s is PUBLISHED but its media was not found in the "
                "account's latest posts",
                post.pk,
                post.ig_container_id,
            )
            return PublishResult(media_id="", permalink="")
        return PublishResult(media_id=media_id, permalink=self._permalink(client, post, media_id))

    def _find_media(self, client, post, claim):
        # A container does not name the media it became: the crash came
        # between media_publish and our write, so the media is among the
        # latest ones and carries our caption.
        account = post.character.instagram_account_id
        body = self._call(
            post, claim, client.get, f"{account}/media", fields="id,caption,timestamp", limit=25
        )
        for media in body.get("data", []):
            if media.get("caption") == post.full_caption:
                claim.save(instagram_post_id=media["id"])
                return media["id"]
        return ""

    def _permalink(self, client, post, media_id):
        # The post is out: a failure here must not fail it, so it is logged only.
        try:
            return client.get(media_id, fields="permalink").get("permalink", "")
        except (NoAnswer, GraphError) as error:
            logger.warning(
                "post %s: published as %s but its permalink could not be read: %s", post.pk, media_id, error
            )
            return ""

    def _error(self, error, post, claim):
        """Return the exception to raise for a Graph API error, after its side effects."""
        code, subcode = error.code, error.subcode
        character = post.character
        if subcode in ACCOUNT_BLOCKED:
            reason = f"Instagram: {ACCOUNT_BLOCKED[subcode]} ({error})"
            Character.objects.filter(pk=character.pk).update(
                publishing_paused=True, paused_reason=reason[:2000]
            )
            notifications.character_event(
                "character_paused",
                character,
                f"publishing paused: {reason}",
                error=reason,
                post=post,
                dedupe=f"paused:{attempt_key(post)}",
            )
            return PermanentError(
                f"{reason}. Publishing of {character.slug} is paused until a person resumes it."
            )
        if code == TOKEN_INVALID:
            Character.objects.filter(pk=character.pk).update(needs_new_token=True)
            notifications.character_event(
                "token_expired",
                character,
                "the Instagram access token is invalid or expired",
                error=str(error),
                post=post,
                dedupe=f"invalid:{attempt_key(post)}",
            )
            return PermanentError(f"{error}. {character.slug} needs a new access token.")
        if subcode == DAILY_LIMIT_SUBCODE or code == DAILY_LIMIT_CODE:
            return self._hold(post, _("daily publishing limit reached"), DEFAULT_QUOTA_SECONDS)
        if subcode == CONTAINER_EXPIRED:
            forget_containers(claim)
            return RetryableError(f"{error}; new containers are built on the next attempt")
        if code == NOT_READY_CODE or subcode == NOT_READY_SUBCODE:
            return RetryableError(f"{error}; the same container is published on the next attempt")
        if code in THROTTLED or error.status == 429:
            return RetryableError(f"{error}; throttled, retried with backoff", retry_after=error.retry_after)
        if error.status >= 500 or error.is_transient:
            return RetryableError(str(error))
        return PermanentError(str(error))


def attempt_key(post):
    """Return a key for this publish attempt: posting_started_at is written anew by each one."""
    started = post.posting_started_at
    return f"{post.pk}:{started:%Y%m%dT%H%M%S.%f}" if started else f"{post.pk}:{post.retry_count}"


def forget_containers(claim):
    claim.save(ig_container_id="", ig_item_container_ids=[], publish_outcome_unknown=False)
