from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from autopost import actions
from autopost.models import DailySchedule, PostTransition, ScheduledPost
from tests.admin_helpers import confirm_action, messages_of, post_action
from tests.factories import ScheduledPostFactory

Status = ScheduledPost.Status
NOW = datetime(2026, 12, 24, 8, 0, tzinfo=UTC)  # 09:00 in Paris
IMAGES = ["/media/posts/a-1.jpg", "/media/posts/a-2.jpg"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def make(character, hour, status, **fields):
    return ScheduledPostFactory(
        character=character,
        at=NOW.replace(hour=hour) + timedelta(days=fields.pop("days", 0)),
        status=status,
        **fields,
    )


def test_retry_preview_changes_nothing(admin_client, mila):
    failed = make(mila, 9, Status.FAILED, image_urls=IMAGES, error_step="posting", retry_count=3)
    posted = make(mila, 10, Status.POSTED)

    response = post_action(admin_client, "retry_posts", [failed, posted])

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-applies="yes"' in html
    assert 'data-applies="no"' in html
    assert "seules les publications en échec ou manquées peuvent être relancées" in html
    assert 'name="csrfmiddlewaretoken"' in html
    failed.refresh_from_db()
    assert failed.status == Status.FAILED
    assert PostTransition.objects.count() == 0


def test_retry_mixed_selection(admin_client, mila):
    failed = make(mila, 9, Status.FAILED, image_urls=IMAGES, error_step="posting", retry_count=3)
    missed = make(mila, 10, Status.MISSED)
    posted = make(mila, 11, Status.POSTED)

    response = confirm_action(admin_client, "retry_posts", [failed, missed, posted])

    assert response.status_code == 302
    for post in (failed, missed, posted):
        post.refresh_from_db()
    assert failed.status == Status.IMAGES_READY
    assert failed.retry_count == 0
    assert missed.status == Status.SCHEDULED
    assert posted.status == Status.POSTED
    rows = PostTransition.objects.filter(actor="admin:admin")
    assert {(r.post_id, r.from_status, r.to_status) for r in rows} == {
        (failed.pk, Status.FAILED, Status.IMAGES_READY),
        (missed.pk, Status.MISSED, Status.SCHEDULED),
    }
    notes = messages_of(response)
    assert any("2" in note and "1" in note for note in notes)
    assert any(str(posted) in note for note in notes)


def test_retry_unknown_publish_checks_instagram(admin_client, mila):
    post = make(mila, 9, Status.FAILED, image_urls=IMAGES, error_step="posting", publish_outcome_unknown=True)

    admin_client.cookies["django_language"] = "en"
    response = post_action(admin_client, "retry_posts", [post])

    assert "Instagram is checked for an earlier publish" in response.content.decode()


def test_regenerate_keeps_old_images_in_history(admin_client, mila):
    ready = make(mila, 9, Status.IMAGES_READY, image_urls=IMAGES)
    scheduled = make(mila, 10, Status.SCHEDULED)
    unknown = make(mila, 11, Status.FAILED, image_urls=IMAGES, publish_outcome_unknown=True)

    response = confirm_action(admin_client, "regenerate_posts", [ready, scheduled, unknown])

    assert response.status_code == 302
    for post in (ready, scheduled, unknown):
        post.refresh_from_db()
    assert ready.status == Status.SCHEDULED
    assert ready.image_urls == []
    history = PostTransition.objects.get(post=ready)
    assert all(url in history.message for url in IMAGES)
    assert scheduled.status == Status.SCHEDULED
    assert not PostTransition.objects.filter(post=scheduled).exists()
    assert unknown.status == Status.FAILED
    assert unknown.image_urls == IMAGES
    assert len(messages_of(response)) == 3


def test_publish_now_mixed_selection(admin_client, mila, elena):
    ready = make(mila, 15, Status.IMAGES_READY, image_urls=IMAGES)
    scheduled = make(mila, 16, Status.SCHEDULED)
    elena.publishing_paused = True
    elena.paused_reason = "compte en vérification"
    elena.save()
    paused = make(elena, 15, Status.IMAGES_READY, image_urls=IMAGES)

    response = confirm_action(admin_client, "publish_posts_now", [ready, scheduled, paused])

    assert response.status_code == 302
    for post in (ready, scheduled, paused):
        post.refresh_from_db()
    assert ready.due_at == NOW
    assert ready.status == Status.IMAGES_READY
    assert ready.scheduled_time == time(16, 0)
    assert scheduled.due_at == NOW.replace(hour=16)
    assert paused.due_at == NOW.replace(hour=15)
    change = PostTransition.objects.get(post=ready)
    assert change.from_status == change.to_status == Status.IMAGES_READY
    assert any("Elena" in note for note in messages_of(response))


def test_cancel_applies_before_publishing_only(admin_client, mila):
    scheduled = make(mila, 9, Status.SCHEDULED)
    posting = make(mila, 10, Status.POSTING, claimed_by="w1", claim_expires_at=NOW + timedelta(minutes=5))
    posted = make(mila, 11, Status.POSTED)

    response = confirm_action(admin_client, "cancel_posts", [scheduled, posting, posted])

    assert response.status_code == 302
    for post in (scheduled, posting, posted):
        post.refresh_from_db()
    assert scheduled.status == Status.CANCELLED
    assert posting.status == Status.POSTING
    assert posted.status == Status.POSTED
    assert PostTransition.objects.filter(actor="admin:admin").count() == 1


def test_reschedule_first_post_shows_form(admin_client, mila):
    post = make(mila, 9, Status.SCHEDULED)

    response = post_action(admin_client, "reschedule_posts", [post])

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="day"' in html
    assert 'name="slot"' in html
    assert 'value="preview"' in html


def test_reschedule_invalid_date_shows_error(admin_client, mila):
    post = make(mila, 9, Status.SCHEDULED)

    response = post_action(
        admin_client, "reschedule_posts", [post], step="preview", day="2026-13-40", slot="18:00"
    )

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    post.refresh_from_db()
    assert post.scheduled_date == date(2026, 12, 24)


def test_reschedule_mixed_selection(admin_client, mila):
    scheduled = make(mila, 9, Status.SCHEDULED)
    missed = make(mila, 7, Status.MISSED, days=-2)
    twin = make(mila, 10, Status.SCHEDULED)
    posted = make(mila, 11, Status.POSTED)
    fields = {"day": "2026-12-26", "slot": "18:30"}

    preview = post_action(
        admin_client, "reschedule_posts", [scheduled, missed, twin, posted], step="preview", **fields
    )
    response = confirm_action(admin_client, "reschedule_posts", [scheduled, missed, twin, posted], **fields)

    assert preview.content.decode().count('data-applies="yes"') == 1
    assert response.status_code == 302
    for post in (scheduled, missed, twin, posted):
        post.refresh_from_db()
    # Posts are taken oldest slot first, so the missed one gets the slot.
    assert missed.scheduled_date == date(2026, 12, 26)
    assert missed.scheduled_time == time(18, 30)
    assert missed.due_at == datetime(2026, 12, 26, 17, 30, tzinfo=UTC)
    assert missed.schedule == DailySchedule.objects.get(character=mila, schedule_date=date(2026, 12, 26))
    assert missed.schedule.posts_total == 1
    assert scheduled.scheduled_date == twin.scheduled_date == posted.scheduled_date == date(2026, 12, 24)
    skipped = [n for n in messages_of(response) if any(str(p) in n for p in (scheduled, twin, posted))]
    assert len(skipped) == 3


def test_reschedule_missed_post_comes_back(admin_client, mila):
    missed = make(mila, 7, Status.MISSED, days=-2)

    confirm_action(admin_client, "reschedule_posts", [missed], day="2026-12-26", slot="18:30")

    missed.refresh_from_db()
    assert missed.status == Status.SCHEDULED
    assert missed.due_at == datetime(2026, 12, 26, 17, 30, tzinfo=UTC)
    assert list(missed.transitions.values_list("from_status", "to_status")) == [
        (Status.MISSED, Status.SCHEDULED),
        (Status.SCHEDULED, Status.SCHEDULED),
    ]


def test_reschedule_past_time_skipped(admin_client, mila):
    post = make(mila, 9, Status.SCHEDULED)
    admin_client.cookies["django_language"] = "en"

    # 08:30 in Paris is 07:30 UTC, half an hour before the frozen now.
    response = confirm_action(admin_client, "reschedule_posts", [post], day="2026-12-24", slot="08:30")

    post.refresh_from_db()
    assert post.scheduled_time == time(10, 0)
    assert any("is in the past in Europe/Paris" in n for n in messages_of(response))


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        ("0001-01-01", "0001-01-01 is in the past; choose a later date"),
        ("9999-12-31", "9999-12-31 is more than a year ahead"),
    ],
)
def test_reschedule_extreme_dates_skipped(admin_client, mila, day, reason):
    post = make(mila, 9, Status.SCHEDULED)
    admin_client.cookies["django_language"] = "en"

    response = confirm_action(admin_client, "reschedule_posts", [post], day=day, slot="00:00")

    post.refresh_from_db()
    assert response.status_code == 302
    assert post.scheduled_time == time(10, 0)
    assert any(reason in n for n in messages_of(response)), messages_of(response)


