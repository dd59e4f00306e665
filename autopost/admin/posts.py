"""Admin of scheduled posts: the list people work from, the detail page and the actions."""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import TextField
from django.forms import Textarea
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from autopost import actions
from autopost.admin.filters import NeedsAttentionFilter, ScheduledDateFilter
from autopost.admin.post_actions import actor_name, run_action, run_reschedule
from autopost.admin.post_forms import CONTENT_FIELDS, ScheduledPostForm, content_is_editable
from autopost.models import PostTransition, ScheduledPost
from autopost.pipeline import (
    ClaimLost,
    InvalidTransition,
    force_transition,
    locked_message,
    record_change,
    transition,
)
from autopost.templatetags.autopost_tags import render_status_badge

PIPELINE_FIELDS = [
    "due_at",
    "due_note",
    "claimed_by",
    "claim_expires_at",
    "next_attempt_at",
    "publish_outcome_unknown",
    "ig_container_id",
    "ig_item_container_ids",
    "generation_started_at",
    "generation_completed_at",
    "posting_started_at",
    "posted_at",
    "note",
    "created_at",
    "updated_at",
]
PUBLICATION_FIELDS = ["instagram_post_id", "permalink"]
HEADER_FIELDS = [
    "character",
    "scheduled_date",
    "scheduled_time",
    "status_badge",
    "retries",
    "error_step",
    "error_message",
]


class PostTransitionInline(admin.TabularInline):
    model = PostTransition
    extra = 0
    can_delete = False
    fields = ["at", "from_badge", "to_badge", "actor", "message"]
    readonly_fields = fields
    ordering = ["-at", "-id"]
    verbose_name = _("status change")
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("from"))
    def from_badge(self, obj):
        return render_status_badge(obj.from_status)

    @admin.display(description=_("to"))
    def to_badge(self, obj):
        return render_status_badge(obj.to_status)


