"""Admin of characters: slots, content library, time zone, token and the publishing pause."""

import json

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from autopost.models import DAY_TYPES, Character, validate_slots

# A context keeps these form labels apart from Django's own weekday names,
# which the calendar shows in lower case as French writes them.
DAY_TYPE_LABELS = {
    "weekday": pgettext_lazy("day type", "Monday to Thursday"),
    "friday": pgettext_lazy("day type", "Friday"),
    "saturday": pgettext_lazy("day type", "Saturday"),
    "sunday": pgettext_lazy("day type", "Sunday"),
}


class IndentedJSONField(forms.JSONField):
    """A JSON field whose textarea shows the value indented, one key a line."""

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)


def slots_field(day_type):
    return forms.CharField(
        label=DAY_TYPE_LABELS[day_type],
        required=False,
        widget=forms.TextInput(attrs={"size": 50}),
        help_text=_("Local times as HH:MM, in order, separated by commas (08:00, 12:30, 19:00)."),
    )


class CharacterForm(forms.ModelForm):
    slots_weekday = slots_field("weekday")
    slots_friday = slots_field("friday")
    slots_saturday = slots_field("saturday")
    slots_sunday = slots_field("sunday")
    new_access_token = forms.CharField(
        label=_("New access token"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the stored token. The stored token is never shown."),
    )
    remove_access_token = forms.BooleanField(label=_("Remove the stored token"), required=False)
    content_library = IndentedJSONField(
        label=_("Content library"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 20, "cols": 90, "style": "font-family:monospace"}),
    )

    class Meta:
        model = Character
        fields = [
            "slug",
            "name",
            "description",
            "instagram_handle",
            "instagram_account_id",
            "timezone",
            "active",
            "publishing_paused",
            "paused_reason",
            "token_expires_at",
            "needs_new_token",
            "content_library",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        slots = self.instance.slots or {}
        if "timezone" in self.fields:
            self.fields["timezone"].help_text = _(
                "IANA name such as Europe/Paris. Posts already planned keep their due instant."
            )
        for day_type in DAY_TYPES:
            self.fields[f"slots_{day_type}"].initial = ", ".join(slots.get(day_type, []))

    def clean(self):
        cleaned = super().clean()
        slots = {}
        for day_type in DAY_TYPES:
            text = cleaned.get(f"slots_{day_type}", "")
            times = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
            try:
                validate_slots({day_type: times})
            except ValidationError as error:
                self.add_error(f"slots_{day_type}", error)
            slots[day_type] = times
        cleaned["slots"] = slots

        if cleaned.get("publishing_paused") and not cleaned.get("paused_reason", "").strip():
            self.add_error("paused_reason", _("Say why publishing is paused, so others know when to resume."))
        if cleaned.get("new_access_token") and cleaned.get("remove_access_token"):
            self.add_error("remove_access_token", _("Either enter a new token or remove the stored one."))
        return cleaned

    def save(self, commit=True):
        character = super().save(commit=False)
        character.slots = self.cleaned_data["slots"]
        if self.cleaned_data.get("new_access_token"):
            character.access_token = self.cleaned_data["new_access_token"]
            character.needs_new_token = False
        elif self.cleaned_data.get("remove_access_token"):
            character.access_token = ""
            character.token_expires_at = None
        if not character.publishing_paused:
            character.paused_reason = ""
        if commit:
            character.save()
        return character


@admin.register(Character)
class CharacterAdmin(admin.ModelAdmin):
    form = CharacterForm
    list_display = [
        "name",
        "slug",
        "instagram_handle",
        "timezone",
        "active",
        "publishing_paused",
        "token_state",
        "token_expires_at",
    ]
    list_filter = ["active", "publishing_paused", "needs_new_token", "timezone"]
    search_fields = ["name", "slug", "instagram_handle"]
    show_full_result_count = False
    readonly_fields = ["masked_token", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["slug", "name", "description", "active"]}),
        (_("Instagram"), {"fields": ["instagram_handle", "instagram_account_id"]}),
        (
            _("Access token"),
            {
                "fields": [
                    "masked_token",
                    "new_access_token",
                    "remove_access_token",
                    "token_expires_at",
                    "needs_new_token",
                ]
            },
        ),
        (_("Publishing"), {"fields": ["publishing_paused", "paused_reason"]}),
        (
            _("Posting slots"),
            {
                "fields": [f"slots_{day_type}" for day_type in DAY_TYPES] + ["timezone"],
                "description": _("Times are wall-clock times in the character's time zone."),
            },
        ),
        (_("Content library"), {"fields": ["content_library"]}),
        (_("Dates"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Posts and days refer to the character by its slug.
        if obj is not None:
            return [*self.readonly_fields, "slug"]
        return self.readonly_fields

    @admin.display(description=_("stored token"))
    def masked_token(self, obj):
        return obj.masked_token or _("none")

    @admin.display(description=_("token"))
    def token_state(self, obj):
        if not obj.access_token:
            return _("none")
        if obj.needs_new_token:
            return _("needs a new token")
        return obj.masked_token
