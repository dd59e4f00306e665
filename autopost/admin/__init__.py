"""Admin back-office: one module per model family, registered on import."""

from autopost.admin import characters, posts, schedules  # noqa: F401