@time_machine.travel(datetime(2026, 3, 20, 8, 0, tzinfo=UTC), tick=False)
def test_reschedule_into_spring_gap_is_skipped(admin_client, mila):
    post = ScheduledPostFactory(character=mila, at=datetime(2026, 3, 21, 9, 0, tzinfo=UTC))
    admin_client.cookies["django_language"] = "en"

    response = confirm_action(admin_client, "reschedule_posts", [post], day="2026-03-29", slot="02:30")

    post.refresh_from_db()
    assert post.scheduled_date == date(2026, 3, 21)
    assert any("02:30 does not exist on 2026-03-29 in Europe/Paris" in n for n in messages_of(response))


@time_machine.travel(datetime(2026, 10, 20, 8, 0, tzinfo=UTC), tick=False)
def test_reschedule_fall_back_takes_first(admin_client, mila):
    post = ScheduledPostFactory(character=mila, at=datetime(2026, 10, 21, 9, 0, tzinfo=UTC))

    confirm_action(admin_client, "reschedule_posts", [post], day="2026-10-25", slot="02:30")

    post.refresh_from_db()
    assert post.due_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert post.due_note


def test_action_needs_csrf_token(mila, admin_user):
    post = make(mila, 9, Status.FAILED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)

    response = confirm_action(client, "retry_posts", [post])

    assert response.status_code == 403
    post.refresh_from_db()
    assert post.status == Status.FAILED


