"""A fake Anthropic Messages API: POST /v1/messages with x-api-key, replies from a script.

Response and error bodies follow Anthropic's Messages API reference:
`{"type": "message", "content": [{"type": "text", "text"}], ...}` and
`{"type": "error", "error": {"type", "message"}}`.
"""

import json
from datetime import date

from tests.fakes.base import FakeServer, Reply

TAGS = [f"#tag{i}" for i in range(13)]


def valid_plan(request):
    """Return a valid day plan for the slots and library of a planner request."""
    locations = request["content_library"].get("locations") or [{"key": "home", "name": "Maison"}]
    return {
        "daily_theme": f"Journée du {date.fromisoformat(request['date']):%d/%m}",
        "mood": "calm",
        "reasoning": "Locations rotated, none from the last 7 days.",
        "posts": [
            {
                "time": slot,
                "type": "carousel",
                "location_key": locations[index % len(locations)]["key"],
                "location_name": locations[index % len(locations)]["name"],
                "mood": "calm",
                "outfit": "Pull en maille crème",
                "action": "Boit un café",
                "caption": f"Pause café de {slot} ☕",
                "hashtags": TAGS,
                "prompt_hints": "golden hour",
            }
            for index, slot in enumerate(request["slots"])
        ],
    }


class FakeAnthropic(FakeServer):
    ROUTES = (("POST", r"/v1/messages", "messages"),)

    def __init__(self, *, api_key="sk-ant-test-key"):
        super().__init__()
        self.api_key = api_key
        self.replies = []  # texts returned in order; when empty, a valid plan for the request

    def handle_messages(self, request):
        if request.headers.get("x-api-key") != self.api_key:
            return Reply(
                401,
                {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}},
            )
        body = request.json or {}
        if not body.get("model") or not body.get("messages") or not body.get("max_tokens"):
            return Reply(
                400,
                {
                    "type": "error",
                    "error": {
                        "type": "invalid_request_error",
                        "message": "model, messages and max_tokens are required",
                    },
                },
            )
        if self.replies:
            text = self.replies.pop(0)
        else:
            text = json.dumps(valid_plan(json.loads(body["messages"][0]["content"])), ensure_ascii=False)
        return Reply(
            200,
            {
                "id": f"msg_{len(self.requests):04d}",
                "type": "message",
                "role": "assistant",
                "model": body["model"],
                "content": [{"type": "text", "text": text}],
                "stop_reason": "end_turn",
                "usage": {"input_tokens": 100, "output_tokens": 200},
            },
        )
