from datetime import UTC, date, datetime, timedelta

import pytest

from autopost.models import ExecutorHeartbeat, PostTransition, ScheduledPost
from autopost.status_styles import STATUS_STYLES
from tests.calendar_page.helpers import NOW, WEEK, day_of_post, make_posts, paris
from tests.factories import CharacterFactory, ScheduledPostFactory

Status = ScheduledPost.Status
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_anonymous_calendar_redirects_to_sign_in(client, db):
    response = client.get("/calendar/?week=2026-W52")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/calendar/")


def test_non_staff_calendar_redirects_to_sign_in(client, bob):
    client.force_login(bob)

    response = client.get("/calendar/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", ["/calendar/partials/week/", "/calendar/partials/today/"])
def test_anonymous_htmx_partial_gets_401(client, db, url):
    response = client.get(url, **HTMX)

    assert response.status_code == 401


def test_home_lists_tools(client, db):
    response = client.get("/")

    assert response.status_code == 200
    for link in ('href="/calendar/"', 'href="/admin/"', 'href="/healthz"'):
        assert link in response.content.decode()


@pytest.mark.parametrize(
    ("week", "sunday_post", "monday_post"),
    [
        # Winter time: Sunday 23:30 in Paris is 22:30 UTC, Monday 00:30 is Sunday 23:30 UTC.
        ("2026-W52", (2026, 12, 27, 23, 30), (2026, 12, 28, 0, 30)),
        # The week in which clocks go back (Sunday 25 October 2026).
        ("2026-W43", (2026, 10, 25, 23, 30), (2026, 10, 26, 0, 30)),
        # The week in which clocks go forward (Sunday 29 March 2026): 23:30 is 21:30 UTC.
        ("2026-W13", (2026, 3, 29, 23, 30), (2026, 3, 30, 0, 30)),
    ],
)
def test_sunday_late_post_stays_on_sunday(staff_client, frozen, mila, week, sunday_post, monday_post):
    sunday = ScheduledPostFactory(character=mila, at=paris(*sunday_post))
    monday = ScheduledPostFactory(character=mila, at=paris(*monday_post))

    html = staff_client.get(f"/calendar/?week={week}").content.decode()

    assert day_of_post(html, sunday.pk) == date(*sunday_post[:3]).isoformat()
    assert day_of_post(html, monday.pk) is None
    assert "23:30" in html


def test_monday_early_post_opens_next_week(staff_client, frozen, mila):
    monday = ScheduledPostFactory(character=mila, at=paris(2026, 12, 28, 0, 30))

    html = staff_client.get("/calendar/?week=2026-W53").content.decode()

    assert day_of_post(html, monday.pk) == "2026-12-28"


def test_week_defaults_to_current(staff_client, frozen, mila):
    post = ScheduledPostFactory(character=mila, at=paris(2026, 12, 21, 8, 0))

    response = staff_client.get("/calendar/")

    assert response.context["week_label"] == WEEK
    assert day_of_post(response.content.decode(), post.pk) == "2026-12-21"


def test_character_filter_keeps_one_character(staff_client, frozen, mila, elena):
    mila_post = ScheduledPostFactory(character=mila, at=paris(2026, 12, 22, 8, 0))
    elena_post = ScheduledPostFactory(character=elena, at=paris(2026, 12, 22, 9, 0))

    filtered = staff_client.get(f"/calendar/?week={WEEK}&character=mila").content.decode()
    everyone = staff_client.get(f"/calendar/?week={WEEK}&character=all").content.decode()

    assert day_of_post(filtered, mila_post.pk) == "2026-12-22"
    assert day_of_post(filtered, elena_post.pk) is None
    assert day_of_post(everyone, mila_post.pk) == "2026-12-22"
    assert day_of_post(everyone, elena_post.pk) == "2026-12-22"


def test_tabs_list_active_characters(staff_client, frozen, mila, elena):
    CharacterFactory(slug="retired", name="Retired", active=False)

    html = staff_client.get("/calendar/").content.decode()

    assert "character=mila" in html
    assert "character=elena" in html
    assert "character=retired" not in html


