"""Query-string parsing for the calendar page and the API.

The page falls back to a sensible view with a notice on a bad value; the API
returns 400 naming the parameter. Neither lets a bad query string become a 500.
"""

import re
from datetime import date, timedelta

from django.utils.translation import gettext as _

from calendar_app.selectors import monday_of

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{1,2})$")
MAX_RANGE_DAYS = 62
# Dates near year 1 or 9999 overflow once the range is widened by a day or
# converted to UTC; no post is planned that far, so such values are refused.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class BadParameter(Exception):
    def __init__(self, parameter, message):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def iso_week(day):
    """Return the ISO week of a date as used in URLs: 2026-W52."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(value):
    """Return the Monday of an ISO week written as 2026-W52, or raise BadParameter."""
    match = WEEK_PATTERN.match(value.strip())
    if match and FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        try:
            return date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            pass
    raise BadParameter(
        "week",
        _("The week “%(value)s” does not exist; use the form 2026-W52, from %(first)s to %(last)s.")
        % {"value": value[:40], "first": FIRST_YEAR, "last": LAST_YEAR},
    )


def parse_date(query, name, default):
    value = query.get(name, "").strip()
    if not value:
        return default
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise BadParameter(
            name,
            _("%(name)s=%(value)s is not a date; use YYYY-MM-DD, such as 2026-12-21.")
            % {"name": name, "value": value[:40]},
        ) from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise BadParameter(
            name,
            _("%(name)s=%(value)s is out of range; use a date from %(first)s to %(last)s.")
            % {"name": name, "value": value[:40], "first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return parsed


def parse_range(query, *, today):
    """Return (start, end) from the start and end parameters; default the week of `today`."""
    start = parse_date(query, "start", monday_of(today))
    end = parse_date(query, "end", start + timedelta(days=6))
    if end < start:
        raise BadParameter(
            "end",
            _("end=%(end)s is before start=%(start)s; give an end on or after the start.")
            % {"end": end.isoformat(), "start": start.isoformat()},
        )
    days = (end - start).days + 1
    if days > MAX_RANGE_DAYS:
        raise BadParameter(
            "end",
            _("The range from %(start)s to %(end)s covers %(days)s days; ask for at most %(max)s.")
            % {"start": start.isoformat(), "end": end.isoformat(), "days": days, "max": MAX_RANGE_DAYS},
        )
    return start, end


def character_slug(query):
    """Return the character parameter, or "all" when it is absent or empty."""
    return query.get("character", "").strip() or "all"
