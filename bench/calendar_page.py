"""Time the calendar page, its htmx partials and the JSON API over a year of posts.

Seeds 100 characters with 3 posts a day from 358 days ago to 6 days ahead:
about 110,000 posts, with 4 status changes for each posted one. Then it requests
each URL through Django's test client as a signed-in staff member and prints the
median time and the number of SQL queries per request.

    .venv/bin/python bench/calendar.py                       # SQLite file in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_calendar .venv/bin/python bench/calendar.py

The PostgreSQL database must exist and be empty, or hold the rows of an
earlier run with the same sizes (they are then reused).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from datetime import time as dt_time  # noqa: E402


def configure():
    if "DATABASE_URL" not in os.environ:
        folder = tempfile.mkdtemp(prefix="autopost-bench-calendar-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autopost.settings")
    import django

    django.setup()


def seed(*, characters, days, per_day, transitions_per_post):
    from django.utils import timezone

    from autopost.models import Character, DailySchedule, PostTransition, ScheduledPost
    from autopost.timeutil import local_to_utc

    Status = ScheduledPost.Status
    slots = ["08:00", "12:30", "19:00"][:per_day]
    chars = Character.objects.bulk_create(
        Character(slug=f"char{index:03d}", name=f"Personnage {index:03d}", slots={"weekday": slots})
        for index in range(characters)
    )
    now = timezone.now()
    today = timezone.localdate(now)
    first = today - timedelta(days=days - 7)
    path = ["scheduled", "generating", "images_ready", "posting", "posted"]

    for offset in range(days):
        day = first + timedelta(days=offset)
        schedules = DailySchedule.objects.bulk_create(
            DailySchedule(character=char, schedule_date=day, posts_total=per_day) for char in chars
        )
        posts = []
        for char, schedule in zip(chars, schedules, strict=True):
            for index, slot in enumerate(slots):
                local = dt_time.fromisoformat(slot)
                due_at, _note = local_to_utc(day, local, char.zone)
                if due_at > now:
                    status = Status.SCHEDULED
                elif (offset + index) % 29 == 0:
                    status = Status.FAILED
                elif (offset + index) % 31 == 0:
                    status = Status.MISSED
                else:
                    status = Status.POSTED
                posts.append(
                    ScheduledPost(
                        schedule=schedule,
                        character=char,
                        scheduled_date=day,
                        scheduled_time=local,
                        due_at=due_at,
                        status=status,
                        post_type="carousel",
                        location_name="Café rue de Bretagne",
                        caption="Petite pause bien méritée ☕",
                        hashtags=["#café", "#paris"],
                        image_urls=["/media/bench/1.jpg"] if status == Status.POSTED else [],
                        error_message="Instagram timed out" if status == Status.FAILED else "",
                    )
                )
        posts = ScheduledPost.objects.bulk_create(posts, batch_size=2000)
        PostTransition.objects.bulk_create(
            (
                PostTransition(
                    post=post,
                    from_status=path[step],
                    to_status=path[step + 1],
                    at=post.due_at - timedelta(minutes=transitions_per_post - step),
                    actor="bench",
                )
                for post in posts
                if post.status == Status.POSTED
                for step in range(transitions_per_post)
            ),
            batch_size=5000,
        )
    return ScheduledPost.objects.count()


def measure(client, url, *, repeat, headers=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wall, cpu = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, headers=headers or {})
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000, len(queries), len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--characters", type=int, default=100)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-day", type=int, default=3, choices=[1, 2, 3])
    parser.add_argument("--transitions-per-post", type=int, default=4, choices=[1, 2, 3, 4])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    configure()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from autopost.models import ScheduledPost

    call_command("migrate", verbosity=0)
    expected = args.characters * args.days * args.per_day
    existing = ScheduledPost.objects.count()
    if existing == 0:
        started = time.perf_counter()
        existing = seed(
            characters=args.characters,
            days=args.days,
            per_day=args.per_day,
            transitions_per_post=args.transitions_per_post,
        )
        print(f"seeded {existing} posts in {time.perf_counter() - started:.0f} s")
    elif existing != expected:
        sys.exit(f"the database holds {existing} posts, not {expected}: use an empty database")

    user, _created = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)

    from django.conf import settings

    settings.AUTOPOST_API_TOKEN = "b" * 40
    token = {"Authorization": "Bearer " + "b" * 40}
    today = datetime.now(UTC).date()
    one_slug = f"char{args.characters // 2:03d}"
    start, end = today - timedelta(days=55), today + timedelta(days=6)
    urls = [
        ("page, all characters", "/calendar/", None),
        ("page, one character", f"/calendar/?character={one_slug}", None),
        ("week partial, all", "/calendar/partials/week/", None),
        ("week partial, one character", f"/calendar/partials/week/?character={one_slug}", None),
        ("today partial, all", "/calendar/partials/today/", None),
        ("API week, all (session)", "/api/calendar-posts/", None),
        ("API week, all (token)", "/api/calendar-posts/", token),
        (
            "API 62 days, one character",
            f"/api/calendar-posts/?character={one_slug}&start={start}&end={end}",
            None,
        ),
    ]
    print(
        f"database: {connection.vendor}, posts: {existing}, python {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.machine()}"
    )
    # Wall time includes waiting for a busy CPU or for the PostgreSQL server; CPU
    # time is this process's alone (SQLite runs inside it, PostgreSQL does not).
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print(f"{'request':32} {'wall ms':>8} {'CPU ms':>8} {'queries':>8} {'KiB':>6}")
    for label, url, headers in urls:
        anonymous = Client() if headers else client
        wall, cpu, queries, size = measure(anonymous, url, repeat=args.repeat, headers=headers)
        print(f"{label:32} {wall:8.0f} {cpu:8.0f} {queries:8d} {size / 1024:6.0f}")


if __name__ == "__main__":
    main()
