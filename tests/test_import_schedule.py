import json
import os
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from autopost.models import DailySchedule, PostTransition, ScheduledPost
from scheduler.models import ImportedDay

# CI clones the repository beside a shared/ folder that contains sample inputs.
SAMPLE_DATA = Path(
    os.environ.get("AUTOPOST_SAMPLE_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
)
Status = ScheduledPost.Status


def sample_files():
    return sorted(SAMPLE_DATA.glob("*.json")) if SAMPLE_DATA.is_dir() else []


def slot(time="10:00", **fields):
    return {"time": time, "type": "carousel", "caption": "Bonjour", "hashtags": ["#paris", "noël"], **fields}


def day(posts=None, **fields):
    return {
        "date": "2026-12-24",
        "character": "mila",
        "daily_theme": "Réveillon",
        "mood": "cozy",
        "reasoning": "test",
        "posts": posts if posts is not None else [slot("10:00"), slot("14:00")],
        **fields,
    }


def write(tmp_path, data, name="plan.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def import_schedule(path, *args):
    output = StringIO()
    call_command("import_schedule", str(path), *args, stdout=output)
    return output.getvalue()


def database_rows():
    return (
        DailySchedule.objects.count(),
        ScheduledPost.objects.count(),
        ImportedDay.objects.count(),
        PostTransition.objects.count(),
    )


@pytest.mark.skipif(not SAMPLE_DATA.is_dir(), reason=f"sample data folder {SAMPLE_DATA} is absent")
@pytest.mark.parametrize("path", sample_files(), ids=lambda path: path.name)
def test_sample_file_imports(mila, elena, path):
    data = json.loads(path.read_text(encoding="utf-8"))
    days = data if isinstance(data, list) else [data]
    slots = sum(len(each.get("posts") or each.get("scheduled_posts")) for each in days)

    output = import_schedule(path)

    assert DailySchedule.objects.count() == len(days)
    assert ScheduledPost.objects.count() == slots
    assert f"Imported {len(days)} day(s) and {slots} post(s)" in output
    for each in days:
        schedule = DailySchedule.objects.get(schedule_date=each["date"], character=each["character"])
        assert schedule.scheduled_posts == (each.get("posts") or each.get("scheduled_posts"))
        assert schedule.daily_theme == each["daily_theme"]


@pytest.mark.skipif(not SAMPLE_DATA.is_dir(), reason=f"sample data folder {SAMPLE_DATA} is absent")
def test_sample_week_keeps_unknown_keys(mila, elena):
    import_schedule(SAMPLE_DATA / "day-plans-week.json")

    schedule = DailySchedule.objects.get(schedule_date=date(2026, 12, 14), character="mila")
    assert schedule.import_record.extra == {"trend_source": "none"}
    assert schedule.import_record.source == "day-plans-week.json"
    assert schedule.scheduled_posts[0]["reasoning"] == "rotation of locations"
    assert schedule.scheduled_posts[2]["is_experiment"] is True


def test_import_creates_posts_with_content(mila, tmp_path):
    path = write(tmp_path, day([slot("10:00", location_name="Canal Saint-Martin", my_own_key=[1, 2])]))

    import_schedule(path)

    post = ScheduledPost.objects.get()
    assert post.scheduled_time.hour == 10
    assert post.due_at == datetime(2026, 12, 24, 9, 0, tzinfo=UTC)
    assert post.hashtags == ["#paris", "#noël"]
    assert post.location_name == "Canal Saint-Martin"
    assert post.schedule.scheduled_posts[0]["my_own_key"] == [1, 2]
    assert post.schedule.posts_total == 1


def test_import_accepts_scheduled_posts_key(mila, tmp_path):
    entry = day()
    entry["scheduled_posts"] = entry.pop("posts")

    import_schedule(write(tmp_path, entry))

    assert ScheduledPost.objects.count() == 2


def test_import_twice_leaves_day_alone(mila, tmp_path):
    path = write(tmp_path, day())
    import_schedule(path)
    before = list(ScheduledPost.objects.values_list("id", "updated_at"))

    output = import_schedule(path)

    assert "already imported with the same slots" in output
    assert list(ScheduledPost.objects.values_list("id", "updated_at")) == before


def test_import_dry_run_writes_nothing(mila, tmp_path):
    output = import_schedule(write(tmp_path, [day(), day(date="2026-12-25")]), "--dry-run")

    assert "Would import 2 day(s) and 4 post(s)" in output
    assert database_rows() == (0, 0, 0, 0)


def test_import_character_option_filters_and_fills(mila, elena, tmp_path):
    entries = [day(character="elena"), day(date="2026-12-25", character=None), day(date="2026-12-26")]

    output = import_schedule(write(tmp_path, entries), "--character", "mila")

    assert sorted(DailySchedule.objects.values_list("schedule_date", "character")) == [
        (date(2026, 12, 25), "mila"),
        (date(2026, 12, 26), "mila"),
    ]
    assert "day 2026-12-24 elena (entry 1): skipped" in output


def test_import_executed_slot_becomes_posted(mila, tmp_path):
    import_schedule(write(tmp_path, day([slot("10:00", executed=True), slot("14:00", executed=False)])))

    done, waiting = ScheduledPost.objects.order_by("scheduled_time")
    assert done.status == Status.POSTED
    assert waiting.status == Status.SCHEDULED
    assert list(done.transitions.values_list("from_status", "to_status", "actor")) == [
        ("scheduled", "posted", "import_schedule")
    ]
    assert done.schedule.posts_completed == 1
    assert done.schedule.status == DailySchedule.Status.IN_PROGRESS


def test_import_dst_slot_gets_note(mila, tmp_path):
    import_schedule(write(tmp_path, day([slot("02:30")], date="2026-03-29")))

    post = ScheduledPost.objects.get()
    assert post.due_at == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert "déplacé à 03:00" in post.due_note


BAD_INPUTS = {
    "unparseable JSON": (
        '{"date": "2026-12-24", "character": "mila",\n  "posts": [}',
        ["plan.json: invalid JSON at line 2, column", "fix the syntax and import again"],
    ),
    "unknown character": (
        day(character="zoe"),
        ["plan.json, day 2026-12-24 zoe (entry 2): unknown character 'zoe'", "use one of mila"],
    ),
    "invalid date": (
        day(date="2026-02-30"),
        ["plan.json, day 2026-02-30 mila (entry 2): date '2026-02-30' is not a valid date", "YYYY-MM-DD"],
    ),
    "invalid time": (
        day([slot("10:00"), slot("25:00")]),
        ["day 2026-12-24 mila (entry 2), slot 2 at 25:00: time '25:00' is not a valid time", "use HH:MM"],
    ),
    "duplicate slot time": (
        day([slot("10:00"), slot("10:00")]),
        ["slot 2 at 10:00: time 10:00 is already used by slot 1 of this day", "give each slot its own time"],
    ),
    "caption too long": (
        day([slot("10:00", caption="x" * 2201)]),
        ["slot 1 at 10:00: caption has 2,201 characters, more than Instagram's 2,200", "shorten it by 1"],
    ),
    "too many hashtags": (
        day([slot("10:00", hashtags=[f"#tag{n}" for n in range(31)])]),
        ["slot 1 at 10:00: 31 hashtags, more than Instagram's 30", "remove 1"],
    ),
    "hashtag not a word": (
        day([slot("10:00", hashtags=["#paris", "#bonne année"])]),
        ["slot 1 at 10:00: hashtag '#bonne année' is not a single word", "letters, digits and _ only"],
    ),
    "invalid post type": (
        day([slot("10:00", type="story")]),
        ["slot 1 at 10:00: type 'story' is invalid; use one of carousel, reel"],
    ),
    "theme not text": (
        day(daily_theme=["Noël"]),
        ["day 2026-12-24 mila (entry 2): daily_theme must be text; put it in quotes."],
    ),
    "no slots": (
        {"date": "2026-12-24", "character": "mila"},
        ['day 2026-12-24 mila (entry 2): no slots; add a "posts" (or "scheduled_posts") list.'],
    ),
    "day twice in the file": (
        [day(), day()],
        ["day 2026-12-24 mila (entry 2): this day is already in the file as entry 1", "keep one of them"],
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=str)
def test_bad_input_names_problem_and_writes_nothing(mila, tmp_path, case):
    content, fragments = BAD_INPUTS[case]
    # A valid day first: the file must import whole or not at all.
    if isinstance(content, dict):
        content = [day(date="2026-12-20", posts=[slot("10:00")]), content]
    path = write(tmp_path, content)

    with pytest.raises(CommandError) as raised:
        import_schedule(path)

    message = str(raised.value)
    assert message.startswith(f"{path}: nothing was imported")
    for fragment in fragments:
        assert fragment in message
    assert database_rows() == (0, 0, 0, 0)


def test_bad_input_lists_every_problem(mila, tmp_path):
    path = write(tmp_path, [day([slot("25:00")]), day(date="2026-12-25", character="zoe")])

    with pytest.raises(CommandError) as raised:
        import_schedule(path)

    assert "2 problem(s) to fix" in str(raised.value)


def test_import_conflicting_day_is_rejected(mila, tmp_path):
    import_schedule(write(tmp_path, day(), name="first.json"))
    before = database_rows()

    with pytest.raises(CommandError, match="already planned .*; delete the day in the admin"):
        import_schedule(write(tmp_path, [day(date="2026-12-23"), day([slot("09:00")])], name="second.json"))

    assert database_rows() == before


def test_import_missing_file_is_reported(db, tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        import_schedule(tmp_path / "missing.json")
