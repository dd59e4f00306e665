from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from scheduler.models import ImportedDay, SpecialDay


class SpecialDayForm(forms.ModelForm):
    class Meta:
        model = SpecialDay
        fields = [
            "name",
            "start_date",
            "end_date",
            "theme",
            "mood",
            "slot_times",
            "caption_hint",
            "prompt_hints",
            "all_characters",
            "characters",
        ]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all_characters") and not cleaned.get("characters"):
            raise forms.ValidationError(
                _("Choose at least one character, or tick “all characters”."), code="no_target"
            )
        return cleaned


@admin.register(SpecialDay)
class SpecialDayAdmin(admin.ModelAdmin):
    form = SpecialDayForm
    list_display = ["name", "start_date", "end_date", "theme", "mood", "slot_list", "targets"]
    list_filter = ["all_characters", "characters", "start_date"]
    search_fields = ["name", "theme", "caption_hint"]
    date_hierarchy = "start_date"
    filter_horizontal = ["characters"]
    fieldsets = [
        (None, {"fields": ["name", ("start_date", "end_date")]}),
        (_("Content"), {"fields": ["theme", "mood", "slot_times", "caption_hint", "prompt_hints"]}),
        (_("Characters"), {"fields": ["all_characters", "characters"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("characters")

    @admin.display(description=_("slot times"))
    def slot_list(self, obj):
        return ", ".join(obj.slot_times) or _("character's slots")

    @admin.display(description=_("characters"))
    def targets(self, obj):
        if obj.all_characters:
            return _("all")
        return ", ".join(each.name for each in obj.characters.all())


@admin.register(ImportedDay)
class ImportedDayAdmin(admin.ModelAdmin):
    list_display = ["schedule", "source", "imported_at"]
    list_select_related = ["schedule"]
    search_fields = ["source", "schedule__character__slug"]
    date_hierarchy = "imported_at"
    readonly_fields = ["schedule", "source", "extra", "imported_at"]

    def has_add_permission(self, request):
        return False
