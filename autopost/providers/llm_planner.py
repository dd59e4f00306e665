"""Day plans from an LLM through the Anthropic Messages API (AUTOPOST_PLANNER=llm).

API: POST {ANTHROPIC_API_URL}/v1/messages with x-api-key and
anthropic-version headers. The reply must be the day plan as JSON; an
invalid reply is sent back once with the validation error, then the
template planner takes over and the day records why.
"""

import json
import logging
import re
from datetime import timedelta

import requests
from django.conf import settings

from autopost.models import ScheduledPost
from autopost.providers import http
from autopost.providers.base import Planner, ProviderError
from autopost.providers.template_planner import TemplatePlanner

logger = logging.getLogger(__name__)

SERVICE = "Anthropic"
API_VERSION = "2023-06-01"
MAX_TOKENS = 4096
MAX_CAPTION = 150
HASHTAGS_MIN, HASHTAGS_MAX = 12, 15
HISTORY_DAYS = 7
FALLBACK_NAME = "template_planner (LLM fallback)"
FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")

SYSTEM_PROMPT = (
    "You plan one day of Instagram carousel posts for a virtual influencer. Reply with JSON only, "
    'no prose, shaped as: {"daily_theme": str, "mood": str, "reasoning": str, "posts": [{"time": '
    '"HH:MM", "type": "carousel", "location_key": str, "location_name": str, "mood": str, '
    '"outfit": str, "action": str, "caption": str, "hashtags": [str], "prompt_hints": str}]}. '
    f"Exactly one post per slot time given. Captions in French, at most {MAX_CAPTION} characters. "
    f"Each post has {HASHTAGS_MIN} to {HASHTAGS_MAX} hashtags starting with #. "
    "Avoid the locations used in the last 7 days when the library allows it."
)


class PlanInvalid(ValueError):
    """The reply is not JSON or does not match the day-plan schema."""


def validate_plan(plan, slot_times):
    """Return the plan with its posts in slot order, or raise PlanInvalid naming the first problem."""
    if not isinstance(plan, dict):
        raise PlanInvalid("the reply must be a JSON object")
    for key in ("daily_theme", "mood", "posts"):
        if key not in plan:
            raise PlanInvalid(f"missing key {key!r}")
    posts = plan["posts"]
    if not isinstance(posts, list):
        raise PlanInvalid("'posts' must be a list")
    expected = [slot.strftime("%H:%M") for slot in slot_times]
    times = [post.get("time") if isinstance(post, dict) else None for post in posts]
    if sorted(times, key=str) != sorted(expected):
        raise PlanInvalid(f"posts must have exactly one entry per slot {expected}, got {times}")
    for post in posts:
        _validate_post(post)
    return {**plan, "posts": sorted(posts, key=lambda post: post["time"])}


def _validate_post(post):
    slot = post["time"]
    for key in ("location_key", "location_name", "caption"):
        if not isinstance(post.get(key), str) or not post[key].strip():
            raise PlanInvalid(f"post {slot}: {key!r} must be a non-empty string")
    if len(post["caption"]) > MAX_CAPTION:
        raise PlanInvalid(
            f"post {slot}: caption has {len(post['caption'])} characters, at most {MAX_CAPTION}"
        )
    tags = post.get("hashtags")
    if not isinstance(tags, list) or not all(isinstance(tag, str) and tag.startswith("#") for tag in tags):
        raise PlanInvalid(f"post {slot}: 'hashtags' must be a list of strings starting with #")
    if not HASHTAGS_MIN <= len(tags) <= HASHTAGS_MAX:
        raise PlanInvalid(f"post {slot}: {len(tags)} hashtags, expected {HASHTAGS_MIN} to {HASHTAGS_MAX}")
    if post.get("type", "carousel") != "carousel":
        raise PlanInvalid(f"post {slot}: type must be 'carousel'")


