"""Outside services behind small interfaces, chosen by settings like Django's email backends.

Each role maps a setting value to a class path; the offline defaults need
nothing beyond this machine.
"""

from django.conf import settings
from django.utils.module_loading import import_string

BACKENDS = {
    "AUTOPOST_PLANNER": {
        "template": "autopost.providers.template_planner.TemplatePlanner",
        "llm": "autopost.providers.llm_planner.LLMPlanner",
    },
    "AUTOPOST_IMAGE_GENERATOR": {
        "local": "autopost.providers.local_images.LocalImageGenerator",
        "replicate": "autopost.providers.replicate.ReplicateImageGenerator",
    },
    "AUTOPOST_PUBLISHER": {
        "outbox": "autopost.providers.outbox.OutboxPublisher",
        "instagram": "autopost.providers.instagram.InstagramPublisher",
    },
    "AUTOPOST_NOTIFIER": {
        "log": "autopost.providers.log_notifier.LogNotifier",
        "discord": "autopost.providers.discord.DiscordNotifier",
    },
}


def get_backend(setting):
    name = getattr(settings, setting)
    return import_string(BACKENDS[setting][name])()


def get_planner():
    return get_backend("AUTOPOST_PLANNER")


def get_image_generator():
    return get_backend("AUTOPOST_IMAGE_GENERATOR")


def get_publisher():
    return get_backend("AUTOPOST_PUBLISHER")


def get_notifier():
    return get_backend("AUTOPOST_NOTIFIER")
