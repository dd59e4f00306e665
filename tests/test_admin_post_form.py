from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from autopost.models import PostTransition, ScheduledPost
from autopost.pipeline import ClaimLost
from tests.admin_helpers import change_url, form_fields, submit_change_form
from tests.factories import ScheduledPostFactory

Status = ScheduledPost.Status
NOW = datetime(2026, 12, 24, 8, 0, tzinfo=UTC)
FORM = "scheduledpost_form"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def english(admin_client):
    admin_client.cookies["django_language"] = "en"
    return admin_client


def options_of(response, name):
    html = response.content.decode()
    start = html.index(f'name="{name}"')
    block = html[start : html.index("</select>", start)]
    return [part.split('"')[0] for part in block.split('<option value="')[1:]]


def test_status_field_offers_only_allowed_changes(admin_client, mila):
    post = ScheduledPostFactory(character=mila, status=Status.SCHEDULED)

    response = admin_client.get(change_url(post))

    assert options_of(response, "new_status") == ["", "missed", "cancelled"]
    assert "generating" not in options_of(response, "forced_status")
    assert "images_ready" in options_of(response, "forced_status")


def test_allowed_change_writes_transition_with_admin(admin_client, mila):
    post = ScheduledPostFactory(character=mila, status=Status.IMAGES_READY, image_urls=["/media/a.jpg"])

    response = submit_change_form(admin_client, change_url(post), FORM, new_status="scheduled")

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Status.SCHEDULED
    change = PostTransition.objects.get(post=post)
    assert (change.from_status, change.to_status, change.actor) == (
        Status.IMAGES_READY,
        Status.SCHEDULED,
        "admin:admin",
    )


def test_invalid_change_refused_with_message(english, mila):
    post = ScheduledPostFactory(character=mila, status=Status.SCHEDULED)

    response = submit_change_form(english, change_url(post), FORM, new_status="posted")

    assert response.status_code == 200
    assert "A post cannot go from scheduled to posted" in response.content.decode()
    post.refresh_from_db()
    assert post.status == Status.SCHEDULED
    assert not PostTransition.objects.exists()


def test_forced_change_needs_reason(english, mila):
    post = ScheduledPostFactory(character=mila, status=Status.SCHEDULED)

    response = submit_change_form(english, change_url(post), FORM, forced_status="posted", force_reason="  ")

    assert response.status_code == 200
    assert "A forced status change needs a reason." in response.content.decode()
    post.refresh_from_db()
    assert post.status == Status.SCHEDULED
    assert not PostTransition.objects.exists()


def test_forced_change_writes_reason(admin_client, mila):
    post = ScheduledPostFactory(character=mila, status=Status.SCHEDULED)

    response = submit_change_form(
        admin_client,
        change_url(post),
        FORM,
        forced_status="posted",
        force_reason="publié à la main depuis le téléphone",
    )

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Status.POSTED
    change = PostTransition.objects.get(post=post)
    assert (change.from_status, change.to_status, change.actor) == (
        Status.SCHEDULED,
        Status.POSTED,
        "admin:admin",
    )
    assert "publié à la main depuis le téléphone" in change.message
    assert post.schedule.__class__.objects.get(pk=post.schedule_id).posts_completed == 1


def test_force_into_claimed_status_refused(english, mila):
    post = ScheduledPostFactory(character=mila, status=Status.FAILED)

    response = submit_change_form(
        english, change_url(post), FORM, forced_status="posting", force_reason="test"
    )

    assert "Only a worker can move a post to posting." in response.content.decode()
    post.refresh_from_db()
    assert post.status == Status.FAILED


def test_both_status_fields_refused(english, mila):
    post = ScheduledPostFactory(character=mila, status=Status.SCHEDULED)

    response = submit_change_form(
        english, change_url(post), FORM, new_status="cancelled", forced_status="posted", force_reason="x"
    )

    assert "Choose either a status change or a forced one, not both." in response.content.decode()
    post.refresh_from_db()
    assert post.status == Status.SCHEDULED


def test_stale_form_refused(english, mila):
    post = ScheduledPostFactory(character=mila, status=Status.SCHEDULED)
    data = form_fields(english.get(change_url(post)), FORM)
    ScheduledPost.objects.filter(pk=post.pk).update(status=Status.MISSED)
    data.update(new_status=["cancelled"], _save=["Save"])

    response = english.post(change_url(post), data)

    assert "This post changed from scheduled to missed since the page was loaded" in response.content.decode()
    post.refresh_from_db()
    assert post.status == Status.MISSED


