"""Helpers shared by every HTTP provider: one session per service, timeouts, secret-free messages."""

import logging
import re
import threading

import requests
from django.conf import settings

from autopost.providers.base import PermanentError, RetryableError

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5
SECRET_IN_TEXT = re.compile(r"(access_token=|Bearer\s+|x-api-key[\"':\s]+)[^&\s\"',)]+", re.IGNORECASE)

_sessions = {}
_sessions_lock = threading.Lock()


class RedactSecrets(logging.Filter):
    """Hide tokens in urllib3's debug lines, which print request paths with their query."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


logging.getLogger("urllib3.connectionpool").addFilter(RedactSecrets())


def session(service):
    """Return the shared requests.Session of a service, created on first use."""
    with _sessions_lock:
        if service not in _sessions:
            created = requests.Session()
            created.headers["User-Agent"] = "autopost/0.1"
            _sessions[service] = created
        return _sessions[service]


def timeout():
    return (CONNECT_TIMEOUT, settings.AUTOPOST_HTTP_TIMEOUT)


def redact(text, *secrets):
    """Return `text` with query-string tokens, bearer tokens and the given secrets masked."""
    text = SECRET_IN_TEXT.sub(r"\1[redacted]", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return text


def retry_after_seconds(response):
    """Return the Retry-After header in seconds, or None when it is missing or not a number."""
    value = response.headers.get("Retry-After")
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def transport_error(service, error, *secrets):
    """Return a RetryableError for a timeout or a broken connection, without any secret in it."""
    kind = "timed out" if isinstance(error, requests.Timeout) else "connection failed"
    return RetryableError(f"{service} request {kind}: {redact(str(error), *secrets)[:300]}")


def status_error(service, response, detail, *secrets):
    """Return the error for a non-2xx response: 429 and 5xx are retryable, the rest permanent."""
    message = f"{service} returned HTTP {response.status_code}: {redact(detail, *secrets)[:500]}"
    if response.status_code == 429:
        return RetryableError(message, retry_after=retry_after_seconds(response))
    if response.status_code >= 500:
        return RetryableError(message)
    return PermanentError(message)
