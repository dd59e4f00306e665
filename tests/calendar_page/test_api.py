import pytest

from autopost.models import ScheduledPost
from tests.calendar_page.helpers import make_posts, paris
from tests.factories import ScheduledPostFactory

Status = ScheduledPost.Status
URL = "/api/calendar-posts/"
TOKEN = "t" * 40


@pytest.fixture
def token(settings):
    settings.AUTOPOST_API_TOKEN = TOKEN
    return TOKEN


def test_anonymous_gets_401(client, db):
    response = client.get(URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "AUTOPOST_API_TOKEN" in response.json()["error"]


def test_wrong_token_gets_401(client, db, token):
    response = client.get(URL, headers={"Authorization": "Bearer " + "x" * 40})

    assert response.status_code == 401
    assert response.json()["error"] == "Le jeton Bearer est invalide."


def test_token_unset_rejects_any_bearer(client, db, settings):
    settings.AUTOPOST_API_TOKEN = ""

    response = client.get(URL, headers={"Authorization": "Bearer "})

    assert response.status_code == 401


def test_right_token_gets_posts(client, frozen, mila, token):
    ScheduledPostFactory(character=mila, at=paris(2026, 12, 22, 8, 0))

    response = client.get(URL, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert response.json()["totals"]["total"] == 1


def test_non_staff_session_gets_403(client, bob):
    client.force_login(bob)

    response = client.get(URL)

    assert response.status_code == 403


def test_default_range_is_current_week(staff_client, mila):
    response = staff_client.get(URL)

    body = response.json()
    assert body["startDate"] == "2026-12-21"
    assert body["endDate"] == "2026-12-27"
    assert body["today"] == "2026-12-23"
    assert body["character"] == "all"
    assert [day["isToday"] for day in body["days"]] == [False, False, True, False, False, False, False]


def test_answer_has_issue_field_names(staff_client, mila):
    post = ScheduledPostFactory(
        character=mila,
        at=paris(2026, 12, 27, 23, 30),
        status=Status.FAILED,
        error_message="timeout",
        error_step="posting",
        retry_count=2,
        image_urls=["/media/a.jpg"],
    )

    body = staff_client.get(URL, {"start": "2026-12-21", "end": "2026-12-27"}).json()

    assert set(body) == {"startDate", "endDate", "today", "character", "days", "totals"}
    sunday = body["days"][6]
    assert set(sunday) == {"date", "dayName", "isToday", "posts", "stats"}
    assert sunday["date"] == "2026-12-27"
    assert sunday["dayName"] == "dimanche"
    assert sunday["stats"] == {"total": 1, "posted": 0, "pending": 0, "failed": 1}
    item = sunday["posts"][0]
    assert item["id"] == str(post.pk)
    assert item["character"] == "mila"
    assert item["date"] == "2026-12-27"
    assert item["time"] == "23:30"
    assert item["dueAt"] == "2026-12-27T23:30:00+01:00"
    assert item["status"] == "failed"
    assert item["postType"] == "carousel"
    assert item["location"] == "Café rue de Bretagne"
    assert item["hashtags"] == ["#café", "#noël", "#paris"]
    assert item["imageUrls"] == ["/media/a.jpg"]
    assert item["errorMessage"] == "timeout"
    assert item["errorStep"] == "posting"
    assert item["retryCount"] == 2
    assert item["instagramPermalink"] is None
    assert body["totals"]["failed"] == 1
    assert set(body["totals"]) == {"total", *Status.values}


def test_day_name_follows_request_language(staff_client, mila):
    body = staff_client.get(URL, {"start": "2026-12-21"}, headers={"Accept-Language": "en"}).json()

    assert body["days"][0]["dayName"] == "Monday"


def test_sunday_late_post_stays_on_sunday_in_dst_week(staff_client, mila):
    sunday = ScheduledPostFactory(character=mila, at=paris(2026, 10, 25, 23, 30))
    ScheduledPostFactory(character=mila, at=paris(2026, 10, 26, 0, 30))

    body = staff_client.get(URL, {"start": "2026-10-19", "end": "2026-10-25"}).json()

    assert [p["id"] for p in body["days"][6]["posts"]] == [str(sunday.pk)]
    assert body["days"][6]["posts"][0]["dueAt"] == "2026-10-25T23:30:00+01:00"
    assert body["totals"]["total"] == 1


def test_character_filter(staff_client, mila, elena):
    ScheduledPostFactory(character=mila, at=paris(2026, 12, 22, 8, 0))
    ScheduledPostFactory(character=elena, at=paris(2026, 12, 22, 9, 0))

    only_elena = staff_client.get(URL, {"character": "elena"}).json()
    everyone = staff_client.get(URL, {"character": "all"}).json()

    assert only_elena["character"] == "elena"
    assert [p["character"] for p in only_elena["days"][1]["posts"]] == ["elena"]
    assert everyone["totals"]["total"] == 2


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"start": "2026-13-01"}, "start"),
        ({"start": "yesterday"}, "start"),
        ({"end": "2026-02-30"}, "end"),
        ({"start": "2026-12-21", "end": "2026-12-20"}, "end"),
        ({"start": "2026-01-01", "end": "2026-03-04"}, "end"),
        ({"character": "nobody"}, "character"),
        ({"character": "\x00"}, "character"),
        ({"start": "0001-01-01"}, "start"),
        ({"start": "9999-12-31"}, "start"),
        ({"start": "2026-12-21", "end": "9999-12-31"}, "end"),
    ],
)
def test_bad_input_answers_400_naming_parameter(staff_client, mila, query, parameter):
    response = staff_client.get(URL, query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["parameter"] == parameter
    assert response.json()["error"]


def test_range_of_62_days_is_accepted(staff_client, mila):
    response = staff_client.get(URL, {"start": "2026-01-01", "end": "2026-03-03"})

    assert response.status_code == 200
    assert len(response.json()["days"]) == 62


def test_range_error_message_names_limit(staff_client, mila):
    response = staff_client.get(URL, {"start": "2026-01-01", "end": "2026-03-04"})

    assert "63 jours" in response.json()["error"]
    assert "62" in response.json()["error"]


# Session, user, then the week's posts; with a slug, one more for the character.
@pytest.mark.parametrize("count", [3, 30])
def test_api_query_count_is_constant(staff_client, mila, elena, django_assert_num_queries, count):
    make_posts(mila, count)
    make_posts(elena, count, day=22)

    with django_assert_num_queries(3):
        everyone = staff_client.get(URL)
    with django_assert_num_queries(4):
        one = staff_client.get(URL, {"character": "mila"})

    assert everyone.json()["totals"]["total"] == 2 * count
    assert one.json()["totals"]["total"] == count


@pytest.mark.parametrize("count", [3, 30])
def test_token_api_query_count_is_constant(client, frozen, mila, token, django_assert_num_queries, count):
    make_posts(mila, count)

    with django_assert_num_queries(1):
        response = client.get(URL, headers={"Authorization": f"Bearer {token}"})

    assert response.json()["totals"]["total"] == count


def test_start_alone_gives_seven_days(staff_client, mila):
    body = staff_client.get(URL, {"start": "2027-01-06"}).json()

    assert body["startDate"] == "2027-01-06"
    assert body["endDate"] == "2027-01-12"
    assert len(body["days"]) == 7


def test_wrong_token_is_logged_without_value(client, db, token, caplog):
    client.get(URL, headers={"Authorization": "Bearer guessed-token-value-0123456789abcdef"})

    assert "rejected an invalid bearer token" in caplog.text
    assert "guessed-token-value" not in caplog.text
