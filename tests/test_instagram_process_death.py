"""A real worker process dies between media_publish and its database write (PostgreSQL only).

The child process shares the test database, so this needs a server that
other processes can reach: the SQLite test database lives in memory.
"""

import os
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from autopost.executor import run_pass
from autopost.models import ScheduledPost
from tests.factories import CharacterFactory, ScheduledPostFactory

pytestmark = pytest.mark.postgres

Status = ScheduledPost.Status
TOKEN = "IGQWR-process-death-secret-token"
ACCOUNT = "17841400000009"

CHILD = textwrap.dedent(
    """
    import os

    import django

    django.setup()
    from autopost import executor

    original_save = executor.Claim.save

    def save(self, **fields):
        if fields.get("instagram_post_id"):
            os._exit(137)  # killed: no exception handler, no cleanup, no write
        return original_save(self, **fields)

    executor.Claim.save = save
    executor.run_pass(worker="doomed-worker")
    """
)


def database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def run_child(fake_instagram, settings):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "AUTOPOST_PUBLISHER": "instagram",
        "INSTAGRAM_GRAPH_URL": fake_instagram.graph_url,
        "AUTOPOST_PUBLIC_MEDIA_URL": settings.AUTOPOST_PUBLIC_MEDIA_URL,
        "AUTOPOST_INSTAGRAM_POLL_SECONDS": "0.01",
    }
    return subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=60)


def test_killed_worker_post_is_reconciled_not_republished(transactional_db, fake_instagram, settings):
    fake_instagram.add_account(ACCOUNT, TOKEN)
    mila = CharacterFactory(slug="mila", instagram_account_id=ACCOUNT, access_token=TOKEN)
    post = ScheduledPostFactory(
        character=mila,
        at=timezone.now() - timedelta(minutes=1),
        status=Status.IMAGES_READY,
        image_urls=["/media/a.jpg", "/media/b.jpg", "/media/c.jpg"],
    )

    child = run_child(fake_instagram, settings)

    post.refresh_from_db()
    assert child.returncode == 137, child.stderr
    assert post.status == Status.POSTING
    assert post.claimed_by == "doomed-worker"
    assert post.instagram_post_id == ""
    assert fake_instagram.total_publishes() == 1

    # Time passes until the dead worker's claim expires; a live worker takes over.
    ScheduledPost.objects.filter(pk=post.pk).update(claim_expires_at=timezone.now() - timedelta(seconds=1))
    run_pass(worker="live-worker")

    post.refresh_from_db()
    assert post.status == Status.POSTED
    assert post.instagram_permalink.startswith("https://www.instagram.com/p/")
    assert fake_instagram.total_publishes() == 1
    assert len(fake_instagram.requests_to("POST", r"/media_publish$")) == 1
