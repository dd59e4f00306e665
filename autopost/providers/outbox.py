"""The offline publisher: writes each post's caption and images under media/outbox/."""

import json
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings

from autopost.providers.base import Publisher, PublishResult

logger = logging.getLogger(__name__)


def outbox_folder(post):
    return (
        Path(settings.MEDIA_ROOT)
        / "outbox"
        / post.character_id
        / f"{post.scheduled_date.isoformat()}-{post.scheduled_time:%H%M}-{post.pk}"
    )


def duplicates_log():
    return Path(settings.MEDIA_ROOT) / "outbox" / "duplicates.log"


class OutboxPublisher(Publisher):
    """Publish by creating post.json; its creation is the publication.

    The file is hard-linked into place from a complete temporary file, which is
    atomic and fails if post.json exists, so a post is published at most once
    even across killed processes. A publish call that finds it already there
    would be a second post on a real service: it is logged and appended to
    outbox/duplicates.log, which the reliability tests read.
    """

    def publish(self, post, *, claim):
        folder = outbox_folder(post)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "caption.txt").write_text(post.full_caption + "\n", encoding="utf-8")
        record = {
            "post_id": str(post.pk),
            "character": post.character_id,
            "slot": f"{post.scheduled_date.isoformat()} {post.scheduled_time:%H:%M}",
            "images": post.image_urls,
            "caption": post.full_caption,
            "published_by": getattr(claim, "worker", ""),
        }
        with tempfile.NamedTemporaryFile("w", dir=folder, suffix=".partial", delete=False) as partial:
            json.dump(record, partial, ensure_ascii=False, indent=2)
        try:
            os.link(partial.name, folder / "post.json")
        except FileExistsError:
            logger.error("post %s: published a second time by %s", post.pk, getattr(claim, "worker", ""))
            with duplicates_log().open("a", encoding="utf-8") as log:
                log.write(f"{post.pk}\t{getattr(claim, 'worker', '')}\n")
        finally:
            os.unlink(partial.name)
        return self._result(post)

    def reconcile(self, post, *, claim):
        if (outbox_folder(post) / "post.json").exists():
            return self._result(post)
        return None

    def _result(self, post):
        relative = outbox_folder(post).relative_to(settings.MEDIA_ROOT).as_posix()
        # The link opens post.json because the static file server returns 404 for a folder URL.
        return PublishResult(
            media_id=f"outbox-{post.pk}", permalink=f"{settings.MEDIA_URL}{relative}/post.json"
        )
