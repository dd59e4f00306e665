"""Settings of the executor subprocesses started by the reliability tests."""

import os

from autopost.providers import BACKENDS
from tests.settings import *  # noqa: F403

BACKENDS["AUTOPOST_IMAGE_GENERATOR"]["tiny"] = "tests.reliability.backends.TinyImageGenerator"
BACKENDS["AUTOPOST_PUBLISHER"]["slow_outbox"] = "tests.reliability.backends.SlowOutboxPublisher"
AUTOPOST_IMAGE_GENERATOR = "tiny"
AUTOPOST_PUBLISHER = "slow_outbox"
AUTOPOST_CLAIM_SECONDS = int(os.environ.get("RELIABILITY_CLAIM_SECONDS", "600"))
AUTOPOST_RETRY_BASE_SECONDS = 1
# Real time in the subprocesses; the database clock on PostgreSQL, as in production.
AUTOPOST_CLOCK = "database"
DATABASES["default"]["TEST"] = {}  # noqa: F405  the parent passes the test database's own name
