import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from autopost import demo
from autopost.executor import run_pass, worker_name
from autopost.models import Character, ScheduledPost
from scheduler.demo import load_special_days
from scheduler.planning import plan_days

DEMO_USERNAME = "demo"


class Command(BaseCommand):
    help = (
        "Load the demo characters, plan yesterday, today and tomorrow, run one executor "
        "pass and print where every post stands. Safe to run again."
    )

    def handle(self, *args, **options):
        self.load_characters()
        today = timezone.localdate()
        created = load_special_days(today.year)
        self.stdout.write(f"Christmas {today.year} special days: {created} created.")
        summary = plan_days(start=today - timedelta(days=1), days=3)
        self.stdout.write(f"Planned yesterday, today and tomorrow: {summary.posts_created} new post(s).")
        result = run_pass(worker=f"demo:{worker_name()}")
        self.stdout.write(f"Executor pass: {result.steps} step(s), {dict(result.counts) or 'nothing due'}.")
        self.print_table(today)
        self.print_next_steps()

    @transaction.atomic
    def load_characters(self):
        for data in demo.CHARACTERS:
            # get_or_create: a second run keeps whatever was edited since.
            _, created = Character.objects.get_or_create(slug=data["slug"], defaults=data)
            self.stdout.write(f"Character {data['slug']}: {'created' if created else 'already there'}.")

    def print_table(self, today):
        posts = ScheduledPost.objects.filter(
            scheduled_date__range=(today - timedelta(days=1), today + timedelta(days=1))
        ).order_by("due_at", "character_id")
        self.stdout.write("")
        self.stdout.write(f"{'post':<10} {'slot':<17} {'status':<13} images / outbox")
        for post in posts:
            where = post.instagram_permalink or (post.image_urls[0] if post.image_urls else "")
            self.stdout.write(
                f"{post.character_id:<10} {post.scheduled_date} {post.scheduled_time:%H:%M} "
                f"{post.status:<13} {where}"
            )

    def print_next_steps(self):
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write("")
        self.stdout.write("See the result: make serve, then open http://127.0.0.1:8000/admin/")
        self.stdout.write(f"Sign in as {DEMO_USERNAME} with this password, shown once: {password}")
        self.stdout.write("Generated files are under media/posts/ and media/outbox/.")