@pytest.mark.parametrize(
    "query",
    [
        "week=garbage",
        "week=2026-W54",
        "week=2025-W53",
        "week=9999999-W01",
        "week=2026-W00",
        "week=9999-W52",
        "week=0001-W01",
        "character=nobody",
        "character=%00",
        "week=%E2%80%AE&character=" + "x" * 500,
    ],
)
def test_bad_query_falls_back_with_notice(staff_client, frozen, mila, query):
    response = staff_client.get(f"/calendar/?{query}")

    assert response.status_code == 200
    assert response.context["notices"]
    assert 'class="notice"' in response.content.decode()


@pytest.mark.parametrize("query", ["week=garbage", "week=9999-W52", "character=nobody"])
@pytest.mark.parametrize("url", ["/calendar/partials/week/", "/calendar/partials/today/"])
def test_bad_query_partials_answer_200(staff_client, frozen, mila, url, query):
    response = staff_client.get(f"{url}?{query}", **HTMX)

    assert response.status_code == 200


def test_week_53_exists_in_2026(staff_client, frozen, mila):
    response = staff_client.get("/calendar/?week=2026-W53")

    assert response.context["notices"] == []
    assert response.context["monday"].isoformat() == "2026-12-28"


def test_navigation_links_keep_character(staff_client, frozen, mila):
    html = staff_client.get(f"/calendar/?week={WEEK}&character=mila").content.decode()

    assert 'href="?week=2026-W51&amp;character=mila" rel="prev"' in html
    assert 'href="?week=2026-W53&amp;character=mila" rel="next"' in html


def test_badge_has_status_colour_and_icon(staff_client, frozen, mila):
    ScheduledPostFactory(character=mila, at=paris(2026, 12, 22, 8, 0), status=Status.GENERATING)

    html = staff_client.get("/calendar/").content.decode()

    style = STATUS_STYLES[Status.GENERATING]
    assert 'class="badge badge--amber badge--pulse" data-status="generating"' in html
    assert style.icon in html


def test_failed_post_shows_error_and_admin_link(staff_client, frozen, mila):
    post = ScheduledPostFactory(
        character=mila,
        at=paris(2026, 12, 22, 8, 0),
        status=Status.FAILED,
        error_message="Instagram rejected the image ratio",
        error_step="posting",
    )

    html = staff_client.get("/calendar/").content.decode()

    assert 'title="Instagram rejected the image ratio"' in html
    assert '<details class="post-error">' in html
    assert f'href="/admin/autopost/scheduledpost/{post.pk}/change/"' in html


def test_past_posts_of_today_are_shaded(staff_client, frozen, mila):
    past = ScheduledPostFactory(character=mila, at=paris(2026, 12, 23, 8, 0))
    ScheduledPostFactory(character=mila, at=paris(2026, 12, 23, 19, 0))

    html = staff_client.get("/calendar/").content.decode()

    assert f'class="post is-past" data-post-id="{past.pk}"' in html
    assert html.count('class="post is-past"') == 1
    assert html.index('class="now-line"') > html.index(str(past.pk))


def test_today_panel_shows_details_and_transitions(staff_client, frozen, mila):
    post = ScheduledPostFactory(
        character=mila,
        at=paris(2026, 12, 23, 12, 30),
        status=Status.POSTED,
        caption="Marché de Noël",
        image_urls=["/media/a.jpg", "/media/b.jpg"],
        instagram_permalink="https://instagram.example/p/abc/",
    )
    PostTransition.objects.create(post=post, from_status="scheduled", to_status="generating", actor="exec-1")
    PostTransition.objects.create(post=post, from_status="posting", to_status="posted", actor="exec-1")

    response = staff_client.get("/calendar/partials/today/", **HTMX)

    html = response.content.decode()
    assert "Marché de Noël" in html
    assert 'src="/media/b.jpg"' in html
    assert 'href="https://instagram.example/p/abc/"' in html
    assert "publication en cours → publiée" in html
    assert html.count("<li><time") == 2


def test_header_shows_week_totals(staff_client, frozen, mila):
    ScheduledPostFactory(character=mila, at=paris(2026, 12, 21, 8, 0), status=Status.POSTED)
    ScheduledPostFactory(character=mila, at=paris(2026, 12, 22, 8, 0), status=Status.POSTED)
    ScheduledPostFactory(character=mila, at=paris(2026, 12, 24, 8, 0))

    response = staff_client.get("/calendar/")

    assert response.context["totals"]["total"] == 3
    assert response.context["totals"]["posted"] == 2
    assert "3 publications cette semaine" in response.content.decode()


