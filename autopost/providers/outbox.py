"""The offline publisher: writes each post's caption and images under media/outbox/."""

import json
import os
from pathlib import Path

from django.conf import settings

from autopost.providers.base import Publisher, PublishResult


def outbox_folder(post):
    return (
        Path(settings.MEDIA_ROOT)
        / "outbox"
        / post.character_id
        / f"{post.scheduled_date.isoformat()}-{post.scheduled_time:%H%M}-{post.pk}"
    )


class OutboxPublisher(Publisher):
    """Publish by writing files. post.json is written last, by rename, so it marks a publish."""

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
        }
        partial = folder / "post.json.partial"
        partial.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(partial, folder / "post.json")
        return self._result(post)

    def reconcile(self, post, *, claim):
        if (outbox_folder(post) / "post.json").exists():
            return self._result(post)
        return None

    def _result(self, post):
        relative = outbox_folder(post).relative_to(settings.MEDIA_ROOT).as_posix()
        return PublishResult(media_id=f"outbox-{post.pk}", permalink=f"{settings.MEDIA_URL}{relative}/")
