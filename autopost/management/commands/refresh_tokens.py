from django.core.management.base import BaseCommand

from autopost import tokens


class Command(BaseCommand):
    help = "Refresh the Instagram access tokens that expire within 7 days and report expired ones."

    def handle(self, *args, **options):
        summary = tokens.refresh_tokens()
        for slug in summary.refreshed:
            self.stdout.write(f"{slug}: token refreshed")
        for slug in summary.failed:
            self.stderr.write(f"{slug}: token refresh failed (see the log)")
        for slug in summary.expired:
            self.stderr.write(f"{slug}: token expired; enter a new one on the character")
        counts = (len(summary.refreshed), len(summary.failed), len(summary.expired))
        self.stdout.write("refreshed {}, failed {}, expired {}".format(*counts))
