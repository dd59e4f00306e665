"""Planner (LLM fake) to images (Replicate fake) to Instagram (fake), with Discord alerts."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from autopost import actions
from autopost.executor import run_pass
from autopost.models import DailySchedule, ScheduledPost
from scheduler.planning import plan_days
from tests.factories import CharacterFactory

Status = ScheduledPost.Status
DAY = date(2026, 12, 24)
# 10:00 in Paris: every slot below is due, none is past the catch-up window.
NOW = datetime(2026, 12, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def characters(db, fake_instagram):
    accounts = []
    for slug, account, slots in (
        ("mila", "17841400000001", ["09:50", "10:00"]),
        ("elena", "17841400000002", ["09:55"]),
    ):
        token = f"IGQWR-{slug}-secret-token"
        fake_instagram.add_account(account, token)
        accounts.append(
            CharacterFactory(
                slug=slug, instagram_account_id=account, access_token=token, slots={"weekday": slots}
            )
        )
    return accounts


def test_three_posts_planned_generated_and_published(
    characters, fake_anthropic, fake_replicate, fake_instagram, fake_discord, media_root
):
    fake_replicate.fail_with = "Prediction interrupted; please retry (code: PA)"
    with time_machine.travel(NOW, tick=True):
        plan_days(start=DAY, days=1)
        run_pass(worker="w1")
        failed = ScheduledPost.objects.get(status=Status.FAILED)
        actions.retry(failed, actor="alice")
        run_pass(worker="w1")

    posts = list(ScheduledPost.objects.order_by("due_at"))
    assert [(p.character_id, f"{p.scheduled_time:%H:%M}") for p in posts] == [
        ("mila", "09:50"),
        ("elena", "09:55"),
        ("mila", "10:00"),
    ]
    assert [p.status for p in posts] == [Status.POSTED] * 3
    assert all(p.instagram_permalink.startswith("https://www.instagram.com/p/") for p in posts)
    assert all(len(p.image_urls) == 3 for p in posts)
    assert set(DailySchedule.objects.values_list("generated_by", flat=True)) == {"llm_planner"}
    assert set(DailySchedule.objects.values_list("status", flat=True)) == {DailySchedule.Status.COMPLETED}
    assert fake_instagram.total_publishes() == 3
    assert len(fake_anthropic.requests) == 2
    assert len(fake_replicate.created()) == 10
    assert len(fake_discord.messages) == 1
    embed = fake_discord.messages[0]["embeds"][0]
    assert embed["title"] == "Publication en échec définitif"
    assert str(failed.pk) in embed["fields"][-1]["value"]
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    assert "Prediction interrupted" in fields["Erreur"]
