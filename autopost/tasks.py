"""Functions that django-q2 schedules call. Each is a thin wrapper around the service code."""

from autopost import tokens


def refresh_tokens():
    """Refresh Instagram tokens that expire within 7 days; return the slugs per outcome."""
    summary = tokens.refresh_tokens()
    return {"refreshed": summary.refreshed, "failed": summary.failed, "expired": summary.expired}
