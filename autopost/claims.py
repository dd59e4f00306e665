"""Keeping a claim alive while a long step runs."""

import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

from autopost import clock
from autopost.models import ScheduledPost
from autopost.pipeline import claim_expiry

logger = logging.getLogger(__name__)


def renew_claim(post_id, worker):
    """Push the claim's expiry forward; return False when the claim is no longer ours."""
    rows = ScheduledPost.objects.filter(
        pk=post_id, claimed_by=worker, status__in=ScheduledPost.CLAIMED_STATUSES
    ).update(claim_expires_at=claim_expiry(clock.now()))
    return rows == 1


@contextmanager
def kept_alive(post_id, worker, *, every=None):
    """Renew the claim every third of its lifetime in a thread until the block ends.

    The thread has its own database connection and closes it when it stops, so a
    slow provider call never lets the claim lapse while this worker is alive.
    When the worker dies, renewals stop and the claim expires as it should.
    """
    every = every or settings.AUTOPOST_CLAIM_SECONDS / 3
    stop = threading.Event()

    def renew_until_stopped():
        try:
            while not stop.wait(every):
                if not renew_claim(post_id, worker):
                    logger.warning("post %s: claim of %s lost; renewals stop", post_id, worker)
                    return
                logger.debug("post %s: claim of %s renewed", post_id, worker)
        finally:
            connection.close()

    thread = threading.Thread(target=renew_until_stopped, name=f"claim-{post_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
