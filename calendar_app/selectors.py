"""Reads behind the calendar page, its partials and the JSON API.

Days are days of the site's time zone (settings.TIME_ZONE). A post belongs to
the day on which its due instant falls in that zone, so a post at 23:30 on a
Sunday in Paris stays on that Sunday whatever its UTC date is. Every function
runs a fixed number of queries, whatever the number of posts.
"""

import re
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse

from autopost.models import Character, ExecutorHeartbeat, PostTransition, ScheduledPost
from autopost.status_styles import STATUS_STYLES, style_for

Status = ScheduledPost.Status
PENDING_STATUSES = (Status.SCHEDULED, Status.GENERATING, Status.IMAGES_READY, Status.POSTING)
# Transitions shown under each of today's posts, newest first.
TRANSITIONS_SHOWN = 3
# UTC offsets run from -12:00 to +14:00, so a post's local date (scheduled_date)
# is at most two days away from its date in the site's zone. Filtering on the
# indexed scheduled_date first keeps the due_at range check to a few rows.
LOCAL_DATE_MARGIN = timedelta(days=2)
# The form of a Character.slug: a SlugField of at most 50 characters.
SLUG_PATTERN = re.compile(r"[-a-zA-Z0-9_]{1,50}")


def site_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_today(now):
    return now.astimezone(site_zone()).date()


def monday_of(day):
    return day - timedelta(days=day.weekday())


def day_start(day):
    """Return the aware instant at which `day` starts in the site's zone (DST-safe)."""
    return datetime.combine(day, time.min, tzinfo=site_zone())


@dataclass
class Day:
    date: date
    is_today: bool
    is_past: bool
    posts: list = field(default_factory=list)
    now_line_index: int | None = None  # posts before this index are past

    @property
    def stats(self):
        counts = Counter(post.status for post in self.posts)
        return {
            "total": len(self.posts),
            "posted": counts[Status.POSTED],
            "pending": sum(counts[status] for status in PENDING_STATUSES),
            "failed": counts[Status.FAILED],
        }


def active_characters():
    """Return the characters offered as filter tabs: the active ones, by name."""
    return list(Character.objects.filter(active=True).order_by("name"))


def find_character(slug):
    """Return the character with this slug, or None; a value that cannot be a slug is never queried.

    PostgreSQL rejects a NUL byte in a text parameter, so such a query string
    would otherwise end in a 500.
    """
    if not SLUG_PATTERN.fullmatch(slug):
        return None
    return Character.objects.filter(slug=slug).first()


def posts_between(first_day, last_day, *, character=None, now):
    """Return the posts due from `first_day` to `last_day` (site days, inclusive), decorated for display."""
    rows = ScheduledPost.objects.filter(
        scheduled_date__gte=first_day - LOCAL_DATE_MARGIN,
        scheduled_date__lte=last_day + LOCAL_DATE_MARGIN,
        due_at__gte=day_start(first_day),
        due_at__lt=day_start(last_day + timedelta(days=1)),
    )
    if character is not None:
        rows = rows.filter(character=character)
    posts = list(rows.select_related("character").order_by("due_at", "character__name"))
    return decorate(posts, now=now)


def today_posts(*, character=None, now):
    """Return today's posts with their last transitions, in two queries."""
    today = local_today(now)
    rows = ScheduledPost.objects.filter(
        scheduled_date__gte=today - LOCAL_DATE_MARGIN,
        scheduled_date__lte=today + LOCAL_DATE_MARGIN,
        due_at__gte=day_start(today),
        due_at__lt=day_start(today + timedelta(days=1)),
    )
    if character is not None:
        rows = rows.filter(character=character)
    # A sliced Prefetch runs one windowed query for all posts (Django 4.2+).
    recent = PostTransition.objects.order_by("-at", "-id")[:TRANSITIONS_SHOWN]
    rows = rows.select_related("character").prefetch_related(
        Prefetch("transitions", queryset=recent, to_attr="recent_transitions")
    )
    return decorate(list(rows.order_by("due_at", "character__name")), now=now)


def decorate(posts, *, now):
    """Attach what the templates and the API show: site-local due time, style, admin link."""
    zone = site_zone()
    # reverse() once: the change URL only differs by the primary key.
    placeholder = "00000000-0000-0000-0000-000000000000"
    admin_url = reverse("admin:autopost_scheduledpost_change", args=[placeholder])
    # Labels translated once per request: a week of 100 characters has 2,100 posts,
    # and per-post lookups in the template dominated the page's time.
    labels = {status: str(status.label) for status in Status}
    for post in posts:
        post.local_due = post.due_at.astimezone(zone)
        post.time_label = f"{post.local_due:%H:%M}"
        post.status_label = labels[post.status]
        post.style = style_for(post.status)
        post.admin_url = admin_url.replace(placeholder, str(post.pk))
        post.is_past = post.due_at <= now
        post.other_zone = post.character.timezone != settings.TIME_ZONE
    return posts


def group_by_day(posts, first_day, last_day, *, now):
    """Return one Day per date from `first_day` to `last_day`, each with its posts in time order."""
    today = local_today(now)
    days = {}
    day = first_day
    while day <= last_day:
        days[day] = Day(date=day, is_today=day == today, is_past=day < today)
        day += timedelta(days=1)

    for post in posts:
        days[post.local_due.date()].posts.append(post)
    for day in days.values():
        if day.is_today:
            day.now_line_index = sum(1 for post in day.posts if post.is_past)
    return list(days.values())


def status_totals(posts):
    """Return the total and one count per status, every status present."""
    counts = Counter(post.status for post in posts)
    totals = {"total": len(posts)}
    totals.update({status.value: counts[status] for status in Status})
    return totals


def status_rows(totals):
    """Return the statuses with posts, in pipeline order, with their style and count."""
    return [
        {"status": status, "style": STATUS_STYLES[status], "count": totals[status.value]}
        for status in Status
        if totals[status.value]
    ]


@dataclass(frozen=True)
class ExecutorState:
    last_pass_at: datetime | None
    is_late: bool


def executor_state(*, now):
    """Return when any executor worker last started a pass, and whether that is too long ago."""
    latest = ExecutorHeartbeat.objects.order_by("-pass_started_at").first()
    if latest is None:
        return ExecutorState(last_pass_at=None, is_late=True)
    limit = timedelta(minutes=settings.AUTOPOST_EXECUTOR_LATE_MINUTES)
    return ExecutorState(last_pass_at=latest.pass_started_at, is_late=now - latest.pass_started_at > limit)
