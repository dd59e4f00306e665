"""A fake Discord webhook: POST /api/webhooks/{id}/{token} returns 204 and stores each message."""

from tests.fakes.base import FakeServer, Reply


class FakeDiscord(FakeServer):
    ROUTES = (("POST", r"/api/webhooks/(?P<webhook_id>\d+)/(?P<token>[\w-]+)", "execute"),)

    WEBHOOK_ID, TOKEN = "112233445566", "webhook-secret-token"

    def __init__(self):
        super().__init__()
        self.messages = []

    @property
    def webhook_url(self):
        return f"{self.url}/api/webhooks/{self.WEBHOOK_ID}/{self.TOKEN}"

    def handle_execute(self, request, webhook_id, token):
        if webhook_id != self.WEBHOOK_ID or token != self.TOKEN:
            return Reply(404, {"message": "Unknown Webhook", "code": 10015})
        body = request.json or {}
        if not body.get("content") and not body.get("embeds"):
            return Reply(400, {"message": "Cannot send an empty message", "code": 50006})
        self.messages.append(body)
        return Reply(204)

    def rate_limit_next(self, seconds=0.05):
        self.fail(
            "POST",
            r"/api/webhooks/",
            status=429,
            headers={"Retry-After": seconds},
            body={"message": "You are being rate limited.", "retry_after": seconds, "global": False},
        )
