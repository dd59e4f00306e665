"""Helpers that post admin forms the way a browser does."""

from django.contrib.messages import get_messages
from django.urls import reverse

CHANGELIST = "admin:autopost_scheduledpost_changelist"


def post_action(client, action, posts, **fields):
    """POST the changelist's action form, as the "Go" button does."""
    data = {"action": action, "_selected_action": [str(post.pk) for post in posts], "index": "0", **fields}
    return client.post(reverse(CHANGELIST), data)


def confirm_action(client, action, posts, **fields):
    """POST the confirmation page's form, as its "Yes, apply" button does."""
    return post_action(client, action, posts, step="apply", **fields)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def change_url(post):
    return reverse("admin:autopost_scheduledpost_change", args=[post.pk])