def test_content_edit_saves_only_content_and_history(admin_client, mila):
    post = ScheduledPostFactory(character=mila, status=Status.IMAGES_READY, image_urls=["/media/a.jpg"])
    # A worker changes the retry fields after the page was loaded; the save must not undo it.
    data = form_fields(admin_client.get(change_url(post)), FORM)
    ScheduledPost.objects.filter(pk=post.pk).update(next_attempt_at=NOW + timedelta(hours=1))
    data.update(caption=["Nouvelle légende ✨"], _save=["Save"])

    response = admin_client.post(change_url(post), data)

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.caption == "Nouvelle légende ✨"
    assert post.next_attempt_at == NOW + timedelta(hours=1)
    change = PostTransition.objects.get(post=post)
    assert change.from_status == change.to_status == Status.IMAGES_READY
    assert "légende" in change.message


def test_posted_post_content_is_read_only(admin_client, mila):
    post = ScheduledPostFactory(character=mila, status=Status.POSTED, caption="Déjà publié")

    response = admin_client.get(change_url(post))

    assert 'name="caption"' not in response.content.decode()
    assert "Déjà publié" in response.content.decode()


def test_locked_posting_post_refused(english, mila):
    post = ScheduledPostFactory(
        character=mila,
        status=Status.POSTING,
        claimed_by="host:42:abc",
        claim_expires_at=NOW + timedelta(minutes=8),
        image_urls=["/media/a.jpg"],
    )

    page = english.get(change_url(post))
    response = submit_change_form(
        english, change_url(post), FORM, forced_status="failed", force_reason="stuck?"
    )

    assert "Worker host:42:abc is publishing this post" in page.content.decode()
    assert response.status_code == 200
    assert "Worker host:42:abc is publishing this post and holds it until 2026-12-24 08:08 UTC" in (
        response.content.decode()
    )
    post.refresh_from_db()
    assert post.status == Status.POSTING
    assert not PostTransition.objects.exists()


def test_expired_posting_claim_can_be_forced(admin_client, mila):
    post = ScheduledPostFactory(
        character=mila,
        status=Status.POSTING,
        claimed_by="host:42:abc",
        claim_expires_at=NOW - timedelta(minutes=1),
    )

    response = submit_change_form(admin_client, change_url(post), FORM, new_status="failed")

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.claimed_by == ""


def test_history_inline_lists_transitions(english, mila):
    post = ScheduledPostFactory(character=mila, status=Status.SCHEDULED)
    PostTransition.objects.create(
        post=post, from_status="scheduled", to_status="generating", actor="worker-7", message="claimed"
    )

    response = english.get(change_url(post))

    html = response.content.decode()
    assert "worker-7" in html
    assert 'data-status="generating"' in html
    assert 'name="transitions-0-message"' not in html


def test_add_and_delete_not_offered(admin_client, mila):
    post = ScheduledPostFactory(character=mila)

    add = admin_client.get("/admin/autopost/scheduledpost/add/")
    delete = admin_client.post(f"/admin/autopost/scheduledpost/{post.pk}/delete/", {"post": "yes"})

    assert add.status_code == 403
    assert delete.status_code == 403
    assert ScheduledPost.objects.filter(pk=post.pk).exists()


@pytest.mark.parametrize("status", list(Status))
def test_change_page_renders_for_status(admin_client, mila, status):
    post = ScheduledPostFactory(character=mila, status=status, error_message="boom", error_step="posting")

    response = admin_client.get(change_url(post))

    assert response.status_code == 200
    assert f'data-status="{status}"' in response.content.decode()


def test_posted_caption_post_ignored(admin_client, mila):
    post = ScheduledPostFactory(character=mila, status=Status.POSTED, caption="Déjà publié")
    data = form_fields(admin_client.get(change_url(post)), FORM)
    data.update(caption=["Autre légende"], _save=["Save"])

    admin_client.post(change_url(post), data)

    post.refresh_from_db()
    assert post.caption == "Déjà publié"
    assert not PostTransition.objects.exists()


def test_status_race_rolls_back_content(english, mila, monkeypatch):
    post = ScheduledPostFactory(character=mila, status=Status.IMAGES_READY, caption="Avant")

    def lose_race(*args, **kwargs):
        # Another worker changes the row between the form's check and the write.
        raise ClaimLost("post changed")

    monkeypatch.setattr("autopost.admin.posts.transition", lose_race)
    response = submit_change_form(english, change_url(post), FORM, caption="Après", new_status="cancelled")

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.caption == "Avant"
    assert post.status == Status.IMAGES_READY
    assert not PostTransition.objects.exists()
    page = english.get(response["Location"])
    assert '<li class="error">Post changed</li>' in page.content.decode()
