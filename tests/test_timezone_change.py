from datetime import UTC, date, datetime

from autopost.models import Character, ScheduledPost
from autopost.pipeline import transition
from scheduler.planning import plan_days
from tests.factories import CharacterFactory

Status = ScheduledPost.Status


def test_timezone_change_moves_unstarted_posts(mila):
    plan_days(start=date(2026, 12, 24), days=1)
    first, started, _ = ScheduledPost.objects.order_by("scheduled_time")
    transition(started, Status.GENERATING, actor="test", claim="worker-1")
    started_due = started.due_at

    mila = Character.objects.get(pk=mila.pk)
    mila.timezone = "America/New_York"
    mila.save()

    first.refresh_from_db()
    started.refresh_from_db()
    assert first.scheduled_time.hour == 8
    assert first.due_at == datetime(2026, 12, 24, 13, 0, tzinfo=UTC)  # 08:00 EST
    assert started.due_at == started_due


def test_timezone_change_sets_dst_note(db):
    night_owl = CharacterFactory(slots={"sunday": ["02:30"]})
    plan_days(start=date(2026, 3, 8), days=1)  # a Sunday, no DST change in Paris

    night_owl = Character.objects.get(pk=night_owl.pk)
    night_owl.timezone = "America/New_York"  # clocks go forward there on 8 March 2026
    night_owl.save()

    post = ScheduledPost.objects.get(character=night_owl)
    assert post.due_at == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 03:00 EDT
    assert "déplacé à 03:00" in post.due_note


def test_saving_without_zone_change_leaves_posts(mila, django_assert_num_queries):
    plan_days(start=date(2026, 12, 24), days=1)
    mila = Character.objects.get(pk=mila.pk)
    mila.name = "Mila B."

    with django_assert_num_queries(3):  # savepoint, update, release
        mila.save()
