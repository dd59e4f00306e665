"""A small client for the Instagram Graph API: bearer token, form posts, errors by code."""

import logging

import requests
from django.conf import settings

from autopost.providers import http

logger = logging.getLogger(__name__)

SERVICE = "Instagram"


class GraphError(Exception):
    """An error object from the Graph API: {"error": {"message", "code", "error_subcode", ...}}."""

    def __init__(
        self, *, status, code=None, subcode=None, message="", is_transient=False, trace="", retry_after=None
    ):
        self.status = status
        self.retry_after = retry_after
        self.code = code
        self.subcode = subcode
        self.message = message
        self.is_transient = is_transient
        self.trace = trace
        super().__init__(self.describe())

    def describe(self):
        parts = [f"HTTP {self.status}", f"code {self.code}"]
        if self.subcode:
            parts.append(f"subcode {self.subcode}")
        trace = f" (fbtrace_id {self.trace})" if self.trace else ""
        return f"Instagram error ({', '.join(parts)}): {self.message}{trace}"


class NoAnswer(Exception):
    """The request may have reached Instagram but no response came back (timeout, reset)."""

    def __init__(self, message, *, sent):
        super().__init__(message)
        self.sent = sent


class GraphClient:
    def __init__(self, token, *, base=None):
        self.token = token
        self.base = base or settings.INSTAGRAM_GRAPH_URL
        self.session = http.session(SERVICE)

    def get(self, path, **params):
        return self.request("GET", path, params=params)

    def post(self, path, **data):
        return self.request("POST", path, data=data)

    def request(self, method, path, *, params=None, data=None):
        # The token goes in the Authorization header, never in a URL that a
        # proxy or urllib3's debug log could print.
        headers = {"Authorization": f"Bearer {self.token}"}
        url = f"{self.base}/{path.lstrip('/')}"
        try:
            response = self.session.request(
                method, url, params=params, data=data, headers=headers, timeout=http.timeout()
            )
        except requests.ConnectTimeout as error:
            raise NoAnswer(http.redact(str(error), self.token), sent=False) from None
        except requests.RequestException as error:
            raise NoAnswer(http.redact(str(error), self.token), sent=True) from None
        if response.status_code == 200:
            return response.json()
        raise parse_error(response, self.token)


def parse_error(response, token=""):
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    return GraphError(
        status=response.status_code,
        code=error.get("code"),
        subcode=error.get("error_subcode"),
        message=http.redact(str(error.get("message") or response.text[:300]), token),
        is_transient=bool(error.get("is_transient")),
        trace=str(error.get("fbtrace_id") or ""),
        retry_after=http.retry_after_seconds(response),
    )
