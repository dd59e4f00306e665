"""Admin of daily schedules: each day's plan and the progress of its posts."""

import json

from django.contrib import admin
from django.db.models import TextField
from django.forms import Textarea
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from autopost.models import DailySchedule, ScheduledPost
from autopost.templatetags.autopost_tags import render_status_badge


def pretty_json(value):
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)
    return format_html('<pre style="white-space:pre-wrap;max-height:40em;overflow:auto">{}</pre>', text)


class ScheduledPostInline(admin.TabularInline):
    model = ScheduledPost
    extra = 0
    can_delete = False
    fields = ["post_link", "status_badge", "post_type", "location_name", "short_caption", "retries"]
    readonly_fields = fields
    ordering = ["scheduled_time"]
    verbose_name_plural = _("posts of the day")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("local time"))
    def post_link(self, obj):
        url = reverse("admin:autopost_scheduledpost_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, f"{obj.scheduled_time:%H:%M}")

    @admin.display(description=_("status"))
    def status_badge(self, obj):
        return render_status_badge(obj.status)

    @admin.display(description=_("caption"))
    def short_caption(self, obj):
        return obj.caption[:80]

    @admin.display(description=_("retries"))
    def retries(self, obj):
        return f"{obj.retry_count}/{obj.max_retries}"


@admin.register(DailySchedule)
class DailyScheduleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "character_name", "schedule_date", "daily_theme", "status", "progress"]
    list_filter = ["status", "character", "schedule_date"]
    list_select_related = ["character"]
    search_fields = ["daily_theme", "mood", "character__name"]
    date_hierarchy = "schedule_date"
    show_full_result_count = False
    formfield_overrides = {TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 80})}}
    inlines = [ScheduledPostInline]
    fields = [
        "character",
        "schedule_date",
        "daily_theme",
        "mood",
        "status",
        "progress",
        "generated_by",
        "generation_reasoning",
        "plan",
        "created_at",
        "updated_at",
    ]
    # Only the theme and the mood are edited here; everything else follows the posts.
    readonly_fields = [name for name in fields if name not in ("daily_theme", "mood")]

    def lookup_allowed(self, lookup, value, request=None):
        # Django's check rejects the lookup that its own RelatedFieldListFilter
        # builds for a foreign key to a non-primary key (character -> slug).
        if lookup == "character__slug__exact":
            return True
        return super().lookup_allowed(lookup, value, request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            # The list shows none of the day's plan, which can be large.
            queryset = queryset.defer("scheduled_posts", "generation_reasoning")
        return queryset

    def has_add_permission(self, request):
        # Days come from planning (plan_days), which also creates their posts.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a day would delete its posts and their history; cancel posts instead.
        return False

    @admin.display(description=_("character"), ordering="character__name")
    def character_name(self, obj):
        return obj.character.name

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return f"{obj.posts_completed}/{obj.posts_total}"

    @admin.display(description=_("plan"))
    def plan(self, obj):
        return pretty_json(obj.scheduled_posts)
