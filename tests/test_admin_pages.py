import logging
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from autopost.models import Character, DailySchedule, ExecutorHeartbeat, ScheduledPost
from tests.admin_helpers import submit_change_form
from tests.factories import CharacterFactory, ScheduledPostFactory

Status = ScheduledPost.Status
NOW = datetime(2026, 12, 24, 8, 0, tzinfo=UTC)
TOKEN = "EAAGm0PX4ZCpsBAKzZBh7vYpLZCsecretTOKENvalue1234"
POSTS = reverse("admin:autopost_scheduledpost_changelist")
DAYS = reverse("admin:autopost_dailyschedule_changelist")
CHARACTERS = reverse("admin:autopost_character_changelist")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def make_posts(count, characters):
    statuses = list(Status)
    for n in range(count):
        ScheduledPostFactory(
            character=characters[n % len(characters)],
            at=NOW + timedelta(hours=n),
            status=statuses[n % len(statuses)],
            image_urls=[f"/media/p{n}.jpg"],
            instagram_permalink=f"https://www.instagram.com/p/{n}/",
            error_message="timeout" if n % 3 else "",
        )


def test_post_list_shows_badges_retries_and_links(admin_client, mila):
    ScheduledPostFactory(
        character=mila,
        status=Status.FAILED,
        retry_count=2,
        error_message="Instagram answered 500 " + "x" * 100,
        image_urls=["/media/first.jpg", "/media/second.jpg"],
        instagram_permalink="https://www.instagram.com/p/abc/",
    )

    html = admin_client.get(POSTS).content.decode()

    assert 'data-status="failed"' in html
    assert "#ffe4e6" in html
    assert "2/3" in html
    assert 'src="/media/first.jpg"' in html
    assert 'src="/media/second.jpg"' not in html
    assert 'href="https://www.instagram.com/p/abc/"' in html
    assert "x" * 100 not in html.replace('title="Instagram answered 500 ' + "x" * 100, "")


def test_post_list_query_count_at_100_rows(admin_client, mila, elena, django_assert_num_queries):
    make_posts(100, [mila, elena])
    admin_client.get(POSTS)  # warm the session and content types

    # Session, user, character filter choices, row count, the page's rows with their
    # characters, and the date hierarchy's range and days.
    with django_assert_num_queries(7):
        response = admin_client.get(POSTS)

    assert response.content.decode().count('class="action-select"') == 100


def test_post_list_query_count_does_not_grow(admin_client, mila, elena, django_assert_num_queries):
    make_posts(3, [mila, elena])
    admin_client.get(POSTS)

    with django_assert_num_queries(7):
        admin_client.get(POSTS)


@pytest.mark.parametrize(
    "query",
    [
        "?status__exact=failed",
        "?attention=yes",
        "?day=today",
        "?day=tomorrow",
        "?day=week",
        "?day=past",
        "?error_step__exact=posting",
        "?character__slug__exact=mila",
        "?q=café",
        "?scheduled_date__year=2026&scheduled_date__month=12",
        "?day=nonsense",
        "?status__exact=nonsense",
        "?scheduled_date__year=abc",
        "?o=99",
    ],
)
def test_post_list_filters_answer(admin_client, mila, query):
    make_posts(8, [mila])

    response = admin_client.get(POSTS + query)

    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    "url",
    [
        DAYS + "?status__exact=nonsense",
        DAYS + "?schedule_date__gte=abc",
        DAYS + "?character__slug__exact=nobody",
        CHARACTERS + "?active__exact=maybe",
        CHARACTERS + "?timezone=Mars/Olympus",
    ],
)
def test_other_lists_answer_bad_queries(admin_client, mila, url):
    ScheduledPostFactory(character=mila, at=NOW)

    response = admin_client.get(url)

    assert response.status_code in (200, 302)


def test_needs_attention_filter(admin_client, mila):
    failed = ScheduledPostFactory(character=mila, at=NOW, status=Status.FAILED)
    missed = ScheduledPostFactory(character=mila, at=NOW - timedelta(days=2), status=Status.MISSED)
    stuck = ScheduledPostFactory(
        character=mila,
        at=NOW + timedelta(hours=1),
        status=Status.GENERATING,
        claimed_by="w",
        claim_expires_at=NOW - timedelta(minutes=1),
    )
    running = ScheduledPostFactory(
        character=mila,
        at=NOW + timedelta(hours=2),
        status=Status.GENERATING,
        claimed_by="w",
        claim_expires_at=NOW + timedelta(minutes=5),
    )
    fine = ScheduledPostFactory(character=mila, at=NOW + timedelta(hours=3), status=Status.SCHEDULED)

    response = admin_client.get(POSTS + "?attention=yes")

    shown = {row.pk for row in response.context["cl"].result_list}
    assert shown == {failed.pk, missed.pk, stuck.pk}
    assert running.pk not in shown
    assert fine.pk not in shown


