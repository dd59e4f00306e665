from datetime import UTC, datetime

from autopost.models import ScheduledPost
from tests.factories import ScheduledPostFactory


def test_factory_post_due_instant_matches_paris_time(db):
    post = ScheduledPostFactory(at=datetime(2026, 12, 24, 9, 0, tzinfo=UTC))

    post.refresh_from_db()

    assert post.scheduled_time.hour == 10
    assert post.due_at == datetime(2026, 12, 24, 9, 0, tzinfo=UTC)
    assert post.status == ScheduledPost.Status.SCHEDULED
