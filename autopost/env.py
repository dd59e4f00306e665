"""Typed access to environment variables for the settings module.

Every reader raises ImproperlyConfigured with the variable's name, the value
found and the accepted form, so a bad deployment fails at start-up instead of
at the first request.
"""

import os
import re
import zoneinfo
from datetime import time

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class Env:
    def __init__(self, environ=None):
        self.environ = os.environ if environ is None else environ

    def _raw(self, name):
        value = self.environ.get(name)
        return None if value is None else value.strip()

    def _invalid(self, name, value, accepted):
        return ImproperlyConfigured(f"{name}={value!r} is invalid: expected {accepted}.")

    def str(self, name, default=None, *, required=False):
        value = self._raw(name)
        if value:
            return value
        if required:
            raise ImproperlyConfigured(f"{name} is missing: set it in the environment.")
        return default

    def bool(self, name, default=False):
        value = self._raw(name)
        if value is None:
            return default
        if value.lower() in TRUE_WORDS:
            return True
        if value.lower() in FALSE_WORDS:
            return False
        raise self._invalid(name, value, "one of 1, true, yes, on, 0, false, no, off")

    def int(self, name, default, *, minimum=None, maximum=None):
        value = self._raw(name)
        if not value:
            return default
        try:
            number = int(value)
        except ValueError:
            raise self._invalid(name, value, "a whole number") from None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise self._invalid(name, value, f"a whole number from {minimum} to {maximum}")
        return number

    def float(self, name, default, *, minimum=None, maximum=None):
        value = self._raw(name)
        if not value:
            return default
        try:
            number = float(value)
        except ValueError:
            raise self._invalid(name, value, "a number such as 2.5") from None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise self._invalid(name, value, f"a number from {minimum} to {maximum}")
        return number

    def list(self, name, default=()):
        value = self._raw(name)
        if not value:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def choice(self, name, default, choices):
        value = self._raw(name) or default
        if value not in choices:
            raise self._invalid(name, value, "one of " + ", ".join(sorted(choices)))
        return value

    def timezone(self, name, default):
        value = self._raw(name) or default
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise self._invalid(name, value, "an IANA time zone such as Europe/Paris") from None
        return value

    def clock_time(self, name, default):
        value = self._raw(name) or default
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise self._invalid(name, value, "a time as HH:MM, such as 06:05")
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))

    def url(self, name, default=None, *, schemes=("http", "https")):
        value = self._raw(name) or default
        if value is None:
            return None
        if not re.match(r"^(" + "|".join(schemes) + r")://\S+$", value):
            raise self._invalid(name, value, "a URL starting with " + " or ".join(f"{s}://" for s in schemes))
        return value.rstrip("/")
