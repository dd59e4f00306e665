from django.core.management.base import BaseCommand, CommandError

from scheduler.backfill import backfill


class Command(BaseCommand):
    help = (
        "Create the missing scheduled posts of every daily schedule from its scheduled_posts JSON "
        "(days loaded from an older system). Slots with executed: true become posted. "
        "Running it again creates nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be created; write nothing."
        )

    def handle(self, *args, dry_run: bool, **options):
        summary = backfill(dry_run=dry_run, progress=self.progress)
        verb = "Would create" if dry_run else "Created"
        self.stdout.write(
            f"{verb} {summary.posts_created} post(s) ({summary.posts_marked_posted} already published) "
            f"for {summary.days_completed} day(s); {summary.days_checked} day(s) checked, "
            f"{len(summary.invalid_days)} problem(s) found."
        )
        if summary.invalid_days:
            raise CommandError(
                "Days with these problems were skipped; fix them in the admin and run again:\n"
                + "\n".join(summary.invalid_days)
            )

    def progress(self, summary, total):
        self.stdout.write(
            f"  {summary.days_checked}/{total} day(s) checked, {summary.posts_created} post(s) so far"
        )
