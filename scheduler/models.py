from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autopost.models import MAX_SLOTS_PER_DAY, SLOT_PATTERN, Character, DailySchedule


def validate_slot_times(value):
    """Check a list of "HH:MM" times: valid, sorted, unique, at most 10."""
    if not isinstance(value, list):
        raise ValidationError(_('Slot times must be a list such as ["10:00", "14:00"].'))
    for slot in value:
        if not isinstance(slot, str) or not SLOT_PATTERN.match(slot):
            raise ValidationError(
                _("Slot %(slot)s is not a time as HH:MM (such as 08:00)."), params={"slot": slot}
            )
    if len(set(value)) != len(value):
        duplicate = next(slot for slot in value if value.count(slot) > 1)
        raise ValidationError(_("Slot %(slot)s appears twice; keep it once."), params={"slot": duplicate})
    if value != sorted(value):
        raise ValidationError(
            _("Slot times must be in order: %(expected)s."), params={"expected": ", ".join(sorted(value))}
        )
    if len(value) > MAX_SLOTS_PER_DAY:
        raise ValidationError(
            _("%(count)s slots given; at most %(max)s a day are allowed."),
            params={"count": len(value), "max": MAX_SLOTS_PER_DAY},
        )


class SpecialDayQuerySet(models.QuerySet):
    def covering(self, first, last):
        """Return the special days that overlap the dates first..last, with their targets."""
        return (
            self.filter(start_date__lte=last)
            .filter(Q(end_date__gte=first) | Q(end_date__isnull=True, start_date__gte=first))
            .prefetch_related("characters")
        )


class SpecialDay(models.Model):
    """A date or a range of dates whose plan overrides the characters' usual one."""

    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(
        _("last day"), null=True, blank=True, help_text=_("Leave empty for a single day.")
    )
    theme = models.CharField(_("theme"), max_length=200)
    mood = models.CharField(_("mood"), max_length=50, blank=True)
    slot_times = models.JSONField(
        _("slot times"),
        default=list,
        blank=True,
        validators=[validate_slot_times],
        help_text=_(
            'Local times that replace the character\'s slots on these days, such as ["10:00", "20:00"]. '
            "Leave empty to keep the character's slots."
        ),
    )
    caption_hint = models.TextField(
        _("caption hint"), blank=True, help_text=_("Placed before each caption of the day.")
    )
    prompt_hints = models.TextField(
        _("prompt hints"), blank=True, help_text=_("Added to each image prompt of the day.")
    )
    all_characters = models.BooleanField(
        _("all characters"),
        default=True,
        help_text=_("Untick to apply this special day only to the characters chosen below."),
    )
    characters = models.ManyToManyField(
        Character, blank=True, related_name="special_days", verbose_name=_("characters")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SpecialDayQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="special_day_end_after_start",
            )
        ]
        verbose_name = _("special day")
        verbose_name_plural = _("special days")

    def __str__(self):
        return self.name

    @property
    def last_day(self):
        return self.end_date or self.start_date

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError(
                {
                    "end_date": _("The last day (%(end)s) is before the first day (%(start)s); swap them.")
                    % {"end": self.end_date, "start": self.start_date}
                }
            )

    def covers(self, day):
        return self.start_date <= day <= self.last_day

    def applies_to(self, character):
        """Return whether this day targets the character (the M2M must be prefetched or cheap)."""
        return self.all_characters or any(each.pk == character.pk for each in self.characters.all())

    def planner_hints(self):
        """Return the dict that planners receive as `special_day`."""
        return {
            "name": self.name,
            "theme": self.theme,
            "mood": self.mood,
            "prompt_hints": self.prompt_hints,
            "caption_hint": self.caption_hint,
        }


def special_day_for(character, day, special_days):
    """Return the special day that applies to `character` on `day`, or None.

    When several match, a day that names the character beats one for all
    characters, then the shorter range wins, then the later start.
    """
    matches = [each for each in special_days if each.covers(day) and each.applies_to(character)]
    if not matches:
        return None
    return min(
        matches,
        key=lambda each: (
            each.all_characters,
            (each.last_day - each.start_date).days,
            -each.start_date.toordinal(),
        ),
    )


class ImportedDay(models.Model):
    """The origin of an imported day plan, with the day-level keys Autopost has no column for."""

    schedule = models.OneToOneField(
        DailySchedule,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="import_record",
        verbose_name=_("daily schedule"),
    )
    source = models.CharField(_("source file"), max_length=255)
    extra = models.JSONField(_("other keys"), default=dict, blank=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("imported day")
        verbose_name_plural = _("imported days")

    def __str__(self):
        return f"{self.schedule} ← {self.source}"
