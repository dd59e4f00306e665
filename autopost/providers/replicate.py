"""Images from a Replicate model (AUTOPOST_IMAGE_GENERATOR=replicate).

API: https://replicate.com/docs/topics/predictions. A prediction is created on
the model's predictions endpoint; `Prefer: wait` asks the service to hold the
request open until the prediction ends or its own limit passes, and the
prediction is then polled at its `urls.get` until it is
`succeeded`, `failed` or `canceled`. Outputs are deleted by Replicate after an
hour, so each one is downloaded at once into our storage.
"""

import logging
import time

import requests
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from autopost.providers import http
from autopost.providers.base import ImageGenerator, PermanentError, RetryableError
from autopost.providers.imaging import ImageInvalid, normalise_for_instagram
from autopost.providers.local_images import image_path

logger = logging.getLogger(__name__)

SERVICE = "Replicate"
IMAGES_PER_CAROUSEL = 3
TERMINAL = {"succeeded", "failed", "canceled"}
# Replicate reports a safety-filter rejection as a failed prediction whose
# error mentions that the input or output was flagged (E005 for Google models).
FLAGGED_WORDS = ("flagged", "sensitive", "nsfw", "safety")


class PromptFlagged(Exception):
    """The model's safety filter rejected the prompt or its output."""


def build_prompt(post, *, safer=False):
    """Return the image prompt for one post; the safer variant drops outfit and action details."""
    character = post.character
    parts = [character.description or character.name]
    if post.location_name:
        parts.append(f"Location: {post.location_name}.")
    if not safer:
        if post.outfit:
            parts.append(f"Outfit: {post.outfit}.")
        if post.action:
            parts.append(f"Action: {post.action}.")
    if post.mood:
        parts.append(f"Mood: {post.mood}.")
    if post.prompt_hints and not safer:
        parts.append(post.prompt_hints)
    parts.append("Candid smartphone photo, natural light, Instagram portrait format.")
    if safer:
        parts.append("Fully clothed, everyday public scene, family-friendly, no text, no logos.")
    return " ".join(parts)


class ReplicateClient:
    def __init__(self):
        self.token = settings.REPLICATE_API_TOKEN
        self.base = settings.REPLICATE_API_URL
        self.session = http.session(SERVICE)

    def run(self, model_input):
        """Run one prediction and return its first output URL."""
        prediction = self._request(
            "POST",
            f"{self.base}/models/{settings.AUTOPOST_REPLICATE_MODEL}/predictions",
            json={"input": model_input},
            headers={"Prefer": "wait"},
        )
        deadline = time.monotonic() + settings.AUTOPOST_REPLICATE_DEADLINE_SECONDS
        while prediction.get("status") not in TERMINAL:
            if time.monotonic() > deadline:
                raise RetryableError(
                    f"Replicate prediction {prediction.get('id')} still {prediction.get('status')} after "
                    f"{settings.AUTOPOST_REPLICATE_DEADLINE_SECONDS} s"
                )
            time.sleep(settings.AUTOPOST_REPLICATE_POLL_SECONDS)
            prediction = self._request("GET", self._poll_url(prediction))
        return self._output_url(prediction)

    def download(self, url):
        try:
            response = self.session.get(url, timeout=http.timeout())
        except requests.RequestException as error:
            raise http.transport_error(SERVICE, error, self.token) from None
        if response.status_code != 200:
            raise http.status_error(SERVICE, response, f"download of output failed: {response.text[:200]}")
        return response.content

    def _poll_url(self, prediction):
        # The token is only sent back to the configured API, whatever urls.get contains.
        url = (prediction.get("urls") or {}).get("get", "")
        if url.startswith(self.base + "/"):
            return url
        return f"{self.base}/predictions/{prediction['id']}"

    def _output_url(self, prediction):
        status = prediction["status"]
        if status == "failed":
            error = str(prediction.get("error") or "no error message")
            if any(word in error.lower() for word in FLAGGED_WORDS):
                raise PromptFlagged(error)
            raise PermanentError(f"Replicate prediction {prediction['id']} failed: {error[:500]}")
        if status == "canceled":
            raise RetryableError(f"Replicate prediction {prediction['id']} was canceled")
        output = prediction.get("output")
        url = output[0] if isinstance(output, list) and output else output
        if not isinstance(url, str) or not url:
            raise PermanentError(f"Replicate prediction {prediction['id']} succeeded without an output URL")
        return url

    def _request(self, method, url, **kwargs):
        if not self.token:
            raise PermanentError("REPLICATE_API_TOKEN is not set: add the API token from replicate.com.")
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        try:
            response = self.session.request(method, url, headers=headers, timeout=http.timeout(), **kwargs)
        except requests.RequestException as error:
            raise http.transport_error(SERVICE, error, self.token) from None
        if response.status_code not in (200, 201):
            raise http.status_error(SERVICE, response, _detail(response), self.token)
        return response.json()


def _detail(response):
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    return str(body.get("detail") or body.get("title") or body)


class ReplicateImageGenerator(ImageGenerator):
    """Three images per carousel; the first one is a reference for the next two, for a consistent look."""

    def generate(self, post, *, claim):
        client = ReplicateClient()
        references = list((post.character.content_library or {}).get("reference_images") or [])
        count = IMAGES_PER_CAROUSEL if post.post_type == "carousel" else 1

        urls = []
        first_output = None
        for index in range(count):
            extra = [first_output] if first_output else []
            output = self._run_with_safer_retry(client, post, references + extra)
            first_output = first_output or output
            urls.append(self._store(client, post, index, output))
            claim.renew()
        return urls

    def _run_with_safer_retry(self, client, post, references):
        try:
            return client.run(self._input(post, references, safer=False))
        except PromptFlagged as error:
            logger.warning(
                "post %s: prompt flagged by the model, retrying once with the safer prompt", post.pk
            )
            first_error = error
        try:
            return client.run(self._input(post, references, safer=True))
        except PromptFlagged as error:
            raise PermanentError(
                f"Replicate flagged the prompt twice (the safer variant too): {str(error)[:300]} "
                f"(first time: {str(first_error)[:200]}). Change the post's outfit, action or hints."
            ) from None

    def _input(self, post, references, *, safer):
        model_input = {
            "prompt": build_prompt(post, safer=safer),
            "aspect_ratio": "4:5",
            "output_format": "jpg",
        }
        if references:
            model_input["image_input"] = references
        return model_input

    def _store(self, client, post, index, output_url):
        try:
            data = normalise_for_instagram(client.download(output_url))
        except ImageInvalid as error:
            raise RetryableError(f"Replicate output {index + 1} is not an image: {error}") from None
        name = image_path(post, index)
        if default_storage.exists(name):
            default_storage.delete(name)
        return default_storage.url(default_storage.save(name, ContentFile(data)))
