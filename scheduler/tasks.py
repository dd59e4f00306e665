"""django-q2 tasks: thin wrappers that call the same code as the management commands.

They take ids and plain values only, so a queued task survives a restart and
its arguments read well in the admin.
"""

import logging

from autopost.executor import run_pass, worker_name
from scheduler.planning import PLANNER_DAYS, plan_upcoming

logger = logging.getLogger(__name__)


def plan_upcoming_days(days=PLANNER_DAYS, character=None):
    """Plan today and the following days, as `manage.py run_scheduler` does."""
    start, summary = plan_upcoming(days=days, character=character)
    logger.info(
        "planned %s day(s) from %s: %s schedule(s), %s post(s)",
        days,
        start,
        summary.schedules_created,
        summary.posts_created,
    )
    return {
        "start": start.isoformat(),
        "schedules": summary.schedules_created,
        "posts": summary.posts_created,
    }


def run_executor_pass(character=None, max_posts=None):
    """Run one executor pass, as `manage.py run_executor` does.

    Two passes may overlap when one runs longer than the schedule's interval;
    they never work on the same post, because each step starts with a claim
    (a conditional update) that only one worker can win.
    """
    result = run_pass(worker=f"q:{worker_name()}", character=character, max_posts=max_posts)
    return {"steps": result.steps, **result.counts}
