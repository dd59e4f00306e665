"""The demo command, as `make demo` runs it: real JPEGs, outbox files, safe to run twice."""

import json
import re
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image

from autopost.models import Character, DailySchedule, PostTransition, ScheduledPost
from autopost.providers.outbox import outbox_folder

Status = ScheduledPost.Status
# Thursday 10 December 2026, 15:00 in Paris, away from the Christmas special
# days: yesterday is past the 18 h catch-up window, today's 08:00 and 12:30
# are due, 19:00 and tomorrow are not.
NOW = datetime(2026, 12, 10, 14, 0, tzinfo=UTC)


def run_demo():
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("demo", stdout=out)
    return out.getvalue()


def password_in(output):
    return re.search(r"password, shown once: (\S+)", output).group(1)


@pytest.fixture
def demo_run(db, media_root):
    return run_demo()


def test_demo_plans_three_days_for_two_characters(demo_run):
    assert set(Character.objects.values_list("slug", flat=True)) == {"mila", "elena"}
    assert DailySchedule.objects.count() == 6
    assert ScheduledPost.objects.count() == 2 * (3 + 3 + 4)


def test_demo_posts_missed_posted_and_waiting(demo_run):
    by_status = {
        (post.scheduled_date.isoformat(), f"{post.scheduled_time:%H:%M}", post.status)
        for post in ScheduledPost.objects.filter(character_id="mila")
    }

    assert by_status == {
        ("2026-12-09", "08:00", Status.MISSED),
        ("2026-12-09", "12:30", Status.MISSED),
        ("2026-12-09", "19:00", Status.MISSED),
        ("2026-12-10", "08:00", Status.POSTED),
        ("2026-12-10", "12:30", Status.POSTED),
        ("2026-12-10", "19:00", Status.SCHEDULED),
        ("2026-12-11", "08:00", Status.SCHEDULED),
        ("2026-12-11", "12:30", Status.SCHEDULED),
        ("2026-12-11", "18:00", Status.SCHEDULED),
        ("2026-12-11", "21:00", Status.SCHEDULED),
    }


def test_demo_posted_posts_have_outbox_and_jpegs(demo_run, media_root):
    posted = ScheduledPost.objects.filter(status=Status.POSTED)
    assert posted.count() == 4

    for post in posted:
        folder = outbox_folder(post)
        record = json.loads((folder / "post.json").read_text(encoding="utf-8"))
        assert record["post_id"] == str(post.pk)
        assert record["caption"] == post.full_caption
        assert (folder / "caption.txt").read_text(encoding="utf-8") == post.full_caption + "\n"
        assert len(post.image_urls) == 3
        for url in post.image_urls:
            path = Path(media_root) / url.removeprefix("/media/")
            with Image.open(path) as image:
                assert image.format == "JPEG"
                assert image.size == (1080, 1350)


def test_demo_prints_table_and_password(demo_run):
    assert "mila       2026-12-10 08:00 posted        /media/outbox/mila/" in demo_run
    assert "mila       2026-12-09 19:00 missed" in demo_run
    user = get_user_model().objects.get(username="demo")
    assert user.is_staff
    assert user.check_password(password_in(demo_run))


def test_demo_twice_duplicates_nothing(demo_run, media_root):
    counts = (
        Character.objects.count(),
        DailySchedule.objects.count(),
        ScheduledPost.objects.count(),
        PostTransition.objects.count(),
    )
    statuses = sorted(ScheduledPost.objects.values_list("id", "status", "updated_at"))
    outbox = sorted(p.relative_to(media_root) for p in (Path(media_root) / "outbox").rglob("*"))

    second = run_demo()

    assert (
        Character.objects.count(),
        DailySchedule.objects.count(),
        ScheduledPost.objects.count(),
        PostTransition.objects.count(),
    ) == counts
    assert sorted(ScheduledPost.objects.values_list("id", "status", "updated_at")) == statuses
    assert sorted(p.relative_to(media_root) for p in (Path(media_root) / "outbox").rglob("*")) == outbox
    assert get_user_model().objects.filter(username="demo").count() == 1
    assert password_in(second) != password_in(demo_run)
    assert "Planned yesterday, today and tomorrow: 0 new post(s)." in second


def test_demo_keeps_edited_character(demo_run):
    Character.objects.filter(slug="mila").update(name="Mila B.")

    run_demo()

    assert Character.objects.get(slug="mila").name == "Mila B."
