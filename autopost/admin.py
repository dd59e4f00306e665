from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from autopost.models import Character, DailySchedule, PostTransition, ScheduledPost


@admin.register(Character)
class CharacterAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "instagram_handle", "timezone", "active", "publishing_paused"]
    list_filter = ["active", "publishing_paused"]
    search_fields = ["name", "slug", "instagram_handle"]
    exclude = ["access_token"]
    readonly_fields = ["masked_token"]

    @admin.display(description=_("access token"))
    def masked_token(self, obj):
        return obj.masked_token or "—"


class PostTransitionInline(admin.TabularInline):
    model = PostTransition
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "actor", "message"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ScheduledPost)
class ScheduledPostAdmin(admin.ModelAdmin):
    list_display = ["character", "scheduled_date", "scheduled_time", "status", "retry_count", "error_message"]
    list_filter = ["status", "character", "error_step"]
    list_select_related = ["character"]
    search_fields = ["caption", "location_name", "error_message", "instagram_post_id"]
    date_hierarchy = "scheduled_date"
    readonly_fields = [
        "status",
        "due_at",
        "claimed_by",
        "claim_expires_at",
        "next_attempt_at",
        "ig_container_id",
        "ig_item_container_ids",
        "instagram_post_id",
        "generation_started_at",
        "generation_completed_at",
        "posting_started_at",
        "posted_at",
    ]
    inlines = [PostTransitionInline]


@admin.register(DailySchedule)
class DailyScheduleAdmin(admin.ModelAdmin):
    list_display = ["schedule_date", "character", "daily_theme", "status", "posts_completed", "posts_total"]
    list_filter = ["status", "character"]
    list_select_related = ["character"]
    date_hierarchy = "schedule_date"
