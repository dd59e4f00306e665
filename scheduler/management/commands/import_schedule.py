from django.core.management.base import BaseCommand, CommandError

from autopost.models import Character
from scheduler.importing import PlanError, import_file


class Command(BaseCommand):
    help = (
        "Load day plans written in the original JSON format (one day or a list of days). "
        "The file is checked first and then loaded whole, or not at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the JSON file.")
        parser.add_argument(
            "--character",
            metavar="SLUG",
            help="Load only this character's days; days without a character key are loaded for it.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )

    def handle(self, *args, file: str, character: str | None, dry_run: bool, **options):
        if character and not Character.objects.filter(slug=character).exists():
            raise CommandError(f"Unknown character {character!r}: check the slug in the admin.")
        try:
            summary = import_file(file, only_character=character, dry_run=dry_run)
        except PlanError as error:
            raise CommandError(
                f"{file}: nothing was imported; {len(error.errors)} problem(s) to fix:\n"
                + "\n".join(error.errors)
            ) from None

        for label in summary.days_already_imported:
            self.stdout.write(f"{label}: already imported with the same slots, left as it is.")
        for label in summary.days_skipped:
            self.stdout.write(f"{label}: skipped, it belongs to another character than --character.")
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {summary.days_created} day(s) and {summary.posts_created} post(s) "
            f"({summary.posts_marked_posted} already published) from {file}; "
            f"{len(summary.days_already_imported)} day(s) already there, {len(summary.days_skipped)} skipped."
        )
