"""The Replicate image generator against the fake Replicate API, through real executor passes."""

import io
import logging
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from autopost.executor import run_pass
from autopost.models import ScheduledPost
from tests.factories import CharacterFactory, ScheduledPostFactory

Status = ScheduledPost.Status
REFERENCES = ["https://cdn.autopost.test/mila/ref-1.jpg", "https://cdn.autopost.test/mila/ref-2.jpg"]


@pytest.fixture
def post(db, fake_replicate, media_root):
    mila = CharacterFactory(
        slug="mila",
        description="A 22-year-old design student in Paris.",
        content_library={"reference_images": REFERENCES},
    )
    return ScheduledPostFactory(
        character=mila,
        at=timezone.now() + timedelta(minutes=5),
        location_name="Canal Saint-Martin",
        outfit="Manteau camel",
        action="Se promène le long de l'eau",
        mood="calm",
        prompt_hints="golden hour",
    )


def stored_image(url):
    with default_storage.open(url.removeprefix("/media/")) as handle:
        return Image.open(io.BytesIO(handle.read()))


def test_generates_three_images_into_storage(post, fake_replicate):
    run_pass(worker="w1")

    post.refresh_from_db()
    assert post.status == Status.IMAGES_READY
    assert len(post.image_urls) == 3
    assert all(url.startswith("/media/posts/mila/") for url in post.image_urls)
    assert [stored_image(url).size for url in post.image_urls] == [(1080, 1350)] * 3


def test_prediction_request_bodies(post, fake_replicate):
    run_pass(worker="w1")

    created = fake_replicate.created()
    inputs = [request.json["input"] for request in created]
    first_output = f"{fake_replicate.url}/files/pred0001.jpg"
    assert len(created) == 3
    assert all(r.path == "/v1/models/google/nano-banana-pro/predictions" for r in created)
    assert all(r.headers["prefer"] == "wait" for r in created)
    assert all(r.headers["authorization"] == f"Bearer {fake_replicate.token}" for r in created)
    assert [i["aspect_ratio"] for i in inputs] == ["4:5"] * 3
    assert [i["output_format"] for i in inputs] == ["jpg"] * 3
    assert inputs[0]["image_input"] == REFERENCES
    assert inputs[1]["image_input"] == REFERENCES + [first_output]
    assert inputs[2]["image_input"] == REFERENCES + [first_output]
    for words in (
        "design student",
        "Canal Saint-Martin",
        "Manteau camel",
        "le long de l'eau",
        "calm",
        "golden",
    ):
        assert words in inputs[0]["prompt"]


def test_polls_prediction_until_succeeded(post, fake_replicate):
    fake_replicate.polls_until_done = 3

    run_pass(worker="w1")

    post.refresh_from_db()
    polls = fake_replicate.requests_to("GET", r"/v1/predictions/pred0001$")
    assert post.status == Status.IMAGES_READY
    assert len(polls) == 3


def test_prediction_past_deadline_is_retryable(post, fake_replicate, settings):
    fake_replicate.polls_until_done = 10_000
    settings.AUTOPOST_REPLICATE_DEADLINE_SECONDS = 0.2

    run_pass(worker="w1")

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.next_attempt_at is not None
    assert "still processing" in post.error_message


def test_flagged_prompt_retried_once_with_safer_variant(post, fake_replicate):
    fake_replicate.flag_prompts = 1

    run_pass(worker="w1")

    post.refresh_from_db()
    prompts = [r.json["input"]["prompt"] for r in fake_replicate.created()]
    assert post.status == Status.IMAGES_READY
    assert len(prompts) == 4
    assert "Manteau camel" in prompts[0]
    assert "Manteau camel" not in prompts[1]
    assert "family-friendly" in prompts[1]


def test_flagged_twice_is_permanent(post, fake_replicate):
    fake_replicate.flag_prompts = 2

    run_pass(worker="w1")

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.next_attempt_at is None
    assert "flagged the prompt twice" in post.error_message
    assert len(fake_replicate.created()) == 2


def test_failed_prediction_is_permanent(post, fake_replicate):
    fake_replicate.fail_with = "CUDA error: device-side assert triggered"

    run_pass(worker="w1")

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.next_attempt_at is None
    assert "CUDA error" in post.error_message


def test_throttled_honours_retry_after(post, fake_replicate):
    fake_replicate.fail(
        "POST",
        r"/predictions$",
        status=429,
        headers={"Retry-After": "900"},
        body={
            "title": "Request was throttled",
            "detail": "Expected available in 900 seconds.",
            "status": 429,
        },
    )
    before = timezone.now()

    run_pass(worker="w1")

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.next_attempt_at >= before + timedelta(seconds=900)
    assert "HTTP 429" in post.error_message


def test_server_error_is_retryable(post, fake_replicate):
    fake_replicate.fail("POST", r"/predictions$", status=502, body={"detail": "Bad gateway", "status": 502})

    run_pass(worker="w1")

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.next_attempt_at is not None
    assert "HTTP 502" in post.error_message


def test_timeout_is_retryable(post, fake_replicate, settings):
    settings.AUTOPOST_HTTP_TIMEOUT = 0.3
    fake_replicate.fail("POST", r"/predictions$", status=201, body={}, delay=0.6)

    run_pass(worker="w1")

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.next_attempt_at is not None
    assert "Replicate request timed out" in post.error_message


def test_connection_reset_is_retryable(post, fake_replicate):
    fake_replicate.fail("POST", r"/predictions$", drop=True)

    run_pass(worker="w1")

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.next_attempt_at is not None
    assert "Replicate request connection failed" in post.error_message


def test_bad_token_is_permanent_and_not_logged(post, fake_replicate, settings, caplog):
    caplog.set_level(logging.DEBUG)
    settings.REPLICATE_API_TOKEN = "r8_wrong_secret_token_123"

    run_pass(worker="w1")

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert post.next_attempt_at is None
    assert "HTTP 401" in post.error_message
    assert "r8_wrong_secret_token_123" not in caplog.text
    assert fake_replicate.token not in caplog.text


def test_missing_token_is_permanent(post, fake_replicate, settings):
    settings.REPLICATE_API_TOKEN = ""

    run_pass(worker="w1")

    post.refresh_from_db()
    assert post.status == Status.FAILED
    assert "REPLICATE_API_TOKEN is not set" in post.error_message
    assert fake_replicate.requests == []


def test_wide_output_is_normalised(post, fake_replicate):
    fake_replicate.output_size = (3000, 1000)

    run_pass(worker="w1")

    post.refresh_from_db()
    image = stored_image(post.image_urls[0])
    assert image.format == "JPEG"
    assert image.size == (800, 1000)


# One generation pass of a 3-image carousel: heartbeat, missed-post sweep,
# the claim, the start time, one claim renewal per image, the images_ready
# transition, the day-row lock of each transition and the final empty claim
# query (savepoints included).
QUERIES_PER_GENERATION = 32


def test_generation_pass_query_count(post, fake_replicate, django_assert_num_queries):
    with django_assert_num_queries(QUERIES_PER_GENERATION):
        run_pass(worker="w1")

    post.refresh_from_db()
    assert post.status == Status.IMAGES_READY
