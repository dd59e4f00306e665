from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from autopost.models import Character
from scheduler.planning import plan_days


def parse_date(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--from {value!r} is not a date: use YYYY-MM-DD, such as 2026-12-24.") from None


class Command(BaseCommand):
    help = "Create the daily schedules and posts of active characters for a range of days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="start",
            metavar="DATE",
            help="First day, YYYY-MM-DD (default today in the site's time zone).",
        )
        parser.add_argument("--days", type=int, default=1, help="Number of days (default 1).")
        parser.add_argument("--character", metavar="SLUG", help="Only this character.")

    def handle(self, *args, start, days, character, **options):
        start = parse_date(start) if start else timezone.localdate()
        if not 1 <= days <= 366:
            raise CommandError(f"--days {days} is invalid: use a number from 1 to 366.")
        if character and not Character.objects.filter(slug=character).exists():
            raise CommandError(f"Unknown character {character!r}: check the slug in the admin.")

        summary = plan_days(start=start, days=days, character=character)
        self.stdout.write(
            f"Planned {days} day(s) from {start}: {summary.schedules_created} new schedule(s), "
            f"{summary.posts_created} new post(s), {summary.days_without_slots} day(s) without slots."
        )
