"""GET /api/calendar-posts/: the calendar's posts as JSON, for staff sessions or a bearer token."""

import hmac
import logging

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _

from calendar_app import selectors
from calendar_app.params import BadParameter, character_slug, parse_range

logger = logging.getLogger(__name__)


def bearer_token(request):
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def authorise(request):
    """Return None when the request may read the API, else the error response.

    The token comparison runs in constant time so that response times do not
    reveal how much of a guessed token was right.
    """
    user = request.user
    if user.is_authenticated:
        if user.is_active and user.is_staff:
            return None
        return error_response(403, None, _("Your account is not staff; ask an administrator for access."))

    expected = settings.AUTOPOST_API_TOKEN
    token = bearer_token(request)
    if expected and token and hmac.compare_digest(token.encode(), expected.encode()):
        return None
    if token:
        # The token itself is never logged, not even in part.
        logger.warning("calendar API: rejected an invalid bearer token")
        return error_response(401, None, _("The bearer token is invalid."))
    return error_response(
        401, None, _("Sign in as staff or send the header Authorization: Bearer <AUTOPOST_API_TOKEN>.")
    )


def error_response(status, parameter, message):
    response = JsonResponse({"error": message, "parameter": parameter}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="autopost"'
    return response


def calendar_posts(request):
    refusal = authorise(request)
    if refusal is not None:
        return refusal

    now = timezone.now()
    today = selectors.local_today(now)
    try:
        start, end = parse_range(request.GET, today=today)
    except BadParameter as error:
        return error_response(400, error.parameter, error.message)
    slug = character_slug(request.GET)
    character = None
    if slug != "all":
        character = selectors.find_character(slug)
        if character is None:
            message = _("No character has the slug “%(slug)s”; use all or one of the character slugs.") % {
                "slug": slug[:50]
            }
            return error_response(400, "character", message)

    posts = selectors.posts_between(start, end, character=character, now=now)
    days = selectors.group_by_day(posts, start, end, now=now)
    return JsonResponse(
        {
            "startDate": start.isoformat(),
            "endDate": end.isoformat(),
            "today": today.isoformat(),
            "character": slug if character is None else character.slug,
            "days": [serialise_day(day) for day in days],
            "totals": selectors.status_totals(posts),
        },
        json_dumps_params={"ensure_ascii": False},
    )


def serialise_day(day):
    return {
        "date": day.date.isoformat(),
        # "l" is the weekday name in the active language: "lundi" in French.
        "dayName": format_date(day.date, "l"),
        "isToday": day.is_today,
        "posts": [serialise_post(post) for post in day.posts],
        "stats": day.stats,
    }


def serialise_post(post):
    return {
        "id": str(post.pk),
        "character": post.character_id,
        "characterName": post.character.name,
        "date": post.scheduled_date.isoformat(),
        "time": post.scheduled_time.strftime("%H:%M"),
        "timezone": post.character.timezone,
        "dueAt": post.local_due.isoformat(),
        "status": post.status,
        "postType": post.post_type,
        "location": post.location_name,
        "locationKey": post.location_key,
        "caption": post.caption,
        "hashtags": post.hashtags,
        "imageUrls": post.image_urls,
        "instagramPermalink": post.instagram_permalink or None,
        "errorMessage": post.error_message or None,
        "errorStep": post.error_step or None,
        "retryCount": post.retry_count,
        "adminUrl": post.admin_url,
    }
