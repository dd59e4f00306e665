"""A fake Instagram Graph API: containers, status codes, media_publish, quota, media list, token refresh.

Paths, fields and error bodies follow Meta's content publishing guide and
error-code reference. Publishes are counted per container, and publishing a
container twice creates a second media, as a double post would.
"""

import itertools
from collections import Counter
from datetime import UTC, datetime

from tests.fakes.base import FakeServer, Reply

VERSION = "v21.0"


def graph_error(code, message, *, subcode=None, transient=False, kind="OAuthException"):
    error = {
        "message": message,
        "type": kind,
        "code": code,
        "is_transient": transient,
        "fbtrace_id": "AbCdEf",
    }
    if subcode:
        error["error_subcode"] = subcode
    return {"error": error}


class FakeInstagram(FakeServer):
    ROUTES = (
        ("POST", rf"/{VERSION}/(?P<account>\d+)/media", "create_container"),
        ("POST", rf"/{VERSION}/(?P<account>\d+)/media_publish", "media_publish"),
        ("GET", rf"/{VERSION}/(?P<account>\d+)/content_publishing_limit", "publishing_limit"),
        ("GET", rf"/{VERSION}/(?P<account>\d+)/media", "list_media"),
        ("GET", rf"/{VERSION}/(?P<node>\w+)", "read_node"),
        ("GET", r"/refresh_access_token", "refresh_token"),
    )

    def __init__(self, *, polls_until_finished=1, quota_total=100):
        super().__init__()
        self.tokens = {}  # token -> account id
        self.containers = {}
        self.media = {}
        self.publishes = Counter()  # container id -> number of media_publish that created a media
        self.polls_until_finished = polls_until_finished
        self.quota_total = quota_total
        self.quota_used_elsewhere = 0
        self.refresh_lifetime = 60 * 86400
        self._ids = itertools.count(17890000000001)

    @property
    def graph_url(self):
        return f"{self.url}/{VERSION}"

    def add_account(self, account_id, token):
        self.tokens[token] = str(account_id)

    def set_status(self, container_id, status):
        self.containers[container_id]["status_code"] = status

    def drop_after_publish(self, times=1):
        """Publish on the next media_publish requests, then close the connection with no response."""
        self.fail("POST", r"/media_publish$", drop=True, after=True, times=times)

    def fail_with_code(self, code, message, *, subcode=None, path=r"/media_publish$", method="POST", times=1):
        """Return a Graph API error body with this code (and subcode) for the next matching requests."""
        self.fail(method, path, body=graph_error(code, message, subcode=subcode), times=times)

    def total_publishes(self):
        return sum(self.publishes.values())

    def _next_id(self):
        return str(next(self._ids))

    def _token(self, request):
        header = request.headers.get("authorization", "")
        if header.startswith("Bearer "):
            return header[len("Bearer ") :]
        return request.params.get("access_token", "")

    def _auth(self, request, account=None):
        """Return an error reply when the token is unknown or belongs to another account."""
        owner = self.tokens.get(self._token(request))
        if owner is None:
            return Reply(400, graph_error(190, "Error validating access token: Session has expired."))
        if account is not None and owner != account:
            return Reply(400, graph_error(10, "Application does not have permission for this action"))
        return None

    def handle_create_container(self, request, account):
        if denied := self._auth(request, account):
            return denied
        params = request.params
        container = {
            "account": account,
            "polls": 0,
            "status_code": "IN_PROGRESS",
            "created": datetime.now(UTC),
        }
        if params.get("media_type") == "CAROUSEL":
            children = [c for c in params.get("children", "").split(",") if c]
            if not 2 <= len(children) <= 10 or any(c not in self.containers for c in children):
                return Reply(400, graph_error(100, "Invalid parameter", subcode=2207035))
            container.update(kind="CAROUSEL", children=children, caption=params.get("caption", ""))
        elif params.get("image_url"):
            container.update(
                kind="IMAGE",
                image_url=params["image_url"],
                caption=params.get("caption", ""),
                is_carousel_item=params.get("is_carousel_item") == "true",
            )
        else:
            return Reply(400, graph_error(100, "The parameter image_url is required"))
        container_id = self._next_id()
        self.containers[container_id] = container
        return Reply(200, {"id": container_id})

    def handle_read_node(self, request, node):
        if denied := self._auth(request):
            return denied
        if node in self.containers:
            container = self.containers[node]
            container["polls"] += 1
            if container["status_code"] == "IN_PROGRESS" and container["polls"] >= self.polls_until_finished:
                container["status_code"] = "FINISHED"
            return Reply(
                200, {"id": node, "status_code": container["status_code"], "status": container["status_code"]}
            )
        if node in self.media:
            media = self.media[node]
            return Reply(200, {"id": node, "permalink": media["permalink"], "caption": media["caption"]})
        return Reply(
            400,
            graph_error(
                100,
                f"Unsupported get request. Object with ID '{node}' does not exist",
                subcode=33,
                kind="GraphMethodException",
            ),
        )

    def handle_media_publish(self, request, account):
        if denied := self._auth(request, account):
            return denied
        creation_id = request.params.get("creation_id", "")
        container = self.containers.get(creation_id)
        if container is None:
            return Reply(400, graph_error(24, "Media builder not found", subcode=2207008))
        if container["status_code"] == "EXPIRED":
            return Reply(
                400,
                graph_error(
                    -2,
                    "The media you are trying to access has expired. Please try to upload again.",
                    subcode=2207020,
                ),
            )
        if container["status_code"] == "IN_PROGRESS":
            return Reply(400, graph_error(9007, "Media ID is not available", subcode=2207027))
        media_id = self._next_id()
        self.media[media_id] = {
            "account": account,
            "container": creation_id,
            "caption": container.get("caption", ""),
            "permalink": f"https://www.instagram.com/p/FAKE{media_id}/",
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
        }
        container["status_code"] = "PUBLISHED"
        self.publishes[creation_id] += 1
        return Reply(200, {"id": media_id})

    def handle_publishing_limit(self, request, account):
        if denied := self._auth(request, account):
            return denied
        used = self.quota_used_elsewhere + sum(1 for m in self.media.values() if m["account"] == account)
        return Reply(
            200,
            {
                "data": [
                    {
                        "quota_usage": used,
                        "config": {"quota_total": self.quota_total, "quota_duration": 86400},
                    }
                ]
            },
        )

    def handle_list_media(self, request, account):
        if denied := self._auth(request, account):
            return denied
        items = [
            {
                "id": media_id,
                "caption": m["caption"],
                "timestamp": m["timestamp"],
                "permalink": m["permalink"],
            }
            for media_id, m in reversed(self.media.items())
            if m["account"] == account
        ]
        return Reply(200, {"data": items[: int(request.params.get("limit", 25))]})

    def handle_refresh_token(self, request):
        token = request.params.get("access_token", "")
        if request.params.get("grant_type") != "ig_refresh_token":
            return Reply(400, graph_error(100, "Invalid grant_type"))
        if token not in self.tokens:
            return Reply(400, graph_error(190, "Error validating access token: Session has expired."))
        new_token = f"{token}-r{len(self.requests)}"
        self.tokens[new_token] = self.tokens[token]
        return Reply(
            200, {"access_token": new_token, "token_type": "bearer", "expires_in": self.refresh_lifetime}
        )
