"""Status badges shared by the admin and the calendar, and the admin index's dashboard."""

from datetime import timedelta

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from autopost.models import ScheduledPost
from autopost.selectors import attention_counts, recent_heartbeats
from autopost.status_styles import STATUS_STYLES

register = template.Library()

Status = ScheduledPost.Status


# One colour and icon per status, shared with the calendar: autopost/status_styles.py.


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
