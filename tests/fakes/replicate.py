"""A fake Replicate API: model predictions with Prefer: wait, polling at urls.get, output files.

Prediction objects and error bodies follow Replicate's HTTP API reference:
`{"id", "status", "input", "output", "error", "urls": {"get", "cancel"}}`;
errors are problem details `{"title", "detail", "status"}`.
"""

import io
import itertools

from PIL import Image

from tests.fakes.base import FakeServer, Reply

FLAGGED = "The input or output was flagged as sensitive. Please try again with different inputs. (E005)"


def jpeg(width, height, colour=(200, 120, 80)):
    output = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(output, format="JPEG", quality=90)
    return output.getvalue()


class FakeReplicate(FakeServer):
    ROUTES = (
        ("POST", r"/v1/models/(?P<owner>[\w.-]+)/(?P<name>[\w.-]+)/predictions", "create"),
        ("GET", r"/v1/predictions/(?P<prediction_id>\w+)", "get"),
        ("GET", r"/files/(?P<prediction_id>\w+)\.jpg", "file"),
    )

    def __init__(self, *, token="r8_test_token", polls_until_done=1, output_size=(1080, 1350)):
        super().__init__()
        self.token = token
        self.polls_until_done = polls_until_done
        self.output_size = output_size
        self.predictions = {}
        self.flag_prompts = 0  # the next N predictions end failed with the safety-filter error
        self.fail_with = None  # the next prediction ends failed with this error
        self._ids = itertools.count(1)

    @property
    def api_url(self):
        return f"{self.url}/v1"

    def created(self):
        return self.requests_to("POST", r"/predictions$")

    def _unauthorised(self, request):
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Reply(
                401,
                {
                    "title": "Unauthenticated",
                    "detail": "You did not pass a valid authentication token",
                    "status": 401,
                },
            )
        return None

    def handle_create(self, request, owner, name):
        if denied := self._unauthorised(request):
            return denied
        model_input = (request.json or {}).get("input")
        if not isinstance(model_input, dict) or not model_input.get("prompt"):
            return Reply(
                422,
                {"title": "Input validation failed", "detail": "- input: prompt is required", "status": 422},
            )
        prediction_id = f"pred{next(self._ids):04d}"
        outcome = ("failed", FLAGGED) if self.flag_prompts else ("succeeded", None)
        if self.flag_prompts:
            self.flag_prompts -= 1
        if self.fail_with:
            outcome, self.fail_with = ("failed", self.fail_with), None
        self.predictions[prediction_id] = {
            "id": prediction_id,
            "model": f"{owner}/{name}",
            "input": model_input,
            "polls": 0,
            "outcome": outcome,
        }
        return Reply(201, self._view(prediction_id))

    def handle_get(self, request, prediction_id):
        if denied := self._unauthorised(request):
            return denied
        if prediction_id not in self.predictions:
            return Reply(404, {"title": "Not found", "detail": "Not found.", "status": 404})
        self.predictions[prediction_id]["polls"] += 1
        return Reply(200, self._view(prediction_id))

    def handle_file(self, request, prediction_id):
        return Reply(200, raw=jpeg(*self.output_size), content_type="image/jpeg")

    def _view(self, prediction_id):
        prediction = self.predictions[prediction_id]
        done = prediction["polls"] >= self.polls_until_done
        status, error = prediction["outcome"] if done else ("processing", None)
        return {
            "id": prediction_id,
            "model": prediction["model"],
            "version": "hidden",
            "input": prediction["input"],
            "status": status,
            "output": f"{self.url}/files/{prediction_id}.jpg" if status == "succeeded" else None,
            "error": error,
            "logs": "",
            "urls": {
                "get": f"{self.api_url}/predictions/{prediction_id}",
                "cancel": f"{self.api_url}/predictions/{prediction_id}/cancel",
            },
        }