@admin.register(ScheduledPost)
class ScheduledPostAdmin(admin.ModelAdmin):
    form = ScheduledPostForm
    list_display = [
        "character_name",
        "scheduled_date",
        "local_time",
        "status_badge",
        "retries",
        "short_error",
        "thumbnail",
        "permalink",
    ]
    list_display_links = ["scheduled_date", "local_time"]
    list_filter = [
        NeedsAttentionFilter,
        "status",
        "character",
        ScheduledDateFilter,
        "error_step",
        "post_type",
    ]
    list_select_related = ["character"]
    list_per_page = 100
    # The full count is a second COUNT(*) over the whole table on every page.
    show_full_result_count = False
    search_fields = ["caption", "location_name", "location_key", "error_message", "instagram_post_id"]
    date_hierarchy = "scheduled_date"
    ordering = ["-scheduled_date", "-scheduled_time"]
    inlines = [PostTransitionInline]
    actions = ["retry_posts", "regenerate_posts", "publish_posts_now", "cancel_posts", "reschedule_posts"]
    formfield_overrides = {TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 80})}}

    def lookup_allowed(self, lookup, value, request=None):
        # Django's check rejects the lookup that its own RelatedFieldListFilter
        # builds for a foreign key to a non-primary key (character -> slug).
        if lookup == "character__slug__exact":
            return True
        return super().lookup_allowed(lookup, value, request)

    def get_actions(self, request):
        # Deleting would drop a post's history; cancelling keeps it.
        actions_ = super().get_actions(request)
        actions_.pop("delete_selected", None)
        return actions_

    def has_add_permission(self, request):
        # Posts come from planning, which computes their due instant and day.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": HEADER_FIELDS}),
            (
                _("Change status"),
                {"fields": ["loaded_status", "new_status", "forced_status", "force_reason"]},
            ),
            (_("Content"), {"fields": CONTENT_FIELDS}),
            (_("Images"), {"fields": ["images"]}),
            (_("Publication"), {"fields": PUBLICATION_FIELDS}),
            (_("Pipeline"), {"fields": PIPELINE_FIELDS, "classes": ["collapse"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = [*HEADER_FIELDS, "images", *PUBLICATION_FIELDS, *PIPELINE_FIELDS]
        if obj is not None and not content_is_editable(obj):
            readonly += CONTENT_FIELDS
        return readonly

    # Columns and read-only fields.

    @admin.display(description=_("character"), ordering="character__name")
    def character_name(self, obj):
        return obj.character.name

    @admin.display(description=_("local time"), ordering="scheduled_time")
    def local_time(self, obj):
        return f"{obj.scheduled_time:%H:%M}"

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return render_status_badge(obj.status)

    @admin.display(description=_("retries"))
    def retries(self, obj):
        return f"{obj.retry_count}/{obj.max_retries}"

    @admin.display(description=_("error"))
    def short_error(self, obj):
        if not obj.error_message:
            return ""
        return format_html(
            '<span title="{}" style="white-space:nowrap">{}</span>',
            obj.error_message,
            Truncator(obj.error_message).chars(40),
        )

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        if not obj.image_urls:
            return ""
        return format_html(
            '<img src="{}" alt="" loading="lazy" style="height:48px;width:auto;border-radius:4px">',
            obj.image_urls[0],
        )

    @admin.display(description=_("Instagram"))
    def permalink(self, obj):
        if not obj.instagram_permalink:
            return ""
        return format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
            obj.instagram_permalink,
            gettext("open"),
        )

    @admin.display(description=_("images"))
    def images(self, obj):
        if not obj.image_urls:
            return gettext("No images yet.")
        return format_html_join(
            "",
            '<a href="{0}" target="_blank" rel="noopener"><img src="{0}" alt="" '
            'style="height:180px;width:auto;margin:0 8px 8px 0;border-radius:6px"></a>',
            ((url,) for url in obj.image_urls),
        )

    # Saving: only the fields a person changed, and status through the pipeline.

    def save_model(self, request, obj, form, change):
        actor = actor_name(request)
        try:
            self._save_content(obj, form, actor)
            self._save_status(obj, form, actor)
        except (InvalidTransition, ClaimLost) as error:
            # The admin runs the whole save in one transaction: roll the content
            # edit back too, so a refused status change leaves nothing half-written.
            transaction.set_rollback(True)
            request.autopost_save_failed = True
            self.message_user(request, str(error), messages.ERROR)

    def _save_content(self, obj, form, actor):
        changed = [name for name in form.changed_data if name in CONTENT_FIELDS]
        if not changed:
            return
        labels = ", ".join(str(ScheduledPost._meta.get_field(name).verbose_name) for name in changed)
        values = {name: getattr(obj, name) for name in changed}
        record_change(obj, actor=actor, message=gettext("edited: %(fields)s") % {"fields": labels}, **values)

    def _save_status(self, obj, form, actor):
        new_status = form.cleaned_data.get("new_status")
        forced = form.cleaned_data.get("forced_status")
        if new_status:
            transition(obj, new_status, actor=actor, message=gettext("changed in the admin"))
        elif forced:
            force_transition(obj, forced, actor=actor, reason=form.cleaned_data["force_reason"])

    def log_change(self, request, obj, message):
        if getattr(request, "autopost_save_failed", False):
            return None
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if getattr(request, "autopost_save_failed", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if request.method == "GET" and obj is not None and _is_locked(obj):
            self.message_user(request, locked_message(obj), messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    # Actions: each lists what will happen first, then applies and reports.

    @admin.action(description=_("Retry failed or missed posts"))
    def retry_posts(self, request, queryset):
        return run_action(self, request, queryset, function=actions.retry, title=gettext("Retry"))

    @admin.action(description=_("Regenerate images"))
    def regenerate_posts(self, request, queryset):
        return run_action(
            self, request, queryset, function=actions.regenerate, title=gettext("Regenerate images")
        )

    @admin.action(description=_("Publish now"))
    def publish_posts_now(self, request, queryset):
        return run_action(self, request, queryset, function=actions.publish_now, title=gettext("Publish now"))

    @admin.action(description=_("Cancel posts"))
    def cancel_posts(self, request, queryset):
        return run_action(self, request, queryset, function=actions.cancel, title=gettext("Cancel"))

    @admin.action(description=_("Reschedule to a date and time"))
    def reschedule_posts(self, request, queryset):
        return run_reschedule(self, request, queryset, title=gettext("Reschedule"))


def _is_locked(post):
    return post.status == ScheduledPost.Status.POSTING and post.claim_is_held(timezone.now())
