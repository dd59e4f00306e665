"""Wall-clock slots in a character's zone to UTC instants, across DST changes."""

import logging
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def local_to_utc(day, slot, zone):
    """Return (the UTC instant of `slot` on `day` in `zone`, a note or "").

    A time inside a spring-forward gap does not exist: it moves to the first
    valid minute after the gap (02:30 on 29 March 2026 in Europe/Paris gives
    03:00). A time repeated on a fall-back night takes its first occurrence
    (fold=0, summer time).
    """
    naive = datetime.combine(day, slot)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)

    if _exists(first):
        if first.utcoffset() != second.utcoffset():
            note = _(
                "%(time)s occurs twice on %(date)s in %(zone)s (clocks go back); "
                "the first occurrence is used."
            ) % {"time": f"{slot:%H:%M}", "date": day.isoformat(), "zone": zone.key}
            logger.info("slot %s %s in %s is ambiguous: first occurrence used", day, slot, zone.key)
            return first.astimezone(UTC), note
        return first.astimezone(UTC), ""

    moved = naive
    while not _exists(moved.replace(tzinfo=zone)):
        moved += timedelta(minutes=1)
    note = _("%(time)s does not exist on %(date)s in %(zone)s (clocks go forward); moved to %(moved)s.") % {
        "time": f"{slot:%H:%M}",
        "date": day.isoformat(),
        "zone": zone.key,
        "moved": f"{moved:%H:%M}",
    }
    logger.info("slot %s %s in %s does not exist: moved to %s", day, slot, zone.key, moved.time())
    return moved.replace(tzinfo=zone).astimezone(UTC), note


def _exists(aware):
    """Return whether a zone-aware wall-clock time survives a round trip through UTC."""
    return aware.astimezone(UTC).astimezone(aware.tzinfo).replace(tzinfo=None) == aware.replace(tzinfo=None)
