from django.core.management.base import BaseCommand

from scheduler.schedules import register_schedules


class Command(BaseCommand):
    help = (
        "Register the django-q2 schedules (daily planner, executor passes). Safe to run any "
        "number of times, also concurrently: each schedule name ends with exactly one row."
    )

    def handle(self, *args, **options):
        outcomes = register_schedules()
        for name, outcome in outcomes.items():
            self.stdout.write(f"{name:<24} {outcome}")
        self.stdout.write("Start the workers with: python manage.py qcluster")
