import signal
import time

from django.core.management.base import BaseCommand, CommandError

from autopost.executor import run_pass, worker_name
from autopost.models import Character


class Command(BaseCommand):
    help = "Run one executor pass over due posts, or keep running passes with --loop."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Repeat passes until SIGTERM or SIGINT.")
        parser.add_argument(
            "--interval",
            type=int,
            default=15,
            help="Seconds between the start of two passes with --loop (default 15).",
        )
        parser.add_argument("--character", metavar="SLUG", help="Only this character's posts.")
        parser.add_argument("--max-posts", type=int, metavar="N", help="Run at most N steps in one pass.")
        parser.add_argument("--worker", help="Name recorded on claims (default host:pid:random).")

    def handle(self, *args, loop, interval, character, max_posts, worker, **options):
        if character and not Character.objects.filter(slug=character).exists():
            raise CommandError(
                f"Unknown character {character!r}: use one of "
                f"{', '.join(Character.objects.values_list('slug', flat=True)) or '(none yet)'}."
            )
        if interval < 1:
            raise CommandError(f"--interval {interval} is invalid: use 1 second or more.")
        if max_posts is not None and max_posts < 1:
            raise CommandError(f"--max-posts {max_posts} is invalid: use 1 or more.")
        self.worker = worker or worker_name()
        self.stopping = False

        if not loop:
            self.run_once(character, max_posts)
            return
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)
        while not self.stopping:
            started = time.monotonic()
            self.run_once(character, max_posts)
            while not self.stopping and time.monotonic() - started < interval:
                time.sleep(0.2)
        self.stdout.write("Stopped after finishing the step in hand.")

    def request_stop(self, signum, frame):
        # The pass in hand finishes its current step; the loop then ends.
        self.stopping = True

    def run_once(self, character, max_posts):
        result = run_pass(
            worker=self.worker,
            character=character,
            max_posts=max_posts,
            report=self.report,
            should_stop=lambda: self.stopping,
        )
        summary = ", ".join(f"{name} {count}" for name, count in sorted(result.counts.items()))
        self.stdout.write(f"Pass done: {result.steps} step(s); {summary or 'nothing due'}.")
        return result

    def report(self, post, outcome):
        """Write one line per status change: slot, from, to, and what the step did."""
        slot = f"{post.character_id:<10} {post.scheduled_date} {post.scheduled_time:%H:%M}"
        if outcome == "claim_lost":
            self.stdout.write(f"{slot}  {post.status:<12} claim lost; row left to its new owner")
            return
        error = f"  ({post.error_message[:80]})" if outcome != "claimed" and post.error_message else ""
        self.stdout.write(
            f"{slot}  {post.previous_status:<12} -> {post.status:<12} {outcome}{error}".rstrip()
        )
