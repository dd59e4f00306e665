"""Status badges shared by the admin and the calendar, and the admin index's dashboard."""

from dataclasses import dataclass
from datetime import timedelta

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from autopost.models import ScheduledPost
from autopost.selectors import attention_counts, recent_heartbeats

register = template.Library()

Status = ScheduledPost.Status


@dataclass(frozen=True)
class BadgeStyle:
    colour: str  # Tailwind colour family, for pages that use Tailwind classes
    background: str  # hex of the Tailwind 100 shade
    foreground: str  # hex of the Tailwind 800 shade
    icon: str


# One colour and icon per status; the admin and the calendar both read this map.
# Hex values are the 100 and 800 shades of Tailwind CSS v3's default palette
# (https://v3.tailwindcss.com/docs/colors).
STATUS_STYLES = {
    Status.SCHEDULED: BadgeStyle("slate", "#f1f5f9", "#1e293b", "◷"),
    Status.GENERATING: BadgeStyle("amber", "#fef3c7", "#92400e", "⟳"),
    Status.IMAGES_READY: BadgeStyle("blue", "#dbeafe", "#1e40af", "▣"),
    Status.POSTING: BadgeStyle("violet", "#ede9fe", "#5b21b6", "↑"),
    Status.POSTED: BadgeStyle("emerald", "#d1fae5", "#065f46", "✓"),
    Status.FAILED: BadgeStyle("rose", "#ffe4e6", "#9f1239", "✕"),
    Status.MISSED: BadgeStyle("gray", "#f3f4f6", "#1f2937", "◌"),
    Status.CANCELLED: BadgeStyle("gray", "#f3f4f6", "#1f2937", "⊘"),
}


def badge_context(status):
    status = Status(status)
    return {"status": status.value, "label": status.label, "style": STATUS_STYLES[status]}


def render_status_badge(status):
    """Return the badge's HTML, for Python callers such as admin list columns."""
    return render_to_string("autopost/status_badge.html", badge_context(status))


@register.inclusion_tag("autopost/status_badge.html")
def status_badge(status):
    return badge_context(status)


# An executor runs a pass every 15 s with --loop and every few minutes from cron;
# no pass in this long means nothing is publishing.
HEARTBEAT_STALE_MINUTES = 15


@register.simple_tag
def autopost_dashboard():
    """Return what the admin index shows above the app list: attention counts, heartbeats, links."""
    now = timezone.now()
    heartbeats = recent_heartbeats()
    stale = not heartbeats or heartbeats[0].pass_started_at < now - timedelta(minutes=HEARTBEAT_STALE_MINUTES)
    return {
        "counts": attention_counts(now),
        "attention_url": reverse("admin:autopost_scheduledpost_changelist") + "?attention=yes",
        "heartbeats": heartbeats,
        "stale": stale,
        "stale_minutes": HEARTBEAT_STALE_MINUTES,
        "schedules_url": _admin_url("admin:django_q_schedule_changelist"),
        "failures_url": _admin_url("admin:django_q_failure_changelist"),
    }


def _admin_url(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""
