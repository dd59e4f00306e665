"""Colour and icon of each post status, shared by the calendar and the admin.

Colours are hex values from the Tailwind CSS v3 palette (the 100 shade for the
background, the 800 shade for the text), written out so that no CSS build step
is needed. `pulse` marks the statuses in which a worker is busy with the post.
"""

from dataclasses import dataclass

from autopost.models import ScheduledPost

Status = ScheduledPost.Status


@dataclass(frozen=True)
class StatusStyle:
    colour: str  # palette name, also the CSS class suffix: badge--slate
    background: str
    foreground: str
    icon: str
    pulse: bool = False


STATUS_STYLES = {
    Status.SCHEDULED: StatusStyle("slate", "#f1f5f9", "#1e293b", "◷"),
    Status.GENERATING: StatusStyle("amber", "#fef3c7", "#92400e", "✦", pulse=True),
    Status.IMAGES_READY: StatusStyle("blue", "#dbeafe", "#1e40af", "▣"),
    Status.POSTING: StatusStyle("violet", "#ede9fe", "#5b21b6", "↑", pulse=True),
    Status.POSTED: StatusStyle("emerald", "#d1fae5", "#065f46", "✓"),
    Status.FAILED: StatusStyle("rose", "#ffe4e6", "#9f1239", "✕"),
    Status.MISSED: StatusStyle("grey", "#f3f4f6", "#374151", "◌"),
    Status.CANCELLED: StatusStyle("grey", "#f3f4f6", "#374151", "⊘"),
}

assert set(STATUS_STYLES) == set(Status), "every status needs a style"


def style_for(status):
    return STATUS_STYLES[Status(status)]
