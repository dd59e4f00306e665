"""Test settings: the project's settings with a throwaway key and fast hashing."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")

from autopost.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Executor subprocesses of the reliability tests share their parent's media folder.
MEDIA_ROOT = os.environ.get("AUTOPOST_TEST_MEDIA_ROOT")
if not MEDIA_ROOT:
    MEDIA_ROOT = tempfile.mkdtemp(prefix="autopost-test-media-")
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
LANGUAGE_CODE = "fr"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Tests freeze the host clock with time-machine; the database clock has its own tests.
AUTOPOST_CLOCK = "host"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the reliability tests run executors in other processes
    # that must see the same test database. The process id keeps two test runs on
    # one machine apart; pytest-xdist adds a suffix per worker.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"autopost-test-{os.getpid()}.sqlite3")
    }