def test_executor_recent_pass_is_not_late(staff_client, frozen, mila):
    ExecutorHeartbeat.objects.create(worker="w1", pass_started_at=NOW - timedelta(minutes=2))

    html = staff_client.get("/calendar/").content.decode()

    assert "dernière exécution il y a 2\xa0minutes" in html
    assert 'data-late="false"' in html


def test_executor_old_pass_is_late(staff_client, frozen, mila):
    ExecutorHeartbeat.objects.create(worker="w1", pass_started_at=NOW - timedelta(minutes=45))

    html = staff_client.get("/calendar/").content.decode()

    assert 'class="executor executor--late"' in html


def test_executor_never_ran_is_late(staff_client, frozen, mila):
    html = staff_client.get("/calendar/").content.decode()

    assert 'data-late="true"' in html


def test_partials_poll_with_configured_interval(staff_client, frozen, mila, settings):
    settings.AUTOPOST_CALENDAR_REFRESH_SECONDS = 7

    html = staff_client.get("/calendar/").content.decode()

    assert (
        html.count(
            'hx-trigger="every 7s [!document.hidden], visibilitychange[!document.hidden] from:document'
        )
        == 2
    )


def test_page_uses_vendored_htmx(staff_client, frozen, mila):
    html = staff_client.get("/calendar/").content.decode()

    assert 'src="/static/calendar/htmx.min.js"' in html
    assert "https://" not in html.split("<body")[0]


# Query counts: session, user, the characters of the tabs, the week's posts,
# today's posts, their last transitions and the executor's heartbeat.
@pytest.mark.parametrize("count", [3, 30])
def test_page_query_count_is_constant(staff_client, frozen, mila, elena, django_assert_num_queries, count):
    make_posts(mila, count)
    make_posts(elena, count, day=22)

    with django_assert_num_queries(7):
        response = staff_client.get(f"/calendar/?week={WEEK}&character=all")

    assert response.context["totals"]["total"] == 2 * count


@pytest.mark.parametrize("count", [3, 30])
def test_week_partial_query_count_is_constant(staff_client, frozen, mila, django_assert_num_queries, count):
    make_posts(mila, count)

    with django_assert_num_queries(5):
        response = staff_client.get(f"/calendar/partials/week/?week={WEEK}&character=mila", **HTMX)

    assert response.context["totals"]["total"] == count


@pytest.mark.parametrize("count", [3, 30])
def test_today_partial_query_count_is_constant(staff_client, frozen, mila, django_assert_num_queries, count):
    for post in make_posts(mila, count):
        PostTransition.objects.create(post=post, from_status="scheduled", to_status="generating", actor="x")

    with django_assert_num_queries(5):
        response = staff_client.get("/calendar/partials/today/?character=mila", **HTMX)

    assert len(response.context["today_posts"]) == count


def test_retried_post_error_shown_as_past(staff_client, mila):
    ScheduledPostFactory(
        character=mila,
        at=paris(2026, 12, 23, 16, 0),
        status=Status.IMAGES_READY,
        error_message="Instagram timed out",
        error_step="posting",
    )

    html = staff_client.get("/calendar/partials/today/", **HTMX).content.decode()

    assert 'class="error error--past"' in html
    assert "Dernière erreur à la publication" in html
    assert '<details class="post-error">' not in html


def test_other_zone_post_sits_on_site_day(staff_client, mila):
    ny = CharacterFactory(slug="nora", name="Nora", timezone="America/New_York")
    # Sunday 27 December 20:00 in New York is Monday 28 December 02:00 in Paris.
    post = ScheduledPostFactory(character=ny, at=datetime(2026, 12, 28, 1, 0, tzinfo=UTC))

    html = staff_client.get("/calendar/?week=2026-W53").content.decode()

    assert day_of_post(html, post.pk) == "2026-12-28"
    assert '<span class="post-time">02:00</span>' in html
    assert "20:00 America/New_York" in html
