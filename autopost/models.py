import re
import uuid
import zoneinfo
from datetime import time

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DAY_TYPES = ("weekday", "friday", "saturday", "sunday")
SLOT_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_SLOTS_PER_DAY = 10


def validate_timezone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(value)s is not an IANA time zone; use a name such as Europe/Paris."),
            params={"value": value},
        ) from None


def validate_slots(value):
    """Check a {day type: ["HH:MM", ...]} mapping: sorted, unique, at most 10 a day."""
    if not isinstance(value, dict):
        raise ValidationError(_("Slots must be an object keyed by day type."))
    for day_type, times in value.items():
        if day_type not in DAY_TYPES:
            raise ValidationError(
                _("Unknown day type %(day_type)s; use one of %(choices)s."),
                params={"day_type": day_type, "choices": ", ".join(DAY_TYPES)},
            )
        if not isinstance(times, list):
            raise ValidationError(
                _("Slots of %(day_type)s must be a list of HH:MM times."),
                params={"day_type": day_type},
            )
        for slot in times:
            if not isinstance(slot, str) or not SLOT_PATTERN.match(slot):
                raise ValidationError(
                    _("Slot %(slot)s of %(day_type)s is not a time as HH:MM (such as 08:00)."),
                    params={"slot": slot, "day_type": day_type},
                )
        if len(set(times)) != len(times):
            duplicate = next(t for t in times if times.count(t) > 1)
            raise ValidationError(
                _("Slot %(slot)s appears twice in %(day_type)s; keep it once."),
                params={"slot": duplicate, "day_type": day_type},
            )
        if times != sorted(times):
            raise ValidationError(
                _("Slots of %(day_type)s must be in order: %(expected)s."),
                params={"day_type": day_type, "expected": ", ".join(sorted(times))},
            )
        if len(times) > MAX_SLOTS_PER_DAY:
            raise ValidationError(
                _("%(day_type)s has %(count)s slots; at most %(max)s a day are allowed."),
                params={"day_type": day_type, "count": len(times), "max": MAX_SLOTS_PER_DAY},
            )


def mask_secret(value):
    """Return a secret with all but its last four characters hidden."""
    if not value:
        return ""
    return "•" * 8 + value[-4:] if len(value) > 12 else "•" * 8


