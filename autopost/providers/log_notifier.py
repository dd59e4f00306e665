import logging

from autopost.providers.base import Notifier

logger = logging.getLogger("autopost.notifications")


class LogNotifier(Notifier):
    """Write each event to the log: the default when no webhook is configured."""

    def send(self, event):
        logger.warning("%s: %s", event.kind, event.summary)
