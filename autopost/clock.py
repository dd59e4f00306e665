"""The clock that decides what is due. Read it once per pass and pass the value down."""

from django.conf import settings
from django.db import connection
from django.utils import timezone


def now():
    """Return the current instant from the database server, or from this host.

    With several workers on several machines, the database's clock is the one
    they share, so a skewed host clock can neither publish early nor take over
    a claim that has not expired. SQLite has no server: there the host's clock
    is the database's clock.
    """
    if settings.AUTOPOST_CLOCK == "database" and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # clock_timestamp(), not now(): now() is frozen at the start of the
            # transaction, and a claim's expiry must count from this moment.
            cursor.execute("SELECT clock_timestamp()")
            return cursor.fetchone()[0]
    return timezone.now()
