"""Helpers that post admin forms the way a browser does."""

from html.parser import HTMLParser

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


class _FormParser(HTMLParser):
    """Collect the fields a browser would submit from the page's main form."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self._select = None
        self._select_first = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "name" not in attrs and tag in ("input", "select", "textarea"):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select, self._select_first = attrs["name"], None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self.fields.append((self._select, value))
                self._select_first = False
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            if self._select_first not in (None, False):
                self.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_fields(response, form_id):
    """Return the page's form as a dict of lists, with the values a browser would send."""
    parser = _FormParser(form_id)
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


def submit_change_form(client, url, form_id, **changes):
    """GET an admin change page, apply `changes` to its form and POST it back."""
    data = form_fields(client.get(url), form_id)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = [value]
    data["_save"] = ["Save"]
    return client.post(url, data)