def test_date_filter_tomorrow(admin_client, mila):
    today = ScheduledPostFactory(character=mila, at=NOW)
    tomorrow = ScheduledPostFactory(character=mila, at=NOW + timedelta(days=1))

    response = admin_client.get(POSTS + "?day=tomorrow")

    assert [row.pk for row in response.context["cl"].result_list] == [tomorrow.pk]
    assert today.pk


def test_search_by_error_and_instagram_id(admin_client, mila):
    broken = ScheduledPostFactory(character=mila, at=NOW, error_message="container ERROR status")
    published = ScheduledPostFactory(character=mila, at=NOW + timedelta(hours=1), instagram_post_id="1789001")

    by_error = admin_client.get(POSTS + "?q=container")
    by_id = admin_client.get(POSTS + "?q=1789001")

    assert [row.pk for row in by_error.context["cl"].result_list] == [broken.pk]
    assert [row.pk for row in by_id.context["cl"].result_list] == [published.pk]


def test_day_list_shows_progress(admin_client, mila, django_assert_num_queries):
    for day in range(20):
        ScheduledPostFactory(character=mila, at=NOW + timedelta(days=day), status=Status.POSTED)
        ScheduledPostFactory(character=mila, at=NOW + timedelta(days=day, hours=2))
    for schedule in DailySchedule.objects.all():
        schedule.refresh_progress()
    admin_client.get(DAYS)

    # Session, user, character filter choices, row count, rows, date hierarchy range and years.
    with django_assert_num_queries(7):
        response = admin_client.get(DAYS)

    assert response.content.decode().count(">1/2<") == 20


def test_day_detail_shows_posts_and_plan(admin_client, mila):
    post = ScheduledPostFactory(character=mila, at=NOW, status=Status.IMAGES_READY)
    schedule = post.schedule
    schedule.scheduled_posts = [
        {"time": "09:00", "location_name": "Café rue de Bretagne", "caption": "<b>hé</b>"}
    ]
    schedule.save()

    html = admin_client.get(
        reverse("admin:autopost_dailyschedule_change", args=[schedule.pk])
    ).content.decode()

    assert 'data-status="images_ready"' in html
    assert '"location_name": "Café rue de Bretagne"' in html.replace("&quot;", '"')
    assert "<b>hé</b>" not in html
    assert 'name="scheduled_posts"' not in html


def test_character_list_query_count(admin_client, django_assert_num_queries):
    for n in range(30):
        CharacterFactory(slug=f"c{n}", access_token=f"{TOKEN}{n}")
    admin_client.get(CHARACTERS)

    # Session, user, row count, rows, time zone filter choices.
    with django_assert_num_queries(5):
        response = admin_client.get(CHARACTERS)

    assert TOKEN not in response.content.decode()


def character_url(character):
    return reverse("admin:autopost_character_change", args=[character.pk])


def test_token_never_in_character_page(admin_client, mila):
    mila.access_token = TOKEN
    mila.token_expires_at = NOW + timedelta(days=10)
    mila.save()

    html = admin_client.get(character_url(mila)).content.decode()

    assert TOKEN not in html
    assert TOKEN[:-4] not in html
    assert "••••••••1234" in html
    assert 'type="password"' in html


def test_token_kept_when_field_left_empty(admin_client, mila):
    mila.access_token = TOKEN
    mila.save()

    response = submit_change_form(admin_client, character_url(mila), "character_form", name="Mila B.")

    assert response.status_code == 302
    mila.refresh_from_db()
    assert mila.name == "Mila B."
    assert mila.access_token == TOKEN


def test_new_token_replaces_and_clears_flag(admin_client, mila):
    mila.access_token = TOKEN
    mila.needs_new_token = True
    mila.save()

    submit_change_form(
        admin_client, character_url(mila), "character_form", new_access_token="NEWtoken-0987654321abcd"
    )

    mila.refresh_from_db()
    assert mila.access_token == "NEWtoken-0987654321abcd"
    assert not mila.needs_new_token


def test_token_not_echoed_on_form_error(english_client, mila):
    response = submit_change_form(
        english_client,
        character_url(mila),
        "character_form",
        new_access_token=TOKEN,
        slots_weekday="19:00, 08:00",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Slots of weekday must be in order: 08:00, 19:00." in html
    assert TOKEN not in html
    mila.refresh_from_db()
    assert mila.access_token == ""


@pytest.fixture
def english_client(admin_client):
    admin_client.cookies["django_language"] = "en"
    return admin_client


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slots_friday", "08:00, 25:00", "Slot 25:00 of friday is not a time as HH:MM (such as 08:00)."),
        ("slots_sunday", "10:00, 10:00", "Slot 10:00 appears twice in sunday; keep it once."),
        ("timezone", "Paris", "Paris is not an IANA time zone; use a name such as Europe/Paris."),
    ],
)
def test_character_form_validation_messages(english_client, mila, field, value, message):
    response = submit_change_form(english_client, character_url(mila), "character_form", **{field: value})

    assert response.status_code == 200
    assert message in response.content.decode()


