"""Checks of a day plan in the original JSON format, shared by import and backfill.

Every problem becomes one message that names the place (file, day, slot), the
value and the fix, so a person can correct the file without reading code.
"""

import re
from datetime import date

from autopost.models import SLOT_PATTERN, DailySchedule, ScheduledPost
from scheduler.planning import TEXT_FIELDS

# Instagram's caption limits: 2,200 characters and 30 hashtags
# (https://ayrshare.com/apis/post/social-networks/instagram, "Maximum 2,200
# post characters", "up to 30 hashtags"). The Graph API rejects longer ones
# only at publish time, hours after planning, so they are checked here.
MAX_CAPTION_CHARACTERS = 2200
MAX_HASHTAGS = 30
# A hashtag is one word: letters of any script, digits and underscores.
HASHTAG_PATTERN = re.compile(r"#?\w+")
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

DAY_KEYS = {
    "date",
    "character",
    "daily_theme",
    "mood",
    "reasoning",
    "generated_by",
    "posts",
    "scheduled_posts",
}
# The caption has checks of its own (length, then hashtags); the other text keys
# only need to be strings.
TEXT_KEYS = tuple(name for name in TEXT_FIELDS if name != "caption")
POST_TYPES = ScheduledPost.PostType.values
CONTENT_TYPES = ScheduledPost.ContentType.values


def max_length(model, name):
    return model._meta.get_field(name).max_length


def day_label(source, index, entry):
    """Return "file, day 2026-12-24 mila (entry 3)", readable even when the values are wrong."""
    if not isinstance(entry, dict):
        return f"{source}, entry {index}"
    return f"{source}, day {entry.get('date', '?')} {entry.get('character', '?')} (entry {index})"


def slot_label(number, post):
    time = post.get("time", "?") if isinstance(post, dict) else "?"
    return f"slot {number} at {time}"


def check_day_fields(entry, where):
    """Return the problems of a day's own fields (not its slots)."""
    errors = []
    raw_date = entry.get("date")
    if parse_day(raw_date) is None:
        errors.append(
            f"{where}: date {raw_date!r} is not a valid date; write it as YYYY-MM-DD, such as 2026-12-24."
        )
    for name, model_field in (("mood", "mood"), ("generated_by", "generated_by")):
        value = entry.get(name)
        limit = max_length(DailySchedule, model_field)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            errors.append(f"{where}: {name} must be text of at most {limit} characters; shorten it.")
    for name in ("daily_theme", "reasoning"):
        if entry.get(name) is not None and not isinstance(entry[name], str):
            errors.append(f"{where}: {name} must be text; put it in quotes.")
    if "posts" not in entry and "scheduled_posts" not in entry:
        errors.append(f'{where}: no slots; add a "posts" (or "scheduled_posts") list.')
    elif not isinstance(slots_of(entry), list):
        errors.append(f'{where}: "posts" must be a list of slot objects.')
    return errors


def parse_day(value):
    """Return the date of a "YYYY-MM-DD" string, or None when it is not one."""
    if not isinstance(value, str) or not DATE_PATTERN.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def slots_of(entry):
    return entry["posts"] if "posts" in entry else entry.get("scheduled_posts")


def check_slots(slots, where):
    """Return the problems of a day's slot list: each slot, and times used twice."""
    errors = []
    seen = {}
    for number, post in enumerate(slots, start=1):
        place = f"{where}, {slot_label(number, post)}"
        if not isinstance(post, dict):
            errors.append(f"{place}: a slot must be an object with at least time and type.")
            continue
        errors.extend(check_slot(post, place))
        time = post.get("time")
        if isinstance(time, str) and time in seen:
            errors.append(
                f"{place}: time {time} is already used by slot {seen[time]} of this day; "
                "give each slot its own time."
            )
        seen.setdefault(time, number)
    return errors


def check_slot(post, place):
    errors = []
    time = post.get("time")
    if not isinstance(time, str) or not SLOT_PATTERN.fullmatch(time):
        errors.append(f"{place}: time {time!r} is not a valid time; use HH:MM on 24 hours, such as 08:00.")
    if post.get("type") not in POST_TYPES:
        errors.append(f"{place}: type {post.get('type')!r} is invalid; use one of {', '.join(POST_TYPES)}.")
    if post.get("content_type") not in (None, "", *CONTENT_TYPES):
        choices = ", ".join(CONTENT_TYPES)
        errors.append(f"{place}: content_type {post['content_type']!r} is invalid; use one of {choices}.")
    for name in TEXT_KEYS:
        value = post.get(name)
        limit = max_length(ScheduledPost, name)
        if value is not None and not isinstance(value, str):
            errors.append(f"{place}: {name} must be text; put it in quotes.")
        elif value and limit and len(value) > limit:
            errors.append(f"{place}: {name} has {len(value)} characters, more than {limit}; shorten it.")
    if "executed" in post and not isinstance(post["executed"], bool):
        errors.append(f"{place}: executed must be true or false, not {post['executed']!r}.")
    errors.extend(check_caption(post.get("caption"), place))
    errors.extend(check_hashtags(post.get("hashtags"), place))
    return errors


def check_caption(caption, place):
    if caption is None:
        return []
    if not isinstance(caption, str):
        return [f"{place}: caption must be text; put it in quotes."]
    if len(caption) > MAX_CAPTION_CHARACTERS:
        return [
            f"{place}: caption has {len(caption):,} characters, more than Instagram's "
            f"{MAX_CAPTION_CHARACTERS:,}; shorten it by {len(caption) - MAX_CAPTION_CHARACTERS:,}."
        ]
    return []


def check_hashtags(hashtags, place):
    if hashtags is None:
        return []
    if not isinstance(hashtags, list):
        return [f'{place}: hashtags must be a list such as ["#paris", "#noël"].']
    errors = []
    if len(hashtags) > MAX_HASHTAGS:
        errors.append(
            f"{place}: {len(hashtags)} hashtags, more than Instagram's {MAX_HASHTAGS}; "
            f"remove {len(hashtags) - MAX_HASHTAGS}."
        )
    for tag in hashtags:
        if not isinstance(tag, str) or not HASHTAG_PATTERN.fullmatch(tag):
            errors.append(
                f"{place}: hashtag {tag!r} is not a single word; use letters, digits and _ only, "
                "such as #noël or #paris_2026."
            )
    return errors
