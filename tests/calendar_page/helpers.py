"""Shared arrangements for the calendar tests: people, a frozen clock, posts in a week."""

import re
from datetime import UTC, datetime

from tests.factories import ScheduledPostFactory

# Wednesday 23 December 2026, 15:00 in Paris: inside ISO week 2026-W52 (21 to 27 December).
NOW = datetime(2026, 12, 23, 14, 0, tzinfo=UTC)
WEEK = "2026-W52"


def paris(year, month, day, hour, minute=0):
    """Return the UTC instant of a Paris wall-clock time (winter time, +01:00, unless in summer)."""
    from zoneinfo import ZoneInfo

    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Paris")).astimezone(UTC)


def make_posts(character, count, *, day=23):
    """Create `count` posts for `character` on a December 2026 day, one minute apart from 06:00."""
    return [
        ScheduledPostFactory(character=character, at=paris(2026, 12, day, 6 + index // 60, index % 60))
        for index in range(count)
    ]


def day_of_post(html, post_id):
    """Return the data-date of the week-grid day whose block contains the post, or None."""
    blocks = re.split(r'(?=<div class="day[ "])', html)
    for block in blocks:
        date = re.search(r'data-date="([0-9-]+)"', block)
        if date and f'data-post-id="{post_id}"' in block:
            return date[1]
    return None