def test_slots_editor_saves_lists(admin_client, mila):
    response = submit_change_form(
        admin_client, character_url(mila), "character_form", slots_saturday="09:15, 13:00 ,21:45"
    )

    assert response.status_code == 302
    mila.refresh_from_db()
    assert mila.slots["saturday"] == ["09:15", "13:00", "21:45"]
    assert mila.slots["weekday"] == ["08:00", "12:30", "19:00"]


def test_pause_needs_reason(english_client, mila):
    response = submit_change_form(
        english_client, character_url(mila), "character_form", publishing_paused="on"
    )

    assert "Say why publishing is paused" in response.content.decode()
    mila.refresh_from_db()
    assert not mila.publishing_paused


def test_pause_with_reason_saved(admin_client, mila):
    submit_change_form(
        admin_client,
        character_url(mila),
        "character_form",
        publishing_paused="on",
        paused_reason="Compte en vérification",
    )

    mila.refresh_from_db()
    assert mila.publishing_paused
    assert mila.paused_reason == "Compte en vérification"


def test_index_shows_attention_heartbeat_and_queue_links(admin_client, mila):
    ScheduledPostFactory(character=mila, at=NOW, status=Status.FAILED)
    ScheduledPostFactory(character=mila, at=NOW + timedelta(hours=1), status=Status.MISSED)
    ExecutorHeartbeat.objects.create(worker="host:1:abc", pass_started_at=NOW - timedelta(minutes=2))

    html = admin_client.get(reverse("admin:index")).content.decode()

    assert "en échec : 1, manquées : 1, bloquées : 0" in html
    assert "host:1:abc" in html
    assert reverse("admin:django_q_schedule_changelist") in html
    assert reverse("admin:django_q_failure_changelist") in html
    assert "errornote" not in html


def test_index_warns_without_recent_heartbeat(admin_client):
    ExecutorHeartbeat.objects.create(worker="host:1:abc", pass_started_at=NOW - timedelta(hours=1))

    html = admin_client.get(reverse("admin:index")).content.decode()

    assert "errornote" in html


def test_admin_french_by_default(admin_client, mila):
    ScheduledPostFactory(character=mila, status=Status.FAILED)

    html = admin_client.get(POSTS).content.decode()

    assert "Publications planifiées" in html
    assert "en échec" in html
    assert "Relancer les publications en échec ou manquées" in html


def test_admin_english_with_accept_language(admin_client, mila):
    ScheduledPostFactory(character=mila, status=Status.FAILED)

    html = admin_client.get(POSTS, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Scheduled posts" in html
    assert "Retry failed or missed posts" in html


def test_admin_english_with_language_cookie(english_client):
    html = english_client.get(CHARACTERS).content.decode()

    assert "Characters" in html


def test_admin_requires_staff(client, django_user_model):
    user = django_user_model.objects.create_user("visitor", password="x-long-password-1")
    client.force_login(user)

    for url in (POSTS, DAYS, CHARACTERS, reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"]


def test_character_model_unchanged_by_list_view(admin_client, mila):
    before = Character.objects.get(pk=mila.pk).updated_at

    admin_client.get(CHARACTERS)

    assert Character.objects.get(pk=mila.pk).updated_at == before
    assert date(2026, 12, 24)


def test_character_slug_read_only_on_change(admin_client, mila):
    response = submit_change_form(admin_client, character_url(mila), "character_form", slug="renamed")

    mila.refresh_from_db()
    assert response.status_code == 302
    assert mila.slug == "mila"


def test_new_token_not_in_logs_or_history(admin_client, mila, caplog):
    caplog.set_level(logging.DEBUG)

    submit_change_form(admin_client, character_url(mila), "character_form", new_access_token=TOKEN)

    mila.refresh_from_db()
    assert mila.access_token == TOKEN
    assert TOKEN not in caplog.text
    assert all(TOKEN not in entry.change_message for entry in LogEntry.objects.all())
    assert LogEntry.objects.filter(object_id=str(mila.pk)).exists()


def test_day_theme_edit_saves(admin_client, mila):
    post = ScheduledPostFactory(character=mila, at=NOW)
    url = reverse("admin:autopost_dailyschedule_change", args=[post.schedule_id])

    response = submit_change_form(admin_client, url, "dailyschedule_form", daily_theme="Marché de Noël")

    assert response.status_code == 302
    assert DailySchedule.objects.get(pk=post.schedule_id).daily_theme == "Marché de Noël"


def test_index_query_count(admin_client, mila, django_assert_num_queries):
    ScheduledPostFactory(character=mila, at=NOW, status=Status.FAILED)
    ExecutorHeartbeat.objects.create(worker="host:1:abc", pass_started_at=NOW)
    admin_client.get(reverse("admin:index"))

    # Session, user, attention counts, heartbeats, recent admin actions.
    with django_assert_num_queries(5):
        admin_client.get(reverse("admin:index"))
