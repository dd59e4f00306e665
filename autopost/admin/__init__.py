"""Admin back-office: one module per model family, registered on import."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from autopost.admin import characters, posts, schedules  # noqa: F401

# The people who run the accounts see "Autopost", not the framework's name.
admin.site.site_header = _("Autopost administration")
admin.site.site_title = _("Autopost")
admin.site.index_title = _("Autopost administration")
