"""Keeping Instagram access tokens alive: refresh those that expire within a week.

Long-lived Instagram Login tokens last 60 days and can be refreshed once they
are at least 24 hours old and not yet expired (Meta's refresh_access_token
reference), so a daily run with a 7-day margin refreshes each one in time.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

import requests
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from autopost import notifications
from autopost.models import Character
from autopost.providers import http
from autopost.providers.graph import SERVICE, parse_error

logger = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(days=7)


@dataclass
class RefreshSummary:
    refreshed: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    expired: list = field(default_factory=list)


class RefreshFailed(Exception):
    def __init__(self, message, *, token_invalid=False):
        super().__init__(message)
        self.token_invalid = token_invalid


def request_refresh(token):
    """Return (new token, lifetime in seconds) from Instagram's refresh endpoint."""
    try:
        response = http.session(SERVICE).get(
            settings.INSTAGRAM_TOKEN_REFRESH_URL,
            params={"grant_type": "ig_refresh_token", "access_token": token},
            timeout=http.timeout(),
        )
    except requests.RequestException as error:
        raise RefreshFailed(f"Instagram token refresh failed: {http.redact(str(error), token)}") from None
    if response.status_code != 200:
        error = parse_error(response, token)
        raise RefreshFailed(str(error), token_invalid=error.code == 190)
    body = response.json()
    return body["access_token"], int(body["expires_in"])


def tokens_due(now):
    return (
        Character.objects.filter(active=True, needs_new_token=False)
        .exclude(access_token="")
        .filter(Q(token_expires_at__isnull=True) | Q(token_expires_at__lte=now + REFRESH_MARGIN))
    )


def refresh_tokens(*, now=None):
    """Refresh every active character's token that expires within 7 days; notify failures and expiries."""
    now = now or timezone.now()
    summary = RefreshSummary()
    for character in tokens_due(now):
        if character.token_expires_at and character.token_expires_at <= now:
            _mark_expired(character, "the Instagram access token has expired; a new one is needed")
            summary.expired.append(character.slug)
            continue
        try:
            token, lifetime = request_refresh(character.access_token)
        except RefreshFailed as error:
            summary.failed.append(character.slug)
            _refresh_failed(character, error, now)
            continue
        # Conditional on the old token, so a token a person pasted meanwhile is kept.
        Character.objects.filter(pk=character.pk, access_token=character.access_token).update(
            access_token=token, token_expires_at=now + timedelta(seconds=lifetime), updated_at=now
        )
        logger.info("character %s: access token refreshed, valid %s days", character.slug, lifetime // 86400)
        summary.refreshed.append(character.slug)
    return summary


def _refresh_failed(character, error, now):
    logger.warning("character %s: token refresh failed: %s", character.slug, error)
    if error.token_invalid:
        _mark_expired(character, f"the Instagram access token was rejected: {error}")
        return
    expiry = (
        f"{character.token_expires_at:%Y-%m-%d %H:%M} UTC"
        if character.token_expires_at
        else "an unknown date"
    )
    notifications.character_event(
        "token_refresh_failed",
        character,
        f"the Instagram access token could not be refreshed; it expires on {expiry}",
        error=str(error),
        dedupe=f"refresh_failed:{now:%Y-%m-%d}",
        expires=expiry,
    )


def _mark_expired(character, reason):
    Character.objects.filter(pk=character.pk).update(needs_new_token=True)
    expiry = f"{character.token_expires_at:%Y-%m-%d}" if character.token_expires_at else "unknown"
    notifications.character_event(
        "token_expired", character, reason, error=reason, dedupe=f"expired:{expiry}"
    )