def parse_reply(text):
    try:
        return json.loads(FENCE.sub("", text.strip()))
    except json.JSONDecodeError as error:
        raise PlanInvalid(f"the reply is not valid JSON: {error}") from None


def recent_locations(character, day):
    rows = ScheduledPost.objects.filter(
        character=character, scheduled_date__gte=day - timedelta(days=HISTORY_DAYS), scheduled_date__lt=day
    ).values_list("scheduled_date", "location_key")
    return [{"date": d.isoformat(), "location_key": key} for d, key in rows.order_by("scheduled_date")]


def build_request(character, day, slot_times, special_day):
    return {
        "character": {
            "slug": character.slug,
            "name": character.name,
            "description": character.description,
            "timezone": character.timezone,
        },
        "content_library": character.content_library or {},
        "date": day.isoformat(),
        "weekday": day.strftime("%A"),
        "slots": [slot.strftime("%H:%M") for slot in slot_times],
        "special_day": special_day,
        "recent_locations": recent_locations(character, day),
    }


class AnthropicClient:
    def complete(self, messages):
        """Return the text of the model's reply to `messages`."""
        key = settings.ANTHROPIC_API_KEY
        if not key:
            raise ProviderError("ANTHROPIC_API_KEY is not set")
        try:
            response = http.session(SERVICE).post(
                f"{settings.ANTHROPIC_API_URL}/v1/messages",
                headers={"x-api-key": key, "anthropic-version": API_VERSION},
                json={
                    "model": settings.AUTOPOST_ANTHROPIC_MODEL,
                    "max_tokens": MAX_TOKENS,
                    "system": SYSTEM_PROMPT,
                    "messages": messages,
                },
                timeout=http.timeout(),
            )
        except requests.RequestException as error:
            raise http.transport_error(SERVICE, error, key) from None
        if response.status_code != 200:
            raise http.status_error(SERVICE, response, _detail(response), key)
        body = response.json()
        return "".join(
            block.get("text", "") for block in body.get("content", []) if block.get("type") == "text"
        )


def _detail(response):
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        return response.text[:300]
    return f"{error.get('type')}: {error.get('message')}"


class LLMPlanner(Planner):
    name = "llm_planner"

    def __init__(self, client=None):
        self.client = client or AnthropicClient()

    def plan_day(self, character, day, slot_times, *, special_day=None):
        request = build_request(character, day, slot_times, special_day)
        messages = [{"role": "user", "content": json.dumps(request, ensure_ascii=False)}]
        reason = ""
        for attempt in (1, 2):
            try:
                text = self.client.complete(messages)
            except ProviderError as error:
                reason = f"the LLM request failed: {error}"
                break
            try:
                plan = validate_plan(parse_reply(text), slot_times)
            except PlanInvalid as error:
                reason = f"reply {attempt} invalid: {error}"
                logger.warning("plan of %s on %s: %s", character.slug, day, reason)
                messages += [
                    {"role": "assistant", "content": text},
                    {
                        "role": "user",
                        "content": f"Invalid: {error}. Reply again with the corrected JSON only.",
                    },
                ]
                continue
            return self._accepted(plan)
        return self._fallback(character, day, slot_times, special_day, reason)

    def _accepted(self, plan):
        for post in plan["posts"]:
            post.setdefault("type", "carousel")
            post.setdefault("content_type", "new")
            post["executed"] = False
        return {
            "daily_theme": plan["daily_theme"],
            "mood": plan["mood"],
            "reasoning": str(plan.get("reasoning", "")),
            "generated_by": self.name,
            "posts": plan["posts"],
        }

    def _fallback(self, character, day, slot_times, special_day, reason):
        logger.warning(
            "plan of %s on %s: template planner used instead of the LLM: %s", character.slug, day, reason
        )
        plan = TemplatePlanner().plan_day(character, day, slot_times, special_day=special_day)
        plan["generated_by"] = FALLBACK_NAME
        plan["reasoning"] = f"LLM plan not used ({reason[:1000]}). {plan['reasoning']}"
        return plan
