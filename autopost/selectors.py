"""Read-only queries shared by the admin and its index page."""

from django.db.models import Count, Q

from autopost.models import ExecutorHeartbeat, ScheduledPost

Status = ScheduledPost.Status


def stuck_q(now):
    """Return the condition for a post whose worker's claim expired before it finished its step."""
    return Q(status__in=ScheduledPost.CLAIMED_STATUSES, claim_expires_at__lt=now)


def needs_attention_q(now):
    return Q(status__in=[Status.FAILED, Status.MISSED]) | stuck_q(now)


def attention_counts(now):
    """Return the number of failed, missed and stuck posts, in one query."""
    return ScheduledPost.objects.aggregate(
        failed=Count("id", filter=Q(status=Status.FAILED)),
        missed=Count("id", filter=Q(status=Status.MISSED)),
        stuck=Count("id", filter=stuck_q(now)),
    )


def recent_heartbeats(limit=5):
    return list(ExecutorHeartbeat.objects.order_by("-pass_started_at")[:limit])
