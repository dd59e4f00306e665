"""Notifications to a Discord channel through its webhook (DISCORD_WEBHOOK_URL).

API: https://discord.com/developers/docs/resources/webhook#execute-webhook.
One embed per event. A 429 carries Retry-After in seconds; a 404 means the
webhook was deleted, so sending stops with an error log.
"""

import logging
import time

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from autopost.models import SentNotification
from autopost.providers import http
from autopost.providers.base import Notifier

logger = logging.getLogger(__name__)

SERVICE = "Discord"
MAX_ATTEMPTS = 3
MAX_WAIT_SECONDS = 30
COLOURS = {"post_failed": 0xD32F2F, "character_paused": 0xD32F2F, "token_expired": 0xD32F2F}
DEFAULT_COLOUR = 0xF9A825
# Embed limits from Discord's embed object reference.
TITLE_LIMIT, DESCRIPTION_LIMIT, FIELD_LIMIT = 256, 4096, 1024

# Webhook URLs that returned 404 in this process; nothing more is sent to them.
_deleted_webhooks = set()


def admin_link(post_id):
    path = reverse("admin:autopost_scheduledpost_change", args=[post_id])
    return f"{settings.AUTOPOST_SITE_URL}{path}"


# The people reading the channel work in the site's language (French by
# default); the English summary of the event stays in the logs.
TITLES = {
    "post_failed": _("Post failed for good"),
    "posts_missed": _("Posts missed"),
    "post_held": _("Post held for the publishing quota"),
    "token_refresh_failed": _("Access token not refreshed"),
    "token_expired": _("Access token expired"),
    "character_paused": _("Publishing paused"),
}
LEADS = {
    "post_failed": _("%(character)s: the post of %(slot)s failed for good at the %(step)s step."),
    "post_held": _("%(character)s: the post of %(slot)s waits until the publishing quota frees up."),
    "token_refresh_failed": _(
        "%(character)s: the Instagram access token could not be refreshed; it expires on %(expires)s."
    ),
    "token_expired": _("%(character)s: the Instagram access token is invalid or expired; enter a new one."),
    "character_paused": _("%(character)s: publishing is paused until a person resumes it in the admin."),
}


def describe(event):
    """Return the embed's description, in the active language."""
    details = event.details
    if event.kind == "posts_missed":
        count = len(event.post_ids)
        return ngettext("%(count)s post missed: %(slots)s", "%(count)s posts missed: %(slots)s", count) % {
            "count": count,
            "slots": details.get("slot", ""),
        }
    if event.kind in LEADS:
        return str(LEADS[event.kind]) % {
            "character": details.get("character", ""),
            "slot": details.get("slot", ""),
            "step": details.get("step", ""),
            "expires": details.get("expires", ""),
        }
    return event.summary


def build_embed(event):
    with translation.override(settings.LANGUAGE_CODE):
        return _build_embed(event)


def _build_embed(event):
    details = event.details
    fields = [
        {"name": str(name), "value": str(details[key])[:FIELD_LIMIT], "inline": inline}
        for name, key, inline in (
            (_("Character"), "character", True),
            (_("Slot"), "slot", True),
            (_("Step"), "step", True),
            (_("Error"), "error", False),
        )
        if details.get(key) not in (None, "")
    ]
    if event.post_ids:
        links = "\n".join(admin_link(post_id) for post_id in event.post_ids[:10])
        fields.append({"name": str(_("Admin")), "value": links[:FIELD_LIMIT], "inline": False})
    title = TITLES.get(event.kind) or event.kind.replace("_", " ").capitalize()
    return {
        "title": str(title)[:TITLE_LIMIT],
        "description": describe(event)[:DESCRIPTION_LIMIT],
        "color": COLOURS.get(event.kind, DEFAULT_COLOUR),
        "fields": fields,
    }


class DiscordNotifier(Notifier):
    def send(self, event):
        url = settings.DISCORD_WEBHOOK_URL
        if url in _deleted_webhooks:
            logger.error("Discord webhook returned 404 earlier; %s event not sent", event.kind)
            return
        if not self._reserve(event):
            logger.info("%s event %s already sent; not sent again", event.kind, event.dedupe_key)
            return
        if not self._post(url, {"embeds": [build_embed(event)], "allowed_mentions": {"parse": []}}, event):
            SentNotification.objects.filter(key=event.dedupe_key).delete()

    def _reserve(self, event):
        # The unique key is written before sending, so two workers cannot send
        # the same event; it is removed again when sending fails.
        try:
            with transaction.atomic():
                SentNotification.objects.create(key=event.dedupe_key, kind=event.kind)
        except IntegrityError:
            return False
        return True

    def _post(self, url, payload, event):
        """Return True once Discord accepted the message."""
        session = http.session(SERVICE)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                response = session.post(url, json=payload, timeout=http.timeout())
            except requests.RequestException as error:
                logger.error(
                    "Discord webhook failed for %s event: %s", event.kind, http.redact(str(error), url)
                )
                return False
            if response.status_code in (200, 204):
                return True
            if response.status_code == 404:
                _deleted_webhooks.add(url)
                logger.error(
                    "Discord webhook not found (404): notifications stop until DISCORD_WEBHOOK_URL "
                    "is replaced and the process restarted"
                )
                return False
            if response.status_code == 429 and attempt < MAX_ATTEMPTS:
                wait = min(http.retry_after_seconds(response) or 1.0, MAX_WAIT_SECONDS)
                logger.warning("Discord rate limit on %s event; retrying in %.1f s", event.kind, wait)
                time.sleep(wait)
                continue
            logger.error("Discord webhook returned HTTP %s for %s event", response.status_code, event.kind)
            return False
        return False
