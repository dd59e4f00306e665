"""The LLM planner against the fake Anthropic Messages API."""

import json
import logging
from datetime import date, time

import pytest

from autopost.models import DailySchedule
from autopost.providers.llm_planner import FALLBACK_NAME, LLMPlanner
from scheduler.planning import plan_days
from tests.factories import CharacterFactory, ScheduledPostFactory
from tests.fakes.anthropic import valid_plan

DAY = date(2026, 12, 24)  # a Thursday: weekday slots 08:00, 12:30, 19:00
SLOTS = [time(8, 0), time(12, 30), time(19, 0)]


@pytest.fixture
def mila(db, fake_anthropic):
    return CharacterFactory(slug="mila", name="Mila", description="A design student in Paris.")


def request_body(fake, index=0):
    return fake.requests_to("POST", r"/v1/messages$")[index].json


def planner_request(fake, index=0):
    return json.loads(request_body(fake, index)["messages"][0]["content"])


def test_valid_reply_becomes_the_day_plan(mila, fake_anthropic):
    plan_days(start=DAY, days=1)

    schedule = DailySchedule.objects.get(character=mila, schedule_date=DAY)
    assert schedule.generated_by == "llm_planner"
    assert schedule.generation_reasoning == "Locations rotated, none from the last 7 days."
    assert [p.scheduled_time for p in schedule.posts.order_by("scheduled_time")] == SLOTS
    assert all(len(p.hashtags) == 13 for p in schedule.posts.all())


def test_request_carries_profile_library_slots_and_history(mila, fake_anthropic, settings):
    ScheduledPostFactory(character=mila, scheduled_date=date(2026, 12, 20), location_key="canal_saint_martin")
    ScheduledPostFactory(character=mila, scheduled_date=date(2026, 12, 10), location_key="too_old")

    LLMPlanner().plan_day(mila, DAY, SLOTS, special_day={"theme": "Réveillon"})

    body = request_body(fake_anthropic)
    sent = planner_request(fake_anthropic)
    headers = fake_anthropic.requests[0].headers
    assert headers["x-api-key"] == fake_anthropic.api_key
    assert headers["anthropic-version"] == "2023-06-01"
    assert body["model"] == settings.AUTOPOST_ANTHROPIC_MODEL
    assert body["max_tokens"] > 0
    assert "JSON" in body["system"]
    assert sent["character"]["description"] == "A design student in Paris."
    assert sent["content_library"]["locations"] == mila.content_library["locations"]
    assert sent["slots"] == ["08:00", "12:30", "19:00"]
    assert sent["special_day"] == {"theme": "Réveillon"}
    assert sent["recent_locations"] == [{"date": "2026-12-20", "location_key": "canal_saint_martin"}]


def test_invalid_json_retried_once_then_accepted(mila, fake_anthropic):
    fake_anthropic.replies = ["Voici le plan : {pas du JSON"]

    plan = LLMPlanner().plan_day(mila, DAY, SLOTS)

    retry = request_body(fake_anthropic, 1)["messages"]
    assert plan["generated_by"] == "llm_planner"
    assert len(fake_anthropic.requests) == 2
    assert retry[1] == {"role": "assistant", "content": "Voici le plan : {pas du JSON"}
    assert "not valid JSON" in retry[2]["content"]


def test_code_fenced_json_is_accepted(mila, fake_anthropic):
    request = {
        "content_library": mila.content_library,
        "date": DAY.isoformat(),
        "slots": ["08:00", "12:30", "19:00"],
    }
    fake_anthropic.replies = ["```json\n" + json.dumps(valid_plan(request)) + "\n```"]

    plan = LLMPlanner().plan_day(mila, DAY, SLOTS)

    assert plan["generated_by"] == "llm_planner"
    assert len(fake_anthropic.requests) == 1


def broken(mutate):
    request = {"content_library": {}, "date": DAY.isoformat(), "slots": ["08:00", "12:30", "19:00"]}
    plan = valid_plan(request)
    mutate(plan)
    return json.dumps(plan)


@pytest.mark.parametrize(
    ("mutate", "words"),
    [
        (lambda p: p["posts"].pop(), "exactly one entry per slot"),
        (lambda p: p["posts"].append(dict(p["posts"][0])), "exactly one entry per slot"),
        (lambda p: p["posts"][0].update(caption="x" * 151), "151 characters, at most 150"),
        (lambda p: p["posts"][1].update(hashtags=["#a"] * 11), "11 hashtags, expected 12 to 15"),
        (lambda p: p["posts"][1].update(hashtags=["#a"] * 16), "16 hashtags, expected 12 to 15"),
        (lambda p: p["posts"][2].update(hashtags=["a"] * 12), "starting with #"),
        (lambda p: p.pop("daily_theme"), "missing key 'daily_theme'"),
        (lambda p: p["posts"][0].update(location_key=""), "'location_key' must be a non-empty string"),
    ],
)
def test_schema_errors_fall_back_after_one_retry(mila, fake_anthropic, mutate, words):
    fake_anthropic.replies = [broken(mutate), broken(mutate)]

    plan = LLMPlanner().plan_day(mila, DAY, SLOTS)

    assert len(fake_anthropic.requests) == 2
    assert plan["generated_by"] == FALLBACK_NAME
    assert words in plan["reasoning"]
    assert [p["time"] for p in plan["posts"]] == ["08:00", "12:30", "19:00"]


def test_fallback_recorded_on_the_day(mila, fake_anthropic):
    fake_anthropic.replies = ["nope", "still nope"]

    plan_days(start=DAY, days=1)

    schedule = DailySchedule.objects.get(character=mila, schedule_date=DAY)
    assert schedule.generated_by == FALLBACK_NAME
    assert "reply 2 invalid" in schedule.generation_reasoning
    assert schedule.posts.count() == 3


@pytest.mark.parametrize(
    ("status", "error_type"),
    [(429, "rate_limit_error"), (529, "overloaded_error"), (401, "authentication_error")],
)
def test_api_errors_fall_back_without_retry(mila, fake_anthropic, status, error_type):
    fake_anthropic.fail(
        "POST",
        r"/v1/messages$",
        status=status,
        body={"type": "error", "error": {"type": error_type, "message": "x"}},
    )

    plan = LLMPlanner().plan_day(mila, DAY, SLOTS)

    assert plan["generated_by"] == FALLBACK_NAME
    assert f"HTTP {status}" in plan["reasoning"]
    assert error_type in plan["reasoning"]
    assert len(fake_anthropic.requests) == 1


def test_api_key_never_logged(mila, fake_anthropic, settings, caplog):
    caplog.set_level(logging.DEBUG)
    settings.ANTHROPIC_API_KEY = "sk-ant-wrong-secret-key"

    plan = LLMPlanner().plan_day(mila, DAY, SLOTS)

    assert plan["generated_by"] == FALLBACK_NAME
    assert "sk-ant-wrong-secret-key" not in caplog.text
    assert "sk-ant-wrong-secret-key" not in plan["reasoning"]