class Character(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Who the character is, used in image prompts.")
    )
    instagram_handle = models.CharField(_("Instagram handle"), max_length=100, blank=True)
    instagram_account_id = models.CharField(_("Instagram account id"), max_length=64, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Paris", validators=[validate_timezone]
    )
    slots = models.JSONField(
        _("posting slots"),
        default=dict,
        blank=True,
        validators=[validate_slots],
        help_text=_('Local times per day type, for example {"weekday": ["08:00", "12:30"]}.'),
    )
    content_library = models.JSONField(_("content library"), default=dict, blank=True)
    access_token = models.TextField(_("access token"), blank=True)
    token_expires_at = models.DateTimeField(_("token expires at"), null=True, blank=True)
    needs_new_token = models.BooleanField(_("needs a new token"), default=False)
    publishing_paused = models.BooleanField(
        _("publishing paused"),
        default=False,
        help_text=_("While paused, images are still generated but nothing is published."),
    )
    paused_reason = models.TextField(_("reason for the pause"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The zone read from the database, to detect a change on save.
    _loaded_timezone = None

    class Meta:
        ordering = ["slug"]
        verbose_name = _("character")
        verbose_name_plural = _("characters")

    def __str__(self):
        return self.name

    def __repr__(self):
        # The default repr would not show the token either; this keeps it that way
        # if someone adds fields to __str__.
        return f"<Character {self.slug}>"

    def save(self, *args, **kwargs):
        """Save; after a time zone change, move the due instants of posts not started yet."""
        zone_changed = self._loaded_timezone not in (None, self.timezone)
        with transaction.atomic():
            super().save(*args, **kwargs)
            if zone_changed:
                # Imported here because retiming imports this module.
                from autopost.retiming import retime_unstarted_posts

                retime_unstarted_posts(self)
        self._loaded_timezone = self.timezone

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_timezone = instance.__dict__.get("timezone")
        return instance

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def masked_token(self):
        return mask_secret(self.access_token)

    def slots_for(self, day):
        """Return the local slot times of this character for a date's day type."""
        day_type = {4: "friday", 5: "saturday", 6: "sunday"}.get(day.weekday(), "weekday")
        return [time.fromisoformat(slot) for slot in self.slots.get(day_type, [])]


class DailySchedule(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        PARTIAL = "partial", _("partial")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    schedule_date = models.DateField(_("date"))
    character = models.ForeignKey(
        Character,
        to_field="slug",
        db_column="character",
        on_delete=models.PROTECT,
        related_name="schedules",
        verbose_name=_("character"),
    )
    daily_theme = models.TextField(_("daily theme"), blank=True)
    mood = models.CharField(_("mood"), max_length=50, blank=True)
    scheduled_posts = models.JSONField(_("planned slots"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    posts_completed = models.IntegerField(_("posts completed"), default=0)
    posts_total = models.IntegerField(_("posts total"), default=0)
    generated_by = models.CharField(_("generated by"), max_length=50, default="template_planner")
    generation_reasoning = models.TextField(_("generation reasoning"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "daily_schedules"
        ordering = ["-schedule_date", "character"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule_date", "character"], name="daily_schedules_date_character_key"
            )
        ]
        verbose_name = _("daily schedule")
        verbose_name_plural = _("daily schedules")

    def __str__(self):
        return f"{self.character_id} {self.schedule_date}"

    # savepoint=False: inside the caller's transaction this adds no query;
    # called on its own, it opens the transaction that the row lock needs.
    @transaction.atomic(savepoint=False)
    def refresh_progress(self):
        """Recompute counters and status from the posts in three queries, none per post.

        Call it inside the transaction that changed a post. The day's row is
        locked before counting: under READ COMMITTED, two transactions that each
        count before the other commits would otherwise both write a count that
        misses the other's post. SQLite needs no lock, because its IMMEDIATE
        transactions already run one at a time.
        """
        # order_by() drops the default ordering by character, whose join would
        # make FOR UPDATE lock the character's row too.
        list(DailySchedule.objects.select_for_update().filter(pk=self.pk).order_by().values_list("pk"))
        final = Q(status__in=ScheduledPost.FINAL_STATUSES) | Q(
            status=ScheduledPost.Status.FAILED, next_attempt_at__isnull=True
        )
        counts = self.posts.aggregate(
            total=Count("id"),
            posted=Count("id", filter=Q(status=ScheduledPost.Status.POSTED)),
            untouched=Count("id", filter=Q(status=ScheduledPost.Status.SCHEDULED, retry_count=0)),
            final=Count("id", filter=final),
        )
        if counts["total"] and counts["posted"] == counts["total"]:
            status = self.Status.COMPLETED
        elif counts["total"] and counts["final"] == counts["total"]:
            status = self.Status.PARTIAL
        elif counts["untouched"] == counts["total"]:
            status = self.Status.PENDING
        else:
            status = self.Status.IN_PROGRESS

        self.posts_total = counts["total"]
        self.posts_completed = counts["posted"]
        self.status = status
        DailySchedule.objects.filter(pk=self.pk).update(
            posts_total=self.posts_total,
            posts_completed=self.posts_completed,
            status=status,
            updated_at=timezone.now(),
        )


class ScheduledPost(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        GENERATING = "generating", _("generating")
        IMAGES_READY = "images_ready", _("images ready")
        POSTING = "posting", _("posting")
        POSTED = "posted", _("posted")
        FAILED = "failed", _("failed")
        MISSED = "missed", _("missed")
        CANCELLED = "cancelled", _("cancelled")

    class PostType(models.TextChoices):
        CAROUSEL = "carousel", _("carousel")
        REEL = "reel", _("reel")

    class ContentType(models.TextChoices):
        NEW = "new", _("new")
        THROWBACK = "throwback", _("throwback")
        DUO = "duo", _("duo")
        RESPONSE = "response", _("response")

    class Step(models.TextChoices):
        GENERATING = "generating", _("generating")
        POSTING = "posting", _("posting")

    S = Status
    # The one place where allowed status changes are written down. A status
    # that maps to itself is a take-over of an expired claim by another worker.
    TRANSITIONS = {
        S.SCHEDULED: {S.GENERATING, S.MISSED, S.CANCELLED},
        S.GENERATING: {S.GENERATING, S.IMAGES_READY, S.FAILED, S.SCHEDULED, S.CANCELLED},
        S.IMAGES_READY: {S.POSTING, S.SCHEDULED, S.FAILED, S.MISSED, S.CANCELLED},
        S.POSTING: {S.POSTING, S.POSTED, S.FAILED, S.IMAGES_READY},
        S.FAILED: {S.GENERATING, S.POSTING, S.POSTED, S.SCHEDULED, S.IMAGES_READY, S.MISSED, S.CANCELLED},
        S.MISSED: {S.SCHEDULED, S.IMAGES_READY, S.CANCELLED},
        S.POSTED: set(),
        S.CANCELLED: set(),
    }
    FINAL_STATUSES = (S.POSTED, S.MISSED, S.CANCELLED)
    CLAIMED_STATUSES = (S.GENERATING, S.POSTING)
    del S

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    schedule = models.ForeignKey(
        DailySchedule,
        on_delete=models.CASCADE,
        db_column="schedule_id",
        related_name="posts",
        verbose_name=_("daily schedule"),
    )
    character = models.ForeignKey(
        Character,
        to_field="slug",
        db_column="character",
        on_delete=models.PROTECT,
        related_name="posts",
        verbose_name=_("character"),
    )
    scheduled_date = models.DateField(_("date"))
    scheduled_time = models.TimeField(_("local time"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    post_type = models.CharField(_("post type"), max_length=20, choices=PostType.choices)
    reel_type = models.CharField(_("reel type"), max_length=50, blank=True)
    reel_theme = models.CharField(_("reel theme"), max_length=100, blank=True)
    content_type = models.CharField(
        _("content type"), max_length=20, choices=ContentType.choices, default=ContentType.NEW
    )
    location_key = models.CharField(_("location key"), max_length=100, blank=True)
    location_name = models.CharField(_("location"), max_length=200, blank=True)
    mood = models.CharField(_("mood"), max_length=50, blank=True)
    outfit = models.TextField(_("outfit"), blank=True)
    action = models.TextField(_("action"), blank=True)
    caption = models.TextField(_("caption"), blank=True)
    hashtags = models.JSONField(_("hashtags"), default=list, blank=True)
    prompt_hints = models.TextField(_("prompt hints"), blank=True)
    image_urls = models.JSONField(_("image URLs"), default=list, blank=True)
    video_url = models.TextField(_("video URL"), blank=True)
    cloudinary_ids = models.JSONField(_("Cloudinary ids"), default=list, blank=True)
    instagram_post_id = models.CharField(_("Instagram post id"), max_length=100, blank=True)
    instagram_permalink = models.TextField(_("Instagram link"), blank=True)
    error_message = models.TextField(_("error"), blank=True)
    error_step = models.CharField(_("error step"), max_length=20, choices=Step.choices, blank=True)
    retry_count = models.IntegerField(_("retries"), default=0)
    max_retries = models.IntegerField(_("max retries"), default=3)
    generation_started_at = models.DateTimeField(_("generation started"), null=True, blank=True)
    generation_completed_at = models.DateTimeField(_("generation completed"), null=True, blank=True)
    posting_started_at = models.DateTimeField(_("posting started"), null=True, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Pipeline fields beyond the original table.
    due_at = models.DateTimeField(_("due at (UTC)"), db_index=False)
    due_note = models.TextField(
        _("time note"), blank=True, help_text=_("Set when a DST change moved the slot.")
    )
    claimed_by = models.CharField(_("claimed by"), max_length=100, blank=True)
    claim_expires_at = models.DateTimeField(_("claim expires at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    ig_container_id = models.CharField(_("carousel container id"), max_length=100, blank=True)
    ig_item_container_ids = models.JSONField(_("item container ids"), default=list, blank=True)
    publish_outcome_unknown = models.BooleanField(
        _("publish outcome unknown"),
        default=False,
        help_text=_("A publish request was sent and no answer came back; check before retrying."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        db_table = "scheduled_posts"
        ordering = ["scheduled_date", "scheduled_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "scheduled_time"], name="scheduled_posts_schedule_time_key"
            )
        ]
        indexes = [
            models.Index(fields=["status"], name="idx_scheduled_posts_status"),
            models.Index(fields=["scheduled_date", "scheduled_time"], name="idx_scheduled_posts_datetime"),
            models.Index(fields=["character"], name="idx_scheduled_posts_character"),
            models.Index(fields=["schedule"], name="idx_scheduled_posts_schedule"),
            # The executor's candidate query filters on status and orders by due_at.
            models.Index(fields=["status", "due_at"], name="idx_scheduled_posts_due"),
        ]
        verbose_name = _("scheduled post")
        verbose_name_plural = _("scheduled posts")

    def __str__(self):
        return f"{self.character_id} {self.scheduled_date} {self.scheduled_time:%H:%M}"

    @property
    def full_caption(self):
        """Return the caption, a blank line and the hashtags, as Instagram receives them."""
        tags = " ".join(tag if tag.startswith("#") else f"#{tag}" for tag in self.hashtags)
        return f"{self.caption}\n\n{tags}" if tags else self.caption

    @property
    def is_final(self):
        if self.status in self.FINAL_STATUSES:
            return True
        return self.status == self.Status.FAILED and self.next_attempt_at is None

    def can_move_to(self, status):
        return status in self.TRANSITIONS[self.Status(self.status)]

    def claim_is_held(self, now):
        return bool(self.claimed_by) and self.claim_expires_at and self.claim_expires_at > now


class PostTransition(models.Model):
    id = models.BigAutoField(primary_key=True)
    post = models.ForeignKey(
        ScheduledPost,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("post"),
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ScheduledPost.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=ScheduledPost.Status.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.CharField(_("by"), max_length=150)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        db_table = "post_transitions"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["post", "at"], name="idx_post_transitions_post")]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class ExecutorHeartbeat(models.Model):
    """The last pass of one executor worker, written at the start and end of each pass."""

    worker = models.CharField(_("worker"), max_length=100, primary_key=True)
    pass_started_at = models.DateTimeField(_("last pass started"))
    pass_finished_at = models.DateTimeField(_("last pass finished"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        db_table = "executor_heartbeats"
        verbose_name = _("executor heartbeat")
        verbose_name_plural = _("executor heartbeats")

    def __str__(self):
        return self.worker


class SentNotification(models.Model):
    """One notification event sent, keyed so that the same event for a post and attempt goes out once."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=50)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        db_table = "sent_notifications"
        verbose_name = _("sent notification")
        verbose_name_plural = _("sent notifications")

    def __str__(self):
        return self.key
