from datetime import date

from django.core.management.base import BaseCommand, CommandError

from autopost.models import Character
from scheduler.planning import PLANNER_DAYS, plan_upcoming


class Command(BaseCommand):
    help = (
        "Run the planner by hand: create the daily schedules and posts of active characters, "
        "today and tomorrow by default, as the daily django-q2 schedule does."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            dest="start",
            metavar="YYYY-MM-DD",
            help="First day to plan (default: today in the site's zone).",
        )
        parser.add_argument(
            "--days", type=int, default=PLANNER_DAYS, help=f"Number of days (default {PLANNER_DAYS})."
        )
        parser.add_argument("--character", metavar="SLUG", help="Only this character.")

    def handle(self, *args, start: str | None, days: int, character: str | None, **options):
        start = self.parse_date(start) if start else None
        if not 1 <= days <= 366:
            raise CommandError(f"--days {days} is invalid: use a number from 1 to 366.")
        if character and not Character.objects.filter(slug=character).exists():
            known = ", ".join(Character.objects.values_list("slug", flat=True)) or "(none yet)"
            raise CommandError(f"Unknown character {character!r}: use one of {known}.")

        start, summary = plan_upcoming(start=start, days=days, character=character)
        self.stdout.write(
            f"Planned {days} day(s) from {start}: {summary.schedules_created} new schedule(s) "
            f"({summary.special_days_used} on special days), {summary.posts_created} new post(s), "
            f"{summary.days_without_slots} day(s) without slots."
        )

    def parse_date(self, value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(
                f"--date {value!r} is not a date: use YYYY-MM-DD, such as 2026-12-24."
            ) from None
