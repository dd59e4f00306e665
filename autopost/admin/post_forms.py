"""Forms of the scheduled post admin: the change form with its status fields, and reschedule."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autopost.models import ScheduledPost
from autopost.pipeline import locked_message

Status = ScheduledPost.Status

# Content a person may edit while the post has not started publishing.
CONTENT_FIELDS = [
    "post_type",
    "content_type",
    "reel_type",
    "reel_theme",
    "location_key",
    "location_name",
    "mood",
    "outfit",
    "action",
    "caption",
    "hashtags",
    "prompt_hints",
]
STATUS_FIELDS = ["loaded_status", "new_status", "forced_status", "force_reason"]


def content_is_editable(post):
    """Return whether a person may still change what gets published."""
    if post.status in (Status.POSTING, Status.POSTED, Status.CANCELLED):
        return False
    return not post.publish_outcome_unknown


def allowed_targets(post):
    """Return the statuses a person may choose without forcing, in pipeline order."""
    allowed = ScheduledPost.TRANSITIONS[Status(post.status)]
    return [
        s for s in Status if s in allowed and s != post.status and s not in ScheduledPost.CLAIMED_STATUSES
    ]


def forceable_targets(post):
    return [
        s
        for s in Status
        if s != post.status and s not in ScheduledPost.CLAIMED_STATUSES and s not in allowed_targets(post)
    ]


class ScheduledPostForm(forms.ModelForm):
    loaded_status = forms.CharField(widget=forms.HiddenInput, required=False)
    new_status = forms.ChoiceField(
        label=_("Change status to"),
        required=False,
        help_text=_("Only the changes the pipeline allows from the current status are offered."),
    )
    forced_status = forms.ChoiceField(
        label=_("Force status to"),
        required=False,
        help_text=_("A change outside the pipeline's rules, for repairing a post. Needs a reason."),
    )
    force_reason = forms.CharField(
        label=_("Reason for forcing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )

    class Meta:
        model = ScheduledPost
        fields = CONTENT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        post = self.instance
        keep = [("", _("— keep %(status)s —") % {"status": post.get_status_display()})]
        # Every status passes field validation so that a stale or edited form gets
        # the pipeline's own message in clean(), not a generic "invalid choice".
        for name in ("new_status", "forced_status"):
            self.fields[name].choices = keep + list(Status.choices)
        self.fields["new_status"].widget.choices = keep + [(s.value, s.label) for s in allowed_targets(post)]
        self.fields["forced_status"].widget.choices = keep + [
            (s.value, s.label) for s in forceable_targets(post)
        ]
        self.fields["loaded_status"].initial = post.status

    def clean(self):
        cleaned = super().clean()
        post = self.instance
        if post.status == Status.POSTING and post.claim_is_held(timezone.now()):
            raise forms.ValidationError(locked_message(post), code="locked")

        loaded = cleaned.get("loaded_status")
        if loaded and loaded != post.status:
            raise forms.ValidationError(
                _("This post changed from %(loaded)s to %(current)s since the page was loaded; reload it.")
                % {"loaded": Status(loaded).label, "current": post.get_status_display()},
                code="stale",
            )

        new_status, forced = cleaned.get("new_status"), cleaned.get("forced_status")
        if new_status and forced:
            raise forms.ValidationError(_("Choose either a status change or a forced one, not both."))
        if new_status and new_status not in allowed_targets(post):
            self.add_error(
                "new_status",
                _("A post cannot go from %(from)s to %(to)s; use the force fields with a reason.")
                % {"from": post.get_status_display(), "to": Status(new_status).label},
            )
        if forced and forced not in forceable_targets(post) + allowed_targets(post):
            self.add_error(
                "forced_status",
                _("Only a worker can move a post to %(to)s.") % {"to": Status(forced).label},
            )
        if forced and not cleaned.get("force_reason", "").strip():
            self.add_error("force_reason", _("A forced status change needs a reason."))
        return cleaned


class RescheduleForm(forms.Form):
    day = forms.DateField(label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}))
    slot = forms.TimeField(
        label=_("New local time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Wall-clock time in each post's character time zone."),
    )

    def clean_slot(self):
        return self.cleaned_data["slot"].replace(second=0, microsecond=0)
