"""Changelist filters for scheduled posts."""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autopost.selectors import needs_attention_q


class ScheduledDateFilter(admin.SimpleListFilter):
    """Today, tomorrow and this week, by the post's local date.

    "Today" is the date in the site's time zone (TIME_ZONE). That is the zone
    of every demo character, but a character in a far zone can be a day ahead.
    """

    title = _("date")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        return [
            ("today", _("Today")),
            ("tomorrow", _("Tomorrow")),
            ("week", _("This week")),
            ("past", _("Past days")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "today":
            return queryset.filter(scheduled_date=today)
        if self.value() == "tomorrow":
            return queryset.filter(scheduled_date=today + timedelta(days=1))
        if self.value() == "week":
            monday = today - timedelta(days=today.weekday())
            return queryset.filter(scheduled_date__range=(monday, monday + timedelta(days=6)))
        if self.value() == "past":
            return queryset.filter(scheduled_date__lt=today)
        return queryset


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("yes", _("Failed, missed or stuck"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(needs_attention_q(timezone.now()))
        return queryset
