"""Calendar page, its htmx partials, the retry button and the JSON API: thin views over selectors."""

import logging
from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from autopost import actions
from autopost.models import ScheduledPost
from calendar_app import api, selectors
from calendar_app.params import BadParameter, character_slug, iso_week, parse_week

logger = logging.getLogger(__name__)


def staff_required(view):
    """Let active staff through; send others to the sign-in page, or a 401 for htmx requests.

    An htmx poll would follow a redirect and swap the sign-in form into the
    grid, so it gets a 401 instead and the page keeps its last view.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if user.is_active and user.is_staff:
            return view(request, *args, **kwargs)
        if request.htmx:
            return HttpResponse(_("Sign in again to refresh the calendar."), status=401)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)

    return wrapper


def calendar_filters(request, *, now):
    """Return (monday, character or None, notices) from ?week= and ?character=, falling back on bad values."""
    notices = []
    today = selectors.local_today(now)
    monday = selectors.monday_of(today)
    week = request.GET.get("week", "").strip()
    if week:
        try:
            monday = parse_week(week)
        except BadParameter as error:
            notices.append(error.message + " " + _("Showing the current week."))

    character = None
    slug = character_slug(request.GET)
    if slug != "all":
        character = selectors.find_character(slug)
        if character is None:
            notices.append(
                _("No character has the slug “%(slug)s”; showing all characters.") % {"slug": slug[:50]}
            )
    return monday, character, notices


def query_string(monday, character):
    params = {"week": iso_week(monday)}
    if character is not None:
        params["character"] = character.slug
    return urlencode(params)


def week_context(*, monday, character, now):
    sunday = monday + timedelta(days=6)
    posts = selectors.posts_between(monday, sunday, character=character, now=now)
    totals = selectors.status_totals(posts)
    return {
        "now": now,
        "monday": monday,
        "sunday": sunday,
        "days": selectors.group_by_day(posts, monday, sunday, now=now),
        "totals": totals,
        "status_rows": selectors.status_rows(totals),
        "executor": selectors.executor_state(now=now),
        "refresh_seconds": settings.AUTOPOST_CALENDAR_REFRESH_SECONDS,
        "week_partial_url": reverse("calendar:week") + "?" + query_string(monday, character),
    }


def today_context(request, *, character, now, flash=None):
    params = urlencode({"character": character.slug}) if character else ""
    return {
        "now": now,
        "today": selectors.local_today(now),
        "today_posts": selectors.today_posts(character=character, now=now),
        "selected_character": character,
        "refresh_seconds": settings.AUTOPOST_CALENDAR_REFRESH_SECONDS,
        "today_partial_url": reverse("calendar:today") + ("?" + params if params else ""),
        "can_retry": request.user.has_perm("autopost.change_scheduledpost"),
        "flash": flash,
    }


@require_GET
@staff_required
def calendar_page(request):
    now = timezone.now()
    monday, character, notices = calendar_filters(request, now=now)
    today_monday = selectors.monday_of(selectors.local_today(now))

    characters = selectors.active_characters()
    if character is not None and character not in characters:
        characters.append(character)  # an inactive character stays reachable through its URL
    context = {
        **week_context(monday=monday, character=character, now=now),
        **today_context(request, character=character, now=now),
        "characters": characters,
        "notices": notices,
        "week_label": iso_week(monday),
        "previous_query": query_string(monday - timedelta(days=7), character),
        "next_query": query_string(monday + timedelta(days=7), character),
        "today_query": query_string(today_monday, character),
        "is_current_week": monday == today_monday,
        "all_query": urlencode({"week": iso_week(monday)}),
    }
    return render(request, "calendar/page.html", context)


@require_GET
@staff_required
def week_partial(request):
    now = timezone.now()
    monday, character, _notices = calendar_filters(request, now=now)
    context = week_context(monday=monday, character=character, now=now)
    return render(request, "calendar/_week.html", context)


@require_GET
@staff_required
def today_partial(request):
    now = timezone.now()
    _monday, character, _notices = calendar_filters(request, now=now)
    return render(request, "calendar/_today.html", today_context(request, character=character, now=now))


@require_POST
@staff_required
def retry_post(request, pk):
    """Retry a failed or missed post with the same code as the admin action."""
    if not request.user.has_perm("autopost.change_scheduledpost"):
        return HttpResponse(_("You may not change posts."), status=403)
    post = get_object_or_404(ScheduledPost.objects.select_related("character"), pk=pk)
    now = timezone.now()
    result = actions.retry(post, actor=request.user.get_username(), now=now)
    logger.info("calendar retry of post %s by user %s: applied=%s", post.pk, request.user.pk, result.applied)

    character = selectors.find_character(request.POST.get("character", "")) or None
    text = _("%(character)s at %(time)s: %(message)s") % {
        "character": post.character.name,
        "time": f"{post.due_at.astimezone(selectors.site_zone()):%H:%M}",
        "message": result.message,
    }
    if not request.htmx:
        level = messages.SUCCESS if result.applied else messages.WARNING
        messages.add_message(request, level, text)
        params = urlencode({"character": character.slug}) if character else ""
        return HttpResponseRedirect(reverse("calendar:page") + ("?" + params if params else ""))

    flash = {"applied": result.applied, "message": text}
    response = render(
        request, "calendar/_today.html", today_context(request, character=character, now=now, flash=flash)
    )
    # The week grid listens for this event and refreshes at once.
    response["HX-Trigger"] = "calendarChanged"
    return response


@require_GET
def calendar_posts_api(request):
    return api.calendar_posts(request)
