"""Changelist actions on scheduled posts: a confirmation page, then the change and a summary.

The first POST (from the changelist) renders the confirmation page with what
will happen to each selected post; its form posts back with step=apply.
"""

import logging

from django.contrib import messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from autopost import actions
from autopost.admin.post_forms import RescheduleForm

logger = logging.getLogger(__name__)

CONFIRMATION_TEMPLATE = "admin/autopost/scheduledpost/action_confirmation.html"


def actor_name(request):
    return f"admin:{request.user.get_username()}"


def run_action(modeladmin, request, queryset, *, function, title):
    """Show what `function` would do to each post, or do it when the page is confirmed."""
    posts = list(queryset.select_related("character").order_by("due_at", "id"))
    now = timezone.now()
    applying = request.POST.get("step") == "apply"
    results = _run(posts, function, actor=actor_name(request), now=now, dry_run=not applying)
    if applying:
        _report(modeladmin, request, title, results)
        return None
    return _confirmation(modeladmin, request, title, posts, results)


def run_reschedule(modeladmin, request, queryset, *, title):
    """Ask for the new slot, then show the outcome per post, then apply."""
    posts = list(queryset.select_related("character").order_by("due_at", "id"))
    step = request.POST.get("step")
    form = RescheduleForm(request.POST if step in ("preview", "apply") else None)
    if not form.is_valid():
        return _confirmation(modeladmin, request, title, posts, None, form=form, next_step="preview")

    options = {"day": form.cleaned_data["day"], "slot": form.cleaned_data["slot"], "taken": set()}
    applying = step == "apply"
    results = _run(
        posts,
        actions.reschedule,
        actor=actor_name(request),
        now=timezone.now(),
        dry_run=not applying,
        **options,
    )
    if applying:
        _report(modeladmin, request, title, results)
        return None
    return _confirmation(modeladmin, request, title, posts, results, form=form, hide_form=True)


def _run(posts, function, **kwargs):
    return [function(post, **kwargs) for post in posts]


def _confirmation(modeladmin, request, title, posts, results, form=None, next_step="apply", hide_form=False):
    rows = results or [actions.ActionResult(post, None, "") for post in posts]
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "action": request.POST.get("action", ""),
        "rows": rows,
        "applicable": sum(1 for row in rows if row.applied),
        "previewed": results is not None,
        "form": form,
        "hide_form": hide_form,
        "next_step": next_step,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }
    return TemplateResponse(request, CONFIRMATION_TEMPLATE, context)


def _report(modeladmin, request, title, results):
    applied = [r for r in results if r.applied]
    skipped = [r for r in results if not r.applied]
    summary = ngettext(
        "%(title)s: %(applied)d post changed, %(skipped)d skipped.",
        "%(title)s: %(applied)d posts changed, %(skipped)d skipped.",
        len(applied),
    ) % {"title": title, "applied": len(applied), "skipped": len(skipped)}
    logger.info(
        "admin action %s by %s: %d applied, %d skipped",
        request.POST.get("action"),
        actor_name(request),
        len(applied),
        len(skipped),
    )
    modeladmin.message_user(request, summary, messages.SUCCESS if applied else messages.WARNING)
    for result in skipped:
        modeladmin.message_user(
            request,
            _("Skipped %(post)s: %(reason)s") % {"post": result.post, "reason": result.message},
            messages.WARNING,
        )
