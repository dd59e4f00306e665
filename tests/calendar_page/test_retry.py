import pytest
from django.test import Client

from autopost.models import PostTransition, ScheduledPost
from tests.calendar_page.helpers import paris
from tests.factories import ScheduledPostFactory

Status = ScheduledPost.Status
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def failed_post(mila):
    return ScheduledPostFactory(
        character=mila,
        at=paris(2026, 12, 23, 12, 30),
        status=Status.FAILED,
        error_message="Instagram timed out",
        error_step="posting",
        retry_count=3,
        image_urls=["/media/a.jpg"],
    )


def retry_url(post):
    return f"/calendar/posts/{post.pk}/retry/"


def test_retry_button_shown_for_failed_post(staff_client, failed_post):
    html = staff_client.get("/calendar/partials/today/", **HTMX).content.decode()

    assert f'hx-post="{retry_url(failed_post)}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_htmx_retry_moves_post_back(staff_client, failed_post):
    response = staff_client.post(retry_url(failed_post), **HTMX)

    failed_post.refresh_from_db()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "calendarChanged"
    assert failed_post.status == Status.IMAGES_READY
    assert failed_post.retry_count == 0
    change = PostTransition.objects.get(post=failed_post)
    assert (change.from_status, change.to_status, change.actor) == ("failed", "images_ready", "alice")
    assert 'class="flash flash--success"' in response.content.decode()
    assert "tentatives remises à zéro" in response.content.decode()


def test_retry_of_posted_post_is_refused(staff_client, mila):
    post = ScheduledPostFactory(character=mila, at=paris(2026, 12, 23, 9, 0), status=Status.POSTED)

    response = staff_client.post(retry_url(post), **HTMX)

    post.refresh_from_db()
    assert post.status == Status.POSTED
    assert not PostTransition.objects.filter(post=post).exists()
    assert 'class="flash flash--warning"' in response.content.decode()


def test_retry_without_htmx_redirects_with_message(staff_client, failed_post):
    response = staff_client.post(retry_url(failed_post), {"character": "mila"})

    failed_post.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/calendar/?character=mila"
    assert failed_post.status == Status.IMAGES_READY


def test_retry_without_csrf_token_is_rejected(alice, frozen, failed_post):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(retry_url(failed_post), **HTMX)

    failed_post.refresh_from_db()
    assert response.status_code == 403
    assert failed_post.status == Status.FAILED


def test_retry_with_csrf_token_is_accepted(alice, frozen, failed_post):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get("/calendar/")
    token = page.cookies["csrftoken"].value

    response = client.post(retry_url(failed_post), {"csrfmiddlewaretoken": token}, **HTMX)

    failed_post.refresh_from_db()
    assert response.status_code == 200
    assert failed_post.status == Status.IMAGES_READY


def test_retry_by_anonymous_is_refused(client, frozen, failed_post):
    response = client.post(retry_url(failed_post))

    failed_post.refresh_from_db()
    assert response.status_code == 302
    assert failed_post.status == Status.FAILED


def test_retry_by_staff_without_permission_is_refused(client, django_user_model, frozen, failed_post):
    carol = django_user_model.objects.create_user("carol", password="x", is_staff=True)
    client.force_login(carol)

    response = client.post(retry_url(failed_post), **HTMX)

    failed_post.refresh_from_db()
    assert response.status_code == 403
    assert failed_post.status == Status.FAILED


def test_retry_get_is_not_allowed(staff_client, failed_post):
    response = staff_client.get(retry_url(failed_post))

    assert response.status_code == 405


def test_retry_of_unknown_post_is_404(staff_client, db):
    response = staff_client.post("/calendar/posts/00000000-0000-0000-0000-000000000000/retry/", **HTMX)

    assert response.status_code == 404