def test_action_refused_to_non_staff(client, django_user_model, mila):
    post = make(mila, 9, Status.FAILED)
    user = django_user_model.objects.create_user("visitor", password="x-long-password-1")
    client.force_login(user)

    response = confirm_action(client, "retry_posts", [post])

    assert response.status_code == 302
    assert "/login/" in response["Location"]
    post.refresh_from_db()
    assert post.status == Status.FAILED


def test_action_skips_post_changed_meanwhile(mila):
    post = make(mila, 9, Status.FAILED)
    ScheduledPost.objects.filter(pk=post.pk).update(status=Status.CANCELLED)

    result = actions.retry(post, actor="admin:admin")

    assert not result.applied
    assert "reload" in result.message or "rechargez" in result.message
    assert not PostTransition.objects.exists()


def test_select_across_filtered_posts(admin_client, mila):
    failed = [make(mila, hour, Status.FAILED) for hour in (9, 10, 11)]
    scheduled = make(mila, 12, Status.SCHEDULED)
    url = reverse("admin:autopost_scheduledpost_changelist") + "?status__exact=failed"

    preview = admin_client.post(
        url,
        {
            "action": "cancel_posts",
            "select_across": "1",
            "index": "0",
            "_selected_action": [str(failed[0].pk)],
        },
    )
    ids = [str(post.pk) for post in failed]
    response = admin_client.post(
        url, {"action": "cancel_posts", "_selected_action": ids, "index": "0", "step": "apply"}
    )

    assert preview.content.decode().count('data-applies="yes"') == 3
    assert response.status_code == 302
    assert ScheduledPost.objects.filter(status=Status.CANCELLED).count() == 3
    scheduled.refresh_from_db()
    assert scheduled.status == Status.SCHEDULED


def test_action_without_selection_changes_nothing(admin_client, mila):
    post = make(mila, 9, Status.FAILED)

    response = admin_client.post(
        reverse("admin:autopost_scheduledpost_changelist"),
        {"action": "retry_posts", "index": "0", "step": "apply"},
    )

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Status.FAILED
