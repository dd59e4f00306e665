"""GET /healthz: is the pipeline alive? Counts only; no content and no secret."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Max, Q
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from autopost import clock
from autopost.models import ExecutorHeartbeat, ScheduledPost

logger = logging.getLogger(__name__)

Status = ScheduledPost.Status


def pass_seconds():
    return getattr(settings, "AUTOPOST_EXECUTOR_EVERY_MINUTES", 1) * 60


def health_report(now):
    """Return (healthy, report dict) from the heartbeat and the posts table, in three queries."""
    one_pass = timedelta(seconds=pass_seconds())
    two_passes = 2 * one_pass
    last_finished = ExecutorHeartbeat.objects.aggregate(last=Max("pass_finished_at"))["last"]
    stuck = ScheduledPost.objects.filter(
        status__in=ScheduledPost.CLAIMED_STATUSES, claim_expires_at__lt=now - one_pass
    ).count()
    overdue = ScheduledPost.objects.filter(
        Q(status=Status.IMAGES_READY, next_attempt_at__isnull=True, due_at__lt=now - two_passes)
        | Q(status=Status.SCHEDULED, due_at__lt=now - two_passes),
        character__active=True,
        character__publishing_paused=False,
    ).count()

    age = (now - last_finished).total_seconds() if last_finished else None
    checks = {
        "database": True,
        "executor_recent": age is not None and age <= 3 * pass_seconds(),
        "no_stuck_posts": stuck == 0,
        "no_overdue_posts": overdue == 0,
    }
    report = {
        "status": "ok" if all(checks.values()) else "failing",
        "checks": checks,
        "last_pass_finished_at": last_finished.isoformat() if last_finished else None,
        "last_pass_age_seconds": round(age) if age is not None else None,
        "stuck_posts": stuck,
        "overdue_posts": overdue,
    }
    return all(checks.values()), report


@never_cache
@require_GET
def healthz(request):
    try:
        healthy, report = health_report(clock.now())
    except DatabaseError:
        logger.exception("health check could not read the database")
        return JsonResponse({"status": "failing", "checks": {"database": False}}, status=503)
    return JsonResponse(report, status=200 if healthy else 503)
